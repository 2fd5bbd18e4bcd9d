// Media through the SFU (Janus, behind Parley): one connection sends our tracks, one receives everyone
// else's. Parley relays the SDP at once and then each ICE candidate as it is found (trickle ICE): waiting
// for gathering to complete cost 0.2–1 s per connection on a loaded machine, and more with slow STUN or
// TURN servers. No DOM code here.

/**
 * @typedef {import('./protocol.js').SfuOffer} SfuOffer
 * @typedef {{
 *   publish: (sdp: string, source: 'camera'|'screen') => void,
 *   answer: (sdp: string) => void,
 *   candidate: (source: 'camera'|'screen'|'receive', candidate: RTCIceCandidateInit|null) => void,
 *   onRemoteStream: (participantId: string, stream: MediaStream) => void,
 *   onRemoteStreamPending?: (participantId: string, stream: MediaStream) => void,
 *   onRemoteScreen: (participantId: string, track: MediaStreamTrack|null) => void,
 *   onOffered?: (participantIds: string[]) => void,
 *   onError: (what: string, error: unknown) => void,
 * }} SfuOptions
 * A remote stream is passed on with the tracks that have had packets, each time one of its tracks gets
 * its first: a video still waiting for them would blank the picture a tile shows. Before that, a person's
 * first stream is offered to `onRemoteStreamPending`, which may show it where nothing else is shown: the
 * player is then ready when the first frame comes. `onOffered` names, once an offer is answered, everyone
 * whose camera and microphone it carries, whether they send anything or not.
 */

const KINDS = /** @type {const} */ (['audio', 'video']);
/**
 * Simulcast layers, listed full size first; the SFU forwards the small one to grid tiles and the full
 * one to the large tile. A small capture sends one plain stream instead (see simulcastFor).
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
    /** @type {RTCPeerConnection|null} a shared screen, published as a second feed */
    this.screenSending = null;
    /** @type {RTCPeerConnection|null} */ this.receiving = null;
    /** Lets the receiving connection's candidates go, once its first answer has (see #trickle). */
    this.answered = () => {};
    /** mid → whose stream it carries (and whether it is their screen), from the latest offer */
    /** @type {Map<string, {participant: string, screen: boolean}>} */ this.owners = new Map();
    /** @type {Map<string, MediaStreamTrack>} screens received, by participant */
    this.screens = new Map();
    /** @type {Map<string, MediaStream>} one stream per remote participant */
    this.streams = new Map();
    /** @type {Set<string>} participants whose stream has had packets, on this receiving connection or an earlier one */
    this.flowing = new Set();
    /**
     * Offers and answers are applied one at a time per direction; sending and receiving are separate
     * connections, so neither waits for the other.
     */
    this.sendQueue = Promise.resolve();
    /** Nothing is pending on the sending side: the next step may start at once. */
    this.sendIdle = true;
    this.receiveQueue = Promise.resolve();
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
    this.#sending('publish', async () => {
      this.sending?.close();
      const pc = new RTCPeerConnection(this.configuration);
      this.sending = pc;
      const stream = new MediaStream();
      for (const kind of KINDS) {
        const track = this.tracks[kind];
        /** @type {RTCRtpTransceiverInit} */
        const init = { direction: 'sendonly', streams: [stream] };
        if (kind === 'video') init.sendEncodings = simulcastFor(track);
        pc.addTransceiver(track ?? kind, init);
      }
      const sent = this.#trickle(pc, 'camera');
      await pc.setLocalDescription();
      if (this.sending !== pc) return;
      this.options.publish(pc.localDescription?.sdp ?? '', 'camera');
      sent();
    });
  }

  /** Publishes a shared screen as a second feed, or stops it (null); the camera keeps going. */
  publishScreen(/** @type {MediaStreamTrack|null} */ track) {
    this.#sending('share the screen', async () => {
      // Closing the connection is what ends the screen feed: the SFU sees it hang up.
      this.screenSending?.close();
      this.screenSending = null;
      if (!track) return;
      const pc = new RTCPeerConnection(this.configuration);
      this.screenSending = pc;
      pc.addTransceiver(track, { direction: 'sendonly', streams: [new MediaStream([track])] });
      const sent = this.#trickle(pc, 'screen');
      await pc.setLocalDescription();
      if (this.screenSending !== pc) return;
      this.options.publish(pc.localDescription?.sdp ?? '', 'screen');
      sent();
    });
  }

  /** The SFU's answer to our offer for one source. @param {string} sdp @param {string} [source] */
  published(sdp, source) {
    const pc = source === 'screen' ? this.screenSending : this.sending;
    this.#sending('apply the answer', async () => {
      if (pc && (pc === this.sending || pc === this.screenSending) && pc.signalingState === 'have-local-offer') {
        await pc.setRemoteDescription({ type: 'answer', sdp });
      }
    });
  }

  /** What we receive changed: answer the SFU's offer. @param {SfuOffer} offer */
  offered(offer) {
    this.#receiving('answer the offer', async () => {
      const current = this.receiving;
      if (!offer.fresh && current && current.remoteDescription?.sdp === offer.sdp && current.localDescription) {
        // The same offer again (the server repeats it after a lost connection): the answer stands.
        this.options.answer(current.localDescription.sdp);
        return;
      }
      if (offer.fresh || !this.receiving) this.#newReceiver();
      const pc = /** @type {RTCPeerConnection} */ (this.receiving);
      for (const s of offer.streams) this.owners.set(s.mid, { participant: s.participant, screen: s.source === 'screen' });
      // A screen no longer offered has ended: its tile goes back to the camera.
      const presenting = new Set(offer.streams.filter((s) => s.source === 'screen').map((s) => s.participant));
      for (const id of [...this.screens.keys()]) {
        if (!presenting.has(id)) {
          this.screens.delete(id);
          this.options.onRemoteScreen(id, null);
        }
      }
      await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
      await pc.setLocalDescription();
      this.options.answer(pc.localDescription?.sdp ?? '');
      this.answered();
      this.options.onOffered?.([...new Set(offer.streams.filter((s) => s.source !== 'screen').map((s) => s.participant))]);
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
    this.flowing.delete(id);
  }

  /** Whether the offers we receive include this person's camera and microphone. @param {string} id */
  carries(id) {
    return [...this.owners.values()].some((o) => o.participant === id && !o.screen);
  }

  close() {
    this.sending?.close();
    this.screenSending?.close();
    this.receiving?.close();
    this.sending = null;
    this.screenSending = null;
    this.receiving = null;
    this.owners.clear();
    this.streams.clear();
    this.flowing.clear();
    for (const id of this.screens.keys()) this.options.onRemoteScreen(id, null);
    this.screens.clear();
  }

  #newReceiver() {
    this.receiving?.close();
    this.owners.clear();
    const pc = new RTCPeerConnection(this.configuration);
    this.receiving = pc;
    this.answered = this.#trickle(pc, 'receive');
    pc.ontrack = ({ track, transceiver }) => {
      const source = this.owners.get(transceiver.mid ?? '');
      if (!source) return;
      const owner = source.participant;
      if (source.screen) {
        const showScreen = () => {
          if (this.receiving !== pc) return;
          this.screens.set(owner, track);
          this.options.onRemoteScreen(owner, track);
        };
        if (track.muted) track.addEventListener('unmute', showScreen, { once: true });
        else showScreen();
        return;
      }
      const stream = this.streams.get(owner) ?? new MediaStream();
      this.streams.set(owner, stream);
      for (const old of stream.getTracks().filter((t) => t.kind === track.kind)) stream.removeTrack(old);
      stream.addTrack(track);
      // Shown once packets arrive, so a tile never swaps a moving picture for a blank one (but see below).
      const show = () => {
        if (this.receiving !== pc || this.streams.get(owner) !== stream) return;
        this.flowing.add(owner);
        this.options.onRemoteStream(owner, new MediaStream(stream.getTracks().filter((t) => !t.muted)));
      };
      if (!track.muted) {
        show();
        return;
      }
      track.addEventListener('unmute', show, { once: true });
      // Nothing of theirs has played yet, so there is no moving picture to lose: the tile may take the stream
      // now and set up its player while the first packets and key frame are on their way.
      if (!this.flowing.has(owner)) this.options.onRemoteStreamPending?.(owner, stream);
    };
  }

  /**
   * Sends a connection's ICE candidates as they are found, and null once there are no more. Those found
   * before its SDP has gone wait for the returned function, called right after sending it: the server
   * passes a candidate on only to a connection the media server already knows.
   * @param {RTCPeerConnection} pc @param {'camera'|'screen'|'receive'} source @returns {() => void}
   */
  #trickle(pc, source) {
    /** @type {(RTCIceCandidateInit|null)[]|null} candidates waiting for the SDP; null once it has gone */
    let waiting = [];
    pc.onicecandidate = ({ candidate }) => {
      // An empty candidate marks the end of one generation; the null that follows ends them all.
      if (candidate?.candidate === '') return;
      const init = candidate && { candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex };
      if (waiting) waiting.push(init);
      else this.options.candidate(source, init);
    };
    return () => {
      for (const init of waiting ?? []) this.options.candidate(source, init);
      waiting = null;
    };
  }

  /**
   * Queues a step on the sending side. With nothing pending it starts at once rather than in a later
   * microtask: at a join, WebRTC then sets up the connection while the page draws the call (measured
   * under load: 0.5–0.8 s of drawing that the offer no longer waits for).
   * @param {string} what @param {() => Promise<void>} step
   */
  #sending(what, step) {
    // Steps are async functions: a failure is a rejected promise either way.
    const started = this.sendIdle ? step() : this.sendQueue.then(step);
    this.sendIdle = false;
    const done = started.catch((error) => this.options.onError(what, error));
    this.sendQueue = done;
    done.then(() => {
      if (this.sendQueue === done) this.sendIdle = true;
    });
  }

  /** @param {string} what @param {() => Promise<void>} step */
  #receiving(what, step) {
    this.receiveQueue = this.receiveQueue.then(step).catch((error) => this.options.onError(what, error));
  }
}

/**
 * What a camera of this size sends. Below 480×270 Chrome sends one layer whatever is asked, and a layer
 * offered but never sent made the SFU ask for key frames again and again (measured at 320×240: about two
 * a second per publisher, and half the frame rate at N=6), so a small camera sends one plain stream.
 * Larger ones offer every layer: at 640×480 (N=4), offering only the two Chrome sends lowered the
 * key-frame requests but not the frame rate, in one run each. Without a track yet (camera off), all
 * are offered.
 * @param {MediaStreamTrack|null} track
 * @returns {RTCRtpEncodingParameters[]}
 */
function simulcastFor(track) {
  const { width = 1280, height = 720 } = track?.getSettings() ?? {};
  // One plain stream has no rid, so the SFU has no layers to choose between.
  if (width * height < 480 * 270) return [{ maxBitrate: SIMULCAST[0].maxBitrate }];
  return SIMULCAST.map((e) => ({ ...e }));
}
