// Control-bar buttons: icons, toggles whose name and aria-pressed follow their state, and shortcuts.
import { icon } from './icons.js';

/**
 * @typedef {{label: string, icon: import('./icons.js').IconName}} Face
 * @typedef {{off: Face, on: Face, danger?: boolean}} ToggleFaces
 */

/** Fills every `[data-icon]` button under a root with its icon. @param {ParentNode} root */
export function fillIcons(root) {
  for (const el of root.querySelectorAll('[data-icon]')) {
    el.prepend(icon(/** @type {any} */ (el.getAttribute('data-icon'))));
  }
}

/** The faces of the media toggles; `on` means pressed (muted, camera off, presenting, hand up). */
export const FACES = {
  mic: { off: { label: 'Mute microphone', icon: 'mic' }, on: { label: 'Unmute microphone', icon: 'micOff' }, danger: true },
  cam: { off: { label: 'Turn off camera', icon: 'cam' }, on: { label: 'Turn on camera', icon: 'camOff' }, danger: true },
  present: { off: { label: 'Present now', icon: 'present' }, on: { label: 'Stop presenting', icon: 'present' } },
  hand: { off: { label: 'Raise hand', icon: 'hand' }, on: { label: 'Lower hand', icon: 'hand' } },
};

/**
 * Shows a toggle's state: its accessible name says what a press will do, and aria-pressed what is on.
 * @param {HTMLButtonElement} button @param {ToggleFaces} faces @param {boolean} pressed
 */
export function setToggle(button, faces, pressed) {
  const face = pressed ? faces.on : faces.off;
  button.setAttribute('aria-pressed', String(pressed));
  button.setAttribute('aria-label', face.label);
  button.title = face.label + shortcutHint(button);
  button.classList.toggle('control-danger', pressed && !!faces.danger);
  button.classList.toggle('control-active', pressed && !faces.danger);
  button.replaceChildren(icon(face.icon));
}

const MAC = /Mac|iPhone|iPad/.test(navigator.platform);

/** @param {HTMLButtonElement} button */
function shortcutHint(button) {
  const key = button.dataset.shortcut;
  return key ? ` (${MAC ? '⌘' : 'Ctrl'}+${key.toUpperCase()})` : '';
}

/**
 * Meet's shortcuts: Ctrl+D (⌘D) for the microphone and Ctrl+E (⌘E) for the camera.
 * @param {Record<string, () => void>} actions keyed by lower-case letter
 */
export function bindShortcuts(actions) {
  document.addEventListener('keydown', (event) => {
    const modifier = MAC ? event.metaKey : event.ctrlKey;
    const action = actions[event.key.toLowerCase()];
    if (modifier && !event.altKey && !event.shiftKey && action) {
      event.preventDefault();
      action();
    }
  });
}
