// The signaling socket's heartbeat. No DOM code here.

/**
 * Pings every interval and notices silence: nothing heard for three intervals means the path or the
 * server is gone. It checks twice an interval, so that a page finds out before the server's own timeout
 * (four intervals by default) ends its place in the call.
 */
export class Heartbeat {
  /** @param {() => void} ping sends one ping @param {() => void} silent called once, when the socket went silent */
  constructor(ping, silent) {
    this.ping = ping;
    this.silent = silent;
    this.lastHeard = 0;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.timer = undefined;
  }

  /** Something arrived: the connection is alive. */
  heard() {
    this.lastHeard = performance.now();
  }

  /** (Re)starts, counting from now. @param {number} intervalMs */
  start(intervalMs) {
    this.stop();
    this.heard();
    let lastPing = performance.now();
    this.timer = setInterval(() => {
      if (performance.now() - this.lastHeard > intervalMs * 3) {
        this.stop();
        this.silent();
        return;
      }
      if (performance.now() - lastPing >= intervalMs * 0.9) {
        lastPing = performance.now();
        this.ping();
      }
    }, intervalMs / 2);
  }

  /** @returns {boolean} */
  running() {
    return this.timer !== undefined;
  }

  stop() {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
