/**
 * What the pre-join screen says about the meeting itself: a password field for a protected meeting, and
 * a notice while it is locked. A locked meeting is asked about again every few seconds, so the notice
 * says when the host unlocks it, without a reload.
 */

const LOCKED_RECHECK_MS = 5000;
const LOCKED = 'This meeting is locked. You can join once the host unlocks it.';
const UNLOCKED = 'The meeting is no longer locked. You can join now.';
/** Refusals that a password typed on the pre-join screen can fix. */
const PASSWORD_CODES = new Set(['password-required', 'bad-password']);

/** @typedef {{id: string, password: boolean, locked: boolean}} RoomInfo */
/** @typedef {{passwordRow: HTMLElement, password: HTMLInputElement, lockNotice: HTMLElement, error: HTMLElement}} PrejoinElements */

export class PrejoinRoom {
  /** @type {ReturnType<typeof setTimeout> | undefined} */ #recheck;
  /** Numbers the questions asked, so that only the latest answer counts. */
  #asked = 0;

  /**
   * @param {string} roomId
   * @param {boolean} guest joining without the host's key (the key admits its holder with no password, even when locked)
   * @param {PrejoinElements} view
   */
  constructor(roomId, guest, view) {
    this.roomId = roomId;
    this.guest = guest;
    this.view = view;
    this.active = true;
    this.#check();
  }

  /** The call has started: nothing more to show here. */
  stop() {
    this.active = false;
    clearTimeout(this.#recheck);
  }

  /**
   * Shows why a join was refused, where the screen can help.
   * @param {{code: string}} error
   * @returns {boolean} whether it was shown (otherwise the caller says it)
   */
  refused(error) {
    if (PASSWORD_CODES.has(error.code)) {
      this.view.passwordRow.hidden = false;
      this.view.password.focus();
      this.view.error.textContent = error.code === 'bad-password' ? 'That password is not right.' : 'This meeting needs a password.';
      return true;
    }
    if (error.code === 'room-locked') {
      this.view.error.textContent = 'Could not join: the meeting is locked.';
      this.#showLocked(true);
      return true;
    }
    return false;
  }

  #check() {
    clearTimeout(this.#recheck);
    if (!this.guest || !this.active) return;
    const asked = ++this.#asked;
    fetch(`/api/rooms/${encodeURIComponent(this.roomId)}`)
      .then((response) => (response.ok ? response.json() : Promise.reject(new Error(`HTTP ${response.status}`))))
      .then((/** @type {RoomInfo} */ info) => {
        if (!this.active || asked !== this.#asked) return;
        if (info.password) this.view.passwordRow.hidden = false;
        this.#showLocked(Boolean(info.locked));
      })
      .catch(() => {
        // No answer this time: while the notice is up, ask again rather than leave it there for good.
        if (this.active && asked === this.#asked && this.#locked()) this.#askAgain();
      });
  }

  /** @param {boolean} locked */
  #showLocked(locked) {
    const notice = this.view.lockNotice;
    if (locked) {
      notice.textContent = LOCKED;
      notice.hidden = false;
      this.#askAgain();
    } else if (this.#locked()) {
      // Said in the notice (a status region) rather than by hiding it, so screen readers hear it too.
      notice.textContent = UNLOCKED;
      this.view.error.textContent = '';
    }
  }

  #locked() {
    return !this.view.lockNotice.hidden && this.view.lockNotice.textContent === LOCKED;
  }

  #askAgain() {
    clearTimeout(this.#recheck);
    if (this.guest) this.#recheck = setTimeout(() => this.#check(), LOCKED_RECHECK_MS);
  }
}
