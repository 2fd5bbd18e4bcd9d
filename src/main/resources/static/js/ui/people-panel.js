// The participants panel: every name with microphone, camera and hand state, updated live.
import { icon } from './icons.js';

/**
 * @typedef {{name: string, audio: boolean, video: boolean, screen: boolean, screenOrder?: number, hand: boolean,
 *            self: boolean, moderator: boolean}} Person
 */
/** @typedef {{mute: (id: string) => void, remove: (id: string) => void}} HostActions */

export class PeoplePanel {
  constructor() {
    /** Set when this participant moderates the room: each other person gets mute and remove buttons. */
    /** @type {HostActions|null} */
    this.host = null;
    this.list = /** @type {HTMLUListElement} */ (document.getElementById('people-list'));
    this.count = /** @type {HTMLElement} */ (document.getElementById('people-count'));
    this.title = /** @type {HTMLElement} */ (document.getElementById('people-title'));
  }

  /** @param {Map<string, Person>} people in order of arrival */
  render(people) {
    const sorted = [...people.entries()].sort(([, a], [, b]) => Number(b.self) - Number(a.self) || Number(b.hand) - Number(a.hand));
    // The list is drawn anew; a host's keyboard focus on one of its buttons stays on that button.
    const focused = /** @type {HTMLElement|null} */ (document.activeElement?.closest('.person-actions button') ?? null);
    const focusedAction = focused && [focused.closest('.person')?.getAttribute('data-participant'), focused.dataset.action];
    this.list.replaceChildren(...sorted.map(([id, person]) => this.#item(id, person)));
    if (focusedAction) {
      const again = /** @type {HTMLElement|null} */ (this.list.querySelector(
        `[data-participant="${CSS.escape(focusedAction[0] ?? '')}"] [data-action="${focusedAction[1]}"]`));
      // Their row went (they left, or were removed): the panel's heading, rather than nowhere.
      (again ?? this.title).focus();
    }
    // Drawn by CSS from the attribute, so the button's visible text stays its name ("Participants").
    this.count.dataset.count = String(people.size);
    this.title.textContent = `Participants (${people.size})`;
  }

  /** @param {string} id @param {Person} person */
  #item(id, person) {
    const item = document.createElement('li');
    item.className = 'person';
    item.dataset.participant = id;
    const name = document.createElement('span');
    name.className = 'person-name';
    name.textContent = person.self ? `${person.name} (you)` : person.name;
    const states = document.createElement('span');
    states.className = 'person-states';
    if (person.moderator) {
      states.append(badge('Host', null, 'Host'));
    }
    if (person.hand) {
      states.append(badge('Hand raised', null, '✋'));
    }
    if (person.screen) {
      states.append(badge('Presenting', 'present'));
    }
    states.append(
      badge(person.audio ? 'Microphone on' : 'Microphone off', person.audio ? 'mic' : 'micOff'),
      badge(person.video ? 'Camera on' : 'Camera off', person.video ? 'cam' : 'camOff'),
    );
    item.append(name, states);
    if (this.host && !person.self) {
      const host = this.host;
      const actions = document.createElement('span');
      actions.className = 'person-actions';
      // Already muted: asking again would only repeat the notice on their screen. aria-disabled, not disabled,
      // so that the button keeps the keyboard focus it may have.
      const mute = action('mute', `Mute ${person.name}`, 'micOff', () => person.audio && host.mute(id));
      mute.setAttribute('aria-disabled', String(!person.audio));
      if (!person.audio) mute.title = `${person.name} is muted`;
      actions.append(mute, action('remove', `Remove ${person.name}`, 'close', () => host.remove(id)));
      item.append(actions);
    }
    return item;
  }
}

/**
 * @param {string} name what it does, kept across redraws @param {string} label @param {import('./icons.js').IconName} iconName
 * @param {() => void} run
 */
function action(name, label, iconName, run) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'icon-button';
  button.dataset.action = name;
  button.setAttribute('aria-label', label);
  button.title = label;
  button.append(icon(iconName));
  button.addEventListener('click', run);
  return button;
}

/** @param {string} label @param {import('./icons.js').IconName|null} iconName @param {string} [text] */
function badge(label, iconName, text) {
  const el = document.createElement('span');
  el.className = `state ${label.endsWith('off') ? 'state-off' : ''}`;
  el.setAttribute('role', 'img');
  el.setAttribute('aria-label', label);
  el.title = label;
  if (iconName) {
    el.append(icon(iconName));
  } else {
    el.textContent = text ?? '';
  }
  return el;
}
