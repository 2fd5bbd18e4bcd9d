// The chat panel. Messages are plain text: they are put in the page with textContent, and only
// http(s) links become anchors, so nothing a participant types can run in anyone's page.

import { toast } from './toasts.js';

/** @typedef {import('../protocol.js').ChatMessage} ChatMessage */

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;
/** Said when a message waits in the box because the server would refuse it (same words as the server's). */
export const TOO_FAST = "You're sending messages too fast. Wait a moment.";
/** Characters of a message shown in its notice while the panel is closed. */
const PREVIEW_LENGTH = 80;

export class ChatPanel {
  /**
   * @param {(text: string) => boolean} send false when the message could not go yet (too fast)
   * @param {() => boolean} isOpen
   */
  constructor(send, isOpen) {
    this.log = /** @type {HTMLElement} */ (document.getElementById('chat-log'));
    this.input = /** @type {HTMLTextAreaElement} */ (document.getElementById('chat-input'));
    this.badge = /** @type {HTMLElement} */ (document.getElementById('chat-badge'));
    this.isOpen = isOpen;
    this.unread = 0;
    /** @type {Set<string>} messages on screen, by sender, time and text */
    this.shown = new Set();
    this.time = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
    const form = /** @type {HTMLFormElement} */ (document.getElementById('chat-form'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = this.input.value.trim();
      if (!text) {
        return;
      }
      if (send(text)) {
        this.input.value = '';
      } else {
        toast(TOO_FAST); // the text stays in the box, to send again in a moment
      }
    });
    // Enter sends, Shift+Enter starts a new line.
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }

  /**
   * A message as it is sent. With the panel closed, someone else's counts as unread, and a notice
   * shows its start (read out by screen readers, as the log in the closed panel is not).
   * @param {ChatMessage} message @param {boolean} own
   */
  add(message, own) {
    if (!this.#append(message, own) || this.isOpen() || own) {
      return;
    }
    this.unread++;
    this.#showBadge();
    const characters = Array.from(message.text); // whole characters, so an emoji is never cut in half
    const text = characters.length > PREVIEW_LENGTH ? `${characters.slice(0, PREVIEW_LENGTH - 1).join('')}…` : message.text;
    toast(`${message.name}: ${text}`);
  }

  /** Puts a message in the log; false if it is there already. @param {ChatMessage} message @param {boolean} own */
  #append(message, own) {
    // History comes again at every (re)join; a message already shown is not shown twice.
    const key = `${message.from}|${message.ts}|${message.text}`;
    if (this.shown.has(key)) {
      return false;
    }
    this.shown.add(key);
    document.getElementById('chat-empty')?.remove();
    const item = document.createElement('article');
    item.className = own ? 'chat-message own' : 'chat-message';
    const meta = document.createElement('div');
    meta.className = 'chat-meta';
    const sender = document.createElement('span');
    sender.className = 'chat-sender';
    sender.textContent = own ? `${message.name} (you)` : message.name;
    const time = document.createElement('time');
    time.className = 'chat-time';
    time.dateTime = new Date(message.ts).toISOString();
    time.textContent = this.time.format(new Date(message.ts));
    meta.append(sender, time);
    const text = document.createElement('p');
    text.className = 'chat-text';
    text.append(...linkify(message.text));
    item.append(meta, text);
    const atBottom = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 40;
    this.log.append(item);
    if (atBottom || own) {
      this.log.scrollTop = this.log.scrollHeight;
    }
    return true;
  }

  /**
   * Adds the room's recent history, sent at every (re)join: a resumed page gets what it missed,
   * without duplicates, and keeps what it had even if a restarted server remembers nothing.
   * Nothing in it counts as unread.
   * @param {ChatMessage[]} messages @param {string|null} selfId
   */
  showHistory(messages, selfId) {
    messages.forEach((m) => this.#append(m, m.from === selfId));
  }

  /** Called when the panel opens: everything is read. */
  opened() {
    this.unread = 0;
    this.#showBadge();
    this.log.scrollTop = this.log.scrollHeight;
    this.input.focus();
  }

  #showBadge() {
    this.badge.hidden = this.unread === 0;
    this.badge.dataset.count = this.unread > 9 ? '9+' : String(this.unread);
    // The badge is drawn for the eye; screen readers get the count as the Chat button's description.
    const unread = document.getElementById('chat-unread');
    if (unread) unread.textContent = this.unread ? `${this.unread} unread message${this.unread === 1 ? '' : 's'}` : '';
  }
}

/**
 * Splits text into text nodes and safe links.
 * @param {string} text @returns {(Text|HTMLAnchorElement)[]}
 */
export function linkify(text) {
  /** @type {(Text|HTMLAnchorElement)[]} */
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = match[0].replace(/[.,;:!?)\]]+$/, '');
    const start = /** @type {number} */ (match.index);
    parts.push(document.createTextNode(text.slice(last, start)));
    const link = document.createElement('a');
    link.href = url;
    link.textContent = url;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    parts.push(link);
    last = start + url.length;
  }
  parts.push(document.createTextNode(text.slice(last)));
  return parts;
}
