// Media through the SFU (Janus, behind Parley): one connection sends our tracks, one receives everyone
// else's. Parley relays the SDP; the candidates travel inside it, so the SDP is sent only once ICE
// gathering is complete. No DOM code here.

/**
 * @typedef {import('./protocol.js').SfuOffer} SfuOffer
 * @typedef {{
 *   publish: (sdp: string) => void,
 *   answer: (sdp: string) => void,
 *   onRemoteStream: (participantId: string, stream: MediaStream) => void,
 *   onError: (what: string, error: unknown) => void,
 * }} SfuOptions
 */

const KINDS = /** @type {const} */ (['audio', 'video']);
/** How long to wait for ICE candidates before sending the SDP with what was gathered. */
const GATHER_TIMEOUT_MS = 3000;
/**
 * Simulcast layers, listed full size first; the SFU forwards the small one to grid tiles and the full
 * one to the large tile. Chrome drops the layers a small capture cannot fill.
 */
const SIMULCAST = [
  { rid: 'h', maxBitrate: 1_200_000 },
  { rid: 'm', scaleResolutionDownBy: 2, maxBitrate: 400_000 },
  { rid: 'l', scaleResolutionDownBy: 4, maxBitrate: 120_000 },
];

export class SfuMedia {
  /** @param {SfuOptions} options */
  constructor(options) {
    this.options = options;
    /** @type {RTCConfiguration} */
    this.configuration = {};
    /** @type {{audio: MediaStreamTrack|null, video: MediaStreamTrack|null}} */
    this.tracks = { audio: null, video: null };
    /** @type {RTCPeerConnection|null} */ this.sending = null;
    /** @type {RTCPeerConnection|null} */ this.receiving = null;
    /** mid → whose stream it carries, from the latest offer */
    /** @type {Map<string, string>} */ this.owners = new Map();
    /** @type {Map<string, MediaStream>} one stream per remote participant */
    this.streams = new Map();
    /** Offers and answers are applied one at a time. */
    this.queue = Promise.resolve();
  }

  /** @param {RTCIceServer[]} iceServers @param {RTCIceTransportPolicy} policy */
  setIceConfiguration(iceServers, policy) {
    this.configuration = { iceServers, iceTransportPolicy: policy };
  }

  get active() {
    return !!this.sending;
  }

  /** (Re)publishes our tracks: a new sending connection, offered to the SFU. */
  publish() {
    this.#enqueue('publish', async () => {
      this.sending?.close();
      const pc = new RTCPeerConnection(this.configuration);
      this.sending = pc;
      const stream = new MediaStream();
      for (const kind of KINDS) {
        const track = this.tracks[kind];
        /** @type {RTCRtpTransceiverInit} */
        const init = { direction: 'sendonly', streams: [stream] };
        if (kind === 'video') init.sendEncodings = SIMULCAST.map((e) => ({ ...e }));
        pc.addTransceiver(track ?? kind, init);
      }
      await pc.setLocalDescription();
      await gathered(pc);
      if (this.sending === pc) this.options.publish(pc.localDescription?.sdp ?? '');
    });
  }

  /** The SFU's answer to our offer. @param {string} sdp */
  published(sdp) {
    const pc = this.sending;
    this.#enqueue('apply the answer', async () => {
      if (pc && pc === this.sending && pc.signalingState === 'have-local-offer') {
        await pc.setRemoteDescription({ type: 'answer', sdp });
      }
    });
  }

  /** What we receive changed: answer the SFU's offer. @param {SfuOffer} offer */
  offered(offer) {
    this.#enqueue('answer the offer', async () => {
      const current = this.receiving;
      if (!offer.fresh && current && current.remoteDescription?.sdp === offer.sdp && current.localDescription) {
        // The same offer again (the server repeats it after a lost connection): the answer stands.
        this.options.answer(current.localDescription.sdp);
        return;
      }
      if (offer.fresh || !this.receiving) this.#newReceiver();
      const pc = /** @type {RTCPeerConnection} */ (this.receiving);
      for (const s of offer.streams) this.owners.set(s.mid, s.participant);
      await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
      await pc.setLocalDescription();
      await gathered(pc);
      this.options.answer(pc.localDescription?.sdp ?? '');
    });
  }

  /** Replaces the track we send of one kind (mute, camera, screen), with no renegotiation. */
  async replaceTrack(/** @type {'audio'|'video'} */ kind, /** @type {MediaStreamTrack|null} */ track) {
    this.tracks[kind] = track;
    const sender = this.sending?.getTransceivers().find((t) => t.receiver.track.kind === kind)?.sender;
    await sender?.replaceTrack(track);
  }

  /** Someone left: forget their stream (their tile goes with the participant list). @param {string} id */
  forget(id) {
    this.streams.delete(id);
  }

  close() {
    this.sending?.close();
    this.receiving?.close();
    this.sending = null;
    this.receiving = null;
    this.owners.clear();
    this.streams.clear();
  }

  #newReceiver() {
    this.receiving?.close();
    this.owners.clear();
    const pc = new RTCPeerConnection(this.configuration);
    this.receiving = pc;
    pc.ontrack = ({ track, transceiver }) => {
      const owner = this.owners.get(transceiver.mid ?? '');
      if (!owner) return;
      const stream = this.streams.get(owner) ?? new MediaStream();
      this.streams.set(owner, stream);
      for (const old of stream.getTracks().filter((t) => t.kind === track.kind)) stream.removeTrack(old);
      stream.addTrack(track);
      // Shown only once packets arrive, so a tile never swaps a moving picture for a blank one.
      const show = () => {
        if (this.receiving === pc && this.streams.get(owner) === stream) this.options.onRemoteStream(owner, stream);
      };
      if (track.muted) track.addEventListener('unmute', show, { once: true });
      else show();
    };
  }

  /** @param {string} what @param {() => Promise<void>} step */
  #enqueue(what, step) {
    this.queue = this.queue.then(step).catch((error) => this.options.onError(what, error));
  }
}

/** Resolves once ICE gathering is complete, or after a bound (the SDP then holds what was found). */
function gathered(/** @type {RTCPeerConnection} */ pc) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      if (pc.iceGatheringState === 'complete') finish();
    };
    const finish = () => {
      pc.removeEventListener('icegatheringstatechange', done);
      clearTimeout(timer);
      resolve(undefined);
    };
    const timer = setTimeout(finish, GATHER_TIMEOUT_MS);
    pc.addEventListener('icegatheringstatechange', done);
  });
}
