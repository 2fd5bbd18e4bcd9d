/**
 * What the pre-join screen says about the meeting itself: a password field for a protected meeting, and
 * a notice while it is locked. A locked meeting is asked about again every few seconds, so the notice
 * goes away once the host unlocks it, without a reload.
 */

const LOCKED_RECHECK_MS = 5000;
/** Refusals that a password typed on the pre-join screen can fix. */
const PASSWORD_CODES = new Set(['password-required', 'bad-password']);

/** @typedef {{id: string, password: boolean, locked: boolean}} RoomInfo */
/** @typedef {{passwordRow: HTMLElement, password: HTMLInputElement, lockNotice: HTMLElement, error: HTMLElement}} PrejoinElements */

export class PrejoinRoom {
  /** @type {ReturnType<typeof setTimeout> | undefined} */ #recheck;

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
      this.view.error.textContent = '';
      this.view.lockNotice.hidden = false;
      this.#check();
      return true;
    }
    return false;
  }

  #check() {
    clearTimeout(this.#recheck);
    if (!this.guest) return;
    fetch(`/api/rooms/${encodeURIComponent(this.roomId)}`)
      .then((response) => (response.ok ? response.json() : null))
      .then((/** @type {RoomInfo | null} */ info) => {
        if (!this.active || !info) return;
        if (info.password) this.view.passwordRow.hidden = false;
        this.view.lockNotice.hidden = !info.locked;
        if (info.locked) this.#recheck = setTimeout(() => this.#check(), LOCKED_RECHECK_MS);
      })
      .catch(() => {});
  }
}
