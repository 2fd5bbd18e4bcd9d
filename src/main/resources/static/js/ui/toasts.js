// Short notices over the call (at the bottom; near the top on a phone), read out by screen readers too (aria-live).

const SHOW_MS = 4000;

/**
 * Shows a notice. The same notice still on screen gives way to this one, so repeats (a burst of refusals,
 * say) do not stack up, and the latest keeps its place in the order of events.
 * @param {string} text
 */
export function toast(text) {
  const region = document.getElementById('toasts');
  if (!region) {
    return;
  }
  Array.from(region.children).find((shown) => shown.textContent === text)?.remove();
  const item = document.createElement('div');
  item.className = 'toast';
  item.textContent = text;
  region.append(item);
  setTimeout(() => item.remove(), SHOW_MS);
}
