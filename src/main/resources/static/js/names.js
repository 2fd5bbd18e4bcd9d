// Default display names for people who leave the name field empty.

const ADJECTIVES = ['Amber', 'Brave', 'Calm', 'Clever', 'Eager', 'Gentle', 'Happy', 'Lucky', 'Quiet', 'Swift', 'Witty', 'Bright'];
const ANIMALS = ['Otter', 'Falcon', 'Panda', 'Heron', 'Lynx', 'Koala', 'Badger', 'Dolphin', 'Fox', 'Owl', 'Robin', 'Tiger'];

/** @returns {string} a friendly random name such as "Calm Otter" */
export function randomName() {
  const pick = (/** @type {string[]} */ list) => list[Math.floor(Math.random() * list.length)];
  return `${pick(ADJECTIVES)} ${pick(ANIMALS)}`;
}

/** @param {string} name @returns {string} up to two initials for an avatar */
export function initials(name) {
  return name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => [...w][0].toUpperCase()).join('') || '?';
}
