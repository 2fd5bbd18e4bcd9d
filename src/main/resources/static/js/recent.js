// Recently joined meetings, kept only in this browser.

const KEY = 'parley.recent';
const MAX = 8;

/** @typedef {{id: string, at: number}} RecentMeeting */

/** @returns {RecentMeeting[]} newest first */
export function recentMeetings() {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(list) ? list.filter((m) => typeof m?.id === 'string' && typeof m?.at === 'number') : [];
  } catch {
    return [];
  }
}

/** @param {string} id */
export function rememberMeeting(id) {
  const list = [{ id, at: Date.now() }, ...recentMeetings().filter((m) => m.id !== id)].slice(0, MAX);
  try {
    localStorage.setItem(KEY, JSON.stringify(list));
  } catch {
    // Storage may be full or disabled; the list is a convenience.
  }
}

const ROOM_ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/**
 * Finds a room id in what a user typed: a bare code or a full meeting link.
 * @param {string} text @returns {string|null}
 */
export function parseMeetingCode(text) {
  const match = text.trim().match(ROOM_ID);
  return match ? match[0].toLowerCase() : null;
}
