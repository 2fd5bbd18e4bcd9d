// Short notices at the bottom of the screen, also read out by screen readers (aria-live region).

const SHOW_MS = 4000;

/** @param {string} text */
export function toast(text) {
  const region = document.getElementById('toasts');
  if (!region) {
    return;
  }
  const item = document.createElement('div');
  item.className = 'toast';
  item.textContent = text;
  region.append(item);
  setTimeout(() => item.remove(), SHOW_MS);
}
