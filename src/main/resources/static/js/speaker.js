// Finds who is speaking from audio energy in getStats, and holds the highlight for a moment so it
// does not flicker between people who pause or talk over each other.

const POLL_MS = 250;
const HOLD_MS = 1000;
const THRESHOLD = 0.01;

/** @typedef {{energy: number, duration: number}} EnergySample */

export class ActiveSpeaker {
  /**
   * @param {() => Iterable<[string, RTCPeerConnection, string|null]>} connections remote id → the
   *   connection that carries its audio, and the audio track's id when one connection carries several
   * @param {() => string|null} selfId
   * @param {(id: string|null) => void} onchange
   */
  constructor(connections, selfId, onchange) {
    this.connections = connections;
    this.selfId = selfId;
    this.onchange = onchange;
    /** @type {Map<string, EnergySample>} */ this.previous = new Map();
    /** @type {Map<string, number>} when each participant was last heard above the threshold */
    this.lastLoud = new Map();
    /** @type {string|null} */ this.current = null;
    this.timer = 0;
    this.busy = false;
  }

  start() {
    this.timer = setInterval(() => this.#poll(), POLL_MS);
  }

  stop() {
    clearInterval(this.timer);
  }

  async #poll() {
    if (this.busy) {
      return;
    }
    this.busy = true;
    try {
      /** @type {Map<string, number>} */
      const levels = new Map();
      let sawLocal = false;
      /** @type {Map<RTCPeerConnection, RTCStatsReport>} one getStats per connection per poll */
      const reports = new Map();
      for (const [id, pc, trackId] of this.connections()) {
        const stats = reports.get(pc) ?? await pc.getStats();
        reports.set(pc, stats);
        stats.forEach((report) => {
          if (report.type === 'inbound-rtp' && report.kind === 'audio' && (!trackId || report.trackIdentifier === trackId)) {
            levels.set(id, this.#level(id, report));
          } else if (report.type === 'media-source' && report.kind === 'audio' && !sawLocal) {
            sawLocal = true;
            const self = this.selfId();
            if (self) levels.set(self, this.#level(self, report));
          }
        });
      }
      this.#choose(levels, performance.now());
    } finally {
      this.busy = false;
    }
  }

  /** Root-mean-square level since the last poll, from the running energy totals. */
  #level(id, report) {
    const sample = { energy: report.totalAudioEnergy ?? 0, duration: report.totalSamplesDuration ?? 0 };
    const before = this.previous.get(id);
    this.previous.set(id, sample);
    if (!before || sample.duration <= before.duration) {
      return 0;
    }
    return Math.sqrt(Math.max(0, sample.energy - before.energy) / (sample.duration - before.duration));
  }

  /** @param {Map<string, number>} levels @param {number} now */
  #choose(levels, now) {
    let loudest = null;
    let loudestLevel = THRESHOLD;
    for (const [id, level] of levels) {
      if (level >= THRESHOLD) {
        this.lastLoud.set(id, now);
      }
      if (level > loudestLevel) {
        loudest = id;
        loudestLevel = level;
      }
    }
    const holding = this.current && levels.has(this.current) && now - (this.lastLoud.get(this.current) ?? 0) < HOLD_MS;
    const next = holding ? this.current : loudest;
    if (next !== this.current) {
      this.current = next;
      this.onchange(next);
    }
  }
}
