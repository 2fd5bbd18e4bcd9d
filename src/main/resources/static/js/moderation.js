// The host's side of a meeting (mute, remove, lock, end) and what everyone sees of it.
import { toast } from './ui/toasts.js';

/**
 * @typedef {import('./protocol.js').SignalingClient} SignalingClient
 * @typedef {import('./ui/people-panel.js').PeoplePanel} PeoplePanel
 */

/**
 * Reads the moderator key from the link's fragment once, keeps it in this browser, and hides it. Kept
 * beyond the tab, so that the host reopening the meeting (a new tab, "Recent meetings") is still the host.
 */
export function takeModeratorKey(roomId) {
  const storageKey = `parley.host.${roomId}`;
  const match = location.hash.match(/host=([^&]+)/);
  if (match) {
    try {
      localStorage.setItem(storageKey, decodeURIComponent(match[1]));
    } catch {
      // A mangled link (a stray %): no key, so this page joins as a guest rather than failing to load.
    }
    history.replaceState(null, '', location.pathname + location.search);
  }
  return localStorage.getItem(storageKey) ?? undefined;
}

/**
 * Wires the host controls and the messages about moderation. Returns `showLocked`, for the lock state a
 * resumed `joined` brings (the meeting may have unlocked while this page was away).
 * @param {SignalingClient} client
 * @param {{people: PeoplePanel, isModerator: boolean, locked: boolean,
 *          nameOf: (id: string) => string, muteSelf: () => void, render: () => void,
 *          end: (title: string, detail: string) => void}} ui
 * @returns {{showLocked: (locked: boolean) => void}}
 */
export function setupModeration(client, ui) {
  const controls = /** @type {HTMLElement} */ (document.getElementById('host-controls'));
  /** Whether this page asked to end the meeting (another host's page may have). */
  let endedHere = false;
  const lock = /** @type {HTMLButtonElement} */ (document.getElementById('lock'));
  const showLock = (/** @type {boolean} */ locked) => {
    lock.setAttribute('aria-pressed', String(locked));
    lock.textContent = locked ? 'Unlock meeting' : 'Lock meeting';
  };
  // Kept for everyone (the button shows only to hosts), so that a resume can tell what changed meanwhile.
  showLock(ui.locked);
  if (ui.isModerator) {
    controls.hidden = false;
    ui.people.host = {
      mute: (id) => {
        client.moderate('mute', id);
        toast(`Asked ${ui.nameOf(id)} to mute`);
      },
      remove: (id) => {
        client.moderate('remove', id);
        // Without accounts nothing tells a removed person from a newcomer: only a lock keeps them out.
        const locked = lock.getAttribute('aria-pressed') === 'true';
        toast(locked ? `Removed ${ui.nameOf(id)}` : `Removed ${ui.nameOf(id)}. Lock the meeting to keep them from joining again.`);
      },
    };
    lock.addEventListener('click', () => client.moderate(lock.getAttribute('aria-pressed') === 'true' ? 'unlock' : 'lock'));
    /** @type {HTMLButtonElement} */ (document.getElementById('end-all')).addEventListener('click', () => {
      endedHere = true;
      client.moderate('end');
    });
    ui.render();
  }
  client.onroomstate = (locked) => {
    showLock(locked);
    toast(locked ? "The meeting is locked. New people can't join." : 'The meeting is unlocked.');
  };
  client.onmoderated = (action, by) => {
    if (action === 'mute') {
      ui.muteSelf();
      toast(`${by} muted you. You can unmute yourself when you're ready.`);
    } else if (action === 'remove') {
      ui.end('You were removed from the meeting', `${by} removed you.`);
    }
  };
  client.onmeetingended = (by) => ui.end('The meeting has ended',
    endedHere ? 'You ended the meeting for everyone.' : `${by} ended the meeting for everyone.`);
  return {
    showLocked: (locked) => {
      if (lock.getAttribute('aria-pressed') === String(locked)) return;
      showLock(locked);
      toast(locked ? "The meeting is locked. New people can't join." : 'The meeting was unlocked while you were away.');
    },
  };
}
