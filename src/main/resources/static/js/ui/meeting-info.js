// The meeting's link and the clock in the control bar.
import { toast } from './toasts.js';

/** Copies the meeting link; falls back to showing it when the clipboard is not available. */
export async function copyMeetingLink() {
  const link = `${location.origin}${location.pathname}`;
  try {
    await navigator.clipboard.writeText(link);
    toast('Meeting link copied');
  } catch {
    toast(`Share this link: ${link}`);
  }
}

/** @param {HTMLElement} el */
export function startClock(el) {
  const format = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
  const tick = () => { el.textContent = format.format(new Date()); };
  tick();
  setInterval(tick, 10_000);
}
