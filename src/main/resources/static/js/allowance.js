// A token bucket: how much a connection may still send. No DOM code here.

/** Refills at `perSecond` up to `burst`; each message takes one. */
export class Allowance {
  /** @param {number} perSecond @param {number} burst */
  constructor(perSecond, burst) {
    this.perSecond = perSecond;
    this.burst = burst;
    this.tokens = burst;
    this.at = performance.now();
  }

  /** Takes one if there is one. @returns {boolean} */
  take() {
    const now = performance.now(); // monotonic: a clock set back must not stop the chat
    this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, now - this.at) / 1000) * this.perSecond);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
