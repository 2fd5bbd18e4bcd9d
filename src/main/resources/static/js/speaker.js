// Finds who is speaking from audio levels (the packets' level for others, the sent energy for
// ourselves), and holds the highlight for a moment so it does not flicker between people who pause
// or talk over each other.

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
   * @param {() => RTCRtpSender|null} microphone what sends our microphone, to measure us by; null while muted
   */
  constructor(connections, selfId, onchange, microphone) {
    this.connections = connections;
    this.microphone = microphone;
    this.selfId = selfId;
    this.onchange = onchange;
    /** @type {Map<string, EnergySample>} */ this.previous = new Map();
    /** @type {Map<string, number>} the RTP timestamp of each participant's last audio packet seen */
    this.lastPacket = new Map();
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
      for (const [id, pc, trackId] of this.connections()) {
        // The receiver's last packet level is cheap to read; a full getStats per connection, four times a
        // second on every page, was not (it competes with decoding when many videos arrive).
        const receiver = pc.getReceivers().find((r) => r.track?.kind === 'audio' && (!trackId || r.track.id === trackId));
        levels.set(id, this.#remoteLevel(id, receiver));
      }
      // Our own level comes from what we send (its media-source): that sender's stats only, none while muted.
      const microphone = this.microphone();
      const self = this.selfId();
      if (microphone && self) {
        (await microphone.getStats()).forEach((report) => {
          if (report.type === 'media-source' && report.kind === 'audio') {
            levels.set(self, this.#level(self, report));
          }
        });
      }
      this.#choose(levels, performance.now());
    } finally {
      this.busy = false;
    }
  }

  /**
   * A remote participant's level: that of the last audio packet (the RTP audio-level header), or 0
   * when no packet arrived since the previous poll.
   * @param {string} id @param {RTCRtpReceiver|undefined} receiver
   */
  #remoteLevel(id, receiver) {
    const source = receiver?.getSynchronizationSources()[0];
    if (!source) {
      return 0;
    }
    const fresh = this.lastPacket.get(id) !== source.rtpTimestamp;
    this.lastPacket.set(id, source.rtpTimestamp);
    return fresh ? source.audioLevel ?? 0 : 0;
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
