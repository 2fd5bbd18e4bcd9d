// The start page: create a meeting, join one by code or link, and list recent ones.
import { parseMeetingCode, recentMeetings } from './recent.js';

const newMeeting = /** @type {HTMLButtonElement} */ (document.getElementById('new-meeting'));
const joinForm = /** @type {HTMLFormElement} */ (document.getElementById('join-form'));
const codeInput = /** @type {HTMLInputElement} */ (document.getElementById('meeting-code'));
const joinError = /** @type {HTMLElement} */ (document.getElementById('join-error'));

newMeeting.addEventListener('click', async () => {
  newMeeting.disabled = true;
  try {
    const password = /** @type {HTMLInputElement} */ (document.getElementById('new-password')).value;
    const large = /** @type {HTMLInputElement} */ (document.getElementById('new-large')).checked;
    const response = await fetch('/api/rooms', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...(password ? { password } : {}), ...(large ? { large } : {}) }),
    });
    if (!response.ok) {
      // The server says why (a password of only spaces, too many new meetings…).
      const reason = await response.json().then((body) => body?.error, () => null);
      joinError.textContent = `Could not create a meeting: ${reason ?? `the server answered ${response.status}`}.`;
      joinError.scrollIntoView({ block: 'nearest' }); // below the fold on a phone
      newMeeting.disabled = false;
      return;
    }
    const { url, moderatorKey } = await response.json();
    // The key rides in the fragment, which browsers never send to a server or in a Referer.
    location.assign(`${url}#host=${encodeURIComponent(moderatorKey)}`);
  } catch {
    joinError.textContent = 'Could not create a meeting. Is the server running?';
    newMeeting.disabled = false;
  }
});

// Enter in the password field creates the meeting it protects, as a form would.
document.getElementById('new-password')?.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') {
    event.preventDefault();
    if (!newMeeting.disabled) newMeeting.click();
  }
});

joinForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const id = parseMeetingCode(codeInput.value);
  if (!id) {
    joinError.textContent = 'That is not a meeting code or link. Codes look like 0f8e9c3a-5b1d-4c2e-9a7f-3d6b8e1c2a4f.';
    codeInput.setAttribute('aria-invalid', 'true');
    codeInput.focus();
    return;
  }
  location.assign(`/r/${id}`);
});

codeInput.addEventListener('input', () => {
  joinError.textContent = '';
  codeInput.removeAttribute('aria-invalid');
});

function renderRecent() {
  const list = /** @type {HTMLUListElement} */ (document.getElementById('recent-list'));
  const meetings = recentMeetings();
  /** @type {HTMLElement} */ (document.getElementById('recent-empty')).hidden = meetings.length > 0;
  const format = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  list.replaceChildren(...meetings.map((meeting) => {
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = `/r/${meeting.id}`;
    link.textContent = meeting.id;
    const when = document.createElement('span');
    when.className = 'muted';
    when.textContent = format.format(new Date(meeting.at));
    item.append(link, when);
    return item;
  }));
}

renderRecent();

// "Large meeting" only where the server has an SFU to carry it.
fetch('/api/features')
  .then((response) => (response.ok ? response.json() : null))
  .then((features) => {
    /** @type {HTMLElement} */ (document.getElementById('large-option')).hidden = !features?.largeMeetings;
  })
  .catch(() => {});
