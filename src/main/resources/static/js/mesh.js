// A full mesh of RTCPeerConnections, one per remote participant, using perfect negotiation.
//
// Who offers first is decided by the server's order of joins: a newcomer calls `connectTo` for each
// participant already present and the others only answer, so a new pair never starts with two offers.
// Later renegotiations (ICE restarts) still follow the perfect-negotiation rules, with the peer whose
// id sorts first acting as the polite one.

/**
 * @typedef {import('./protocol.js').SignalData} SignalData
 * @typedef {{
 *   id: string,
 *   pc: RTCPeerConnection,
 *   polite: boolean,
 *   makingOffer: boolean,
 *   ignoreOffer: boolean,
 *   settingRemoteAnswer: boolean,
 *   localAttached: boolean,
 *   restarts: number,
 *   offerer: boolean,
 *   connected: boolean,
 *   disconnectTimer: number,
 *   queue: Promise<void>,
 *   stream: MediaStream,
 * }} Peer
 * `offerer`: this side made the first offer (connectTo). `connected`: the connection has been up at least once.
 * @typedef {{
 *   sendSignal: (to: string, data: SignalData) => void,
 *   onRemoteStream: (peerId: string, stream: MediaStream) => void,
 *   onStateChange: (peerId: string, state: RTCPeerConnectionState) => void,
 *   onFailed?: (peerId: string) => void,
 *   repairs?: (peerId: string) => boolean,
 *   iceServers?: RTCIceServer[],
 *   iceTransportPolicy?: RTCIceTransportPolicy,
 * }} MeshOptions
 * `repairs`: whether a broken connection to that peer is worth an ICE restart (not once the SFU carries
 * them: the other side closed it); without it, always.
 */

const KINDS = /** @type {const} */ (['audio', 'video']);
/** How long a 'disconnected' connection may stay so before an ICE restart. */
const DISCONNECTED_GRACE_MS = 3000;
/** How long a connection may take to connect (or reconnect after a restart) before it counts as failing. */
const CONNECT_TIMEOUT_MS = 10000;
/** ICE restarts tried before a peer is reported as failed. */
const MAX_ICE_RESTARTS = 2;

export class PeerMesh {
  /** @param {MeshOptions} options */
  constructor(options) {
    this.options = options;
    /** @type {string|null} */
    this.selfId = null;
    /** @type {Map<string, Peer>} */
    this.peers = new Map();
    /** Tracks we send; one per kind, or none. */
    /** @type {{audio: MediaStreamTrack|null, video: MediaStreamTrack|null}} */
    this.tracks = { audio: null, video: null };
    /** The stream id our tracks are announced under, so receivers group them as one participant. */
    this.outStream = new MediaStream();
  }

  /** @param {MediaStream|null} stream */
  setLocalStream(stream) {
    for (const kind of KINDS) {
      this.tracks[kind] = stream?.getTracks().find((t) => t.kind === kind) ?? null;
    }
  }

  /** Starts a connection to a participant that was present before us: we make the offer. */
  connectTo(peerId) {
    const peer = this.#create(peerId);
    peer.offerer = true;
    for (const kind of KINDS) {
      // Always sendrecv, even without a device: tracks added later go out by replaceTrack, with no renegotiation.
      peer.pc.addTransceiver(this.tracks[kind] ?? kind, { direction: 'sendrecv', streams: [this.outStream] });
    }
    peer.localAttached = true;
  }

  /** @param {string} from @param {SignalData} data */
  handleSignal(from, data) {
    // Only an offer starts a connection: late candidates for one already closed (say, after a move
    // to the SFU) must not open an empty one.
    if (!this.peers.has(from) && data.description?.type !== 'offer') return;
    const peer = this.peers.get(from) ?? this.#create(from);
    peer.queue = peer.queue.then(() => this.#apply(peer, data)).catch((error) => {
      console.warn(`signal from ${from} failed`, error);
    });
  }

  /**
   * New STUN/TURN servers (fresh credentials arrive with every `joined`); connections that exist
   * take them too, so a later ICE restart uses valid credentials.
   * @param {RTCIceServer[]} iceServers @param {RTCIceTransportPolicy} policy
   */
  setIceConfiguration(iceServers, policy) {
    this.options.iceServers = iceServers;
    this.options.iceTransportPolicy = policy;
    for (const peer of this.peers.values()) {
      peer.pc.setConfiguration(this.#rtcConfiguration());
    }
  }

  #rtcConfiguration() {
    return { iceServers: this.options.iceServers ?? [], iceTransportPolicy: this.options.iceTransportPolicy ?? 'all' };
  }

  /** Replaces the track we send of one kind on every connection. */
  async replaceTrack(kind, track) {
    this.tracks[kind] = track;
    const senders = [];
    for (const peer of this.peers.values()) {
      for (const transceiver of peer.pc.getTransceivers()) {
        if (transceiver.receiver.track.kind === kind && !transceiver.stopped) {
          senders.push(transceiver.sender.replaceTrack(track));
        }
      }
    }
    await Promise.all(senders);
  }

  /** @param {string} peerId */
  remove(peerId) {
    const peer = this.peers.get(peerId);
    if (peer) {
      this.peers.delete(peerId);
      clearTimeout(peer.disconnectTimer);
      peer.pc.close();
    }
  }

  closeAll() {
    for (const id of [...this.peers.keys()]) {
      this.remove(id);
    }
  }

  /** @param {string} peerId @returns {Peer} */
  #create(peerId) {
    const pc = new RTCPeerConnection(this.#rtcConfiguration());
    /** @type {Peer} */
    const peer = {
      id: peerId,
      pc,
      polite: (this.selfId ?? '') < peerId,
      makingOffer: false,
      ignoreOffer: false,
      settingRemoteAnswer: false,
      localAttached: false,
      restarts: 0,
      offerer: false,
      connected: false,
      disconnectTimer: 0,
      queue: Promise.resolve(),
      stream: new MediaStream(),
    };
    this.peers.set(peerId, peer);
    // A connection can also stall without ever failing (no usable candidates at all): treat that as failing.
    peer.disconnectTimer = setTimeout(() => this.#restartIce(peer), CONNECT_TIMEOUT_MS);

    pc.onnegotiationneeded = async () => {
      try {
        peer.makingOffer = true;
        await pc.setLocalDescription();
        this.options.sendSignal(peerId, { description: pc.localDescription?.toJSON() });
      } catch (error) {
        console.warn(`offer to ${peerId} failed`, error);
      } finally {
        peer.makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) {
        this.options.sendSignal(peerId, { candidate: candidate.toJSON() });
      }
    };
    pc.ontrack = ({ track }) => {
      for (const old of peer.stream.getTracks().filter((t) => t.kind === track.kind)) {
        peer.stream.removeTrack(old);
      }
      peer.stream.addTrack(track);
      this.options.onRemoteStream(peerId, peer.stream);
    };
    pc.onconnectionstatechange = () => {
      clearTimeout(peer.disconnectTimer);
      switch (pc.connectionState) {
        case 'connected':
          peer.restarts = 0;
          peer.connected = true;
          break;
        case 'new':
        case 'connecting':
          peer.disconnectTimer = setTimeout(() => this.#restartIce(peer), CONNECT_TIMEOUT_MS);
          break;
        case 'disconnected':
          // Often a blip that heals by itself; if it lasts, restart ICE rather than wait for 'failed'.
          peer.disconnectTimer = setTimeout(() => this.#restartIce(peer), DISCONNECTED_GRACE_MS);
          break;
        case 'failed':
          this.#restartIce(peer);
          break;
      }
      this.options.onStateChange(peerId, pc.connectionState);
    };
    return peer;
  }

  /** ICE restart renegotiates through onnegotiationneeded; after a few in vain, the peer is reported failed. */
  #restartIce(/** @type {Peer} */ peer) {
    if (peer.pc.connectionState === 'closed' || peer.pc.connectionState === 'connected') {
      return;
    }
    if (this.options.repairs && !this.options.repairs(peer.id)) {
      this.remove(peer.id);
      return;
    }
    if (peer.restarts >= MAX_ICE_RESTARTS) {
      this.options.onFailed?.(peer.id);
      return;
    }
    peer.restarts++;
    clearTimeout(peer.disconnectTimer);
    peer.disconnectTimer = setTimeout(() => this.#restartIce(peer), CONNECT_TIMEOUT_MS);
    // Never up, and this side only answered: the offering side may still wait for that answer, with no
    // DTLS role yet, and an offer from here would make the roles clash. It sends its offer again instead.
    if (!peer.offerer && !peer.connected) return;
    // After the signals queued before it, so that an answer on its way is applied first.
    peer.queue = peer.queue.then(() => {
      const state = peer.pc.connectionState;
      if (state === 'connected' || state === 'closed') return;
      if (peer.pc.signalingState === 'have-local-offer' && !peer.makingOffer) {
        // Our offer was never answered: it or its answer was lost on the way (say while the other side
        // rejoined after a server restart), and no renegotiation, an ICE restart's included, can start
        // before it is. Sent again, with the candidates gathered since; the other side answers it
        // whether or not it had it.
        this.options.sendSignal(peer.id, { description: peer.pc.localDescription?.toJSON() });
        return;
      }
      peer.pc.restartIce();
    }).catch((error) => console.warn(`ICE restart towards ${peer.id} failed`, error));
  }

  /** @param {Peer} peer @param {SignalData} data */
  async #apply(peer, data) {
    const pc = peer.pc;
    if (data.description) {
      const description = data.description;
      const readyForOffer = !peer.makingOffer && (pc.signalingState === 'stable' || peer.settingRemoteAnswer);
      const collision = description.type === 'offer' && !readyForOffer;
      peer.ignoreOffer = !peer.polite && collision;
      if (peer.ignoreOffer) {
        return;
      }
      // An offer sent again (see #restartIce) may be answered twice: only an offer waiting takes an answer.
      if (description.type === 'answer' && pc.signalingState !== 'have-local-offer') return;
      peer.settingRemoteAnswer = description.type === 'answer';
      try {
        await pc.setRemoteDescription(description);
      } finally {
        peer.settingRemoteAnswer = false;
      }
      if (description.type === 'offer') {
        this.#attachLocal(peer);
        await pc.setLocalDescription();
        this.options.sendSignal(peer.id, { description: pc.localDescription?.toJSON() });
      }
    } else if (data.candidate) {
      try {
        await pc.addIceCandidate(data.candidate);
      } catch (error) {
        if (!peer.ignoreOffer) {
          throw error;
        }
      }
    }
  }

  /** On the answering side, sends our tracks on the transceivers the offer created. */
  #attachLocal(peer) {
    if (peer.localAttached) {
      return;
    }
    peer.localAttached = true;
    for (const transceiver of peer.pc.getTransceivers()) {
      const kind = transceiver.receiver.track.kind;
      const track = this.tracks[/** @type {'audio'|'video'} */ (kind)];
      transceiver.direction = 'sendrecv';
      if (track) {
        transceiver.sender.replaceTrack(track);
        transceiver.sender.setStreams(this.outStream);
      }
    }
  }
}
