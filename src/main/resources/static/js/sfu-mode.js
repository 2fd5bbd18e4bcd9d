// Switching a call between the peer-to-peer mesh and the SFU, as the server's `media-mode` says.
// Moving to the SFU: publish, and close each mesh connection only once that person's SFU stream
// plays. Moving back (the media server is gone): close the SFU connections and connect directly,
// the participant whose id sorts later offering, so no pair offers twice.
import { SfuMedia } from './sfu.js';

/**
 * @typedef {import('./protocol.js').SignalingClient} SignalingClient
 * @typedef {import('./mesh.js').PeerMesh} PeerMesh
 * @typedef {{
 *   showStream: (id: string, stream: MediaStream) => void,
 *   showScreen: (id: string, track: MediaStreamTrack|null) => void,
 *   others: () => string[],
 *   notice: (text: string) => void,
 *   pauseVideo: (id: string, paused: boolean) => void,
 *   captureFor: (mode: 'mesh'|'sfu') => Promise<void>|null,
 *   sendsNothing: (id: string) => boolean,
 *   sendsPicture: (id: string) => boolean,
 * }} SfuUi
 * `captureFor` sizes the camera for a mode (media.js, cameraFor); null: it keeps its size. `sendsNothing`: that person's
 * microphone is muted, camera off and no screen shared, so no packet comes from them. `sendsPicture`: that person's
 * camera is on or they share a screen (a screen comes through `showScreen`).
 */

/**
 * Longest a direct connection stays once someone's voice comes through the SFU, waiting for their picture
 * to come that way too. Under load (five browsers on two cores) the picture follows the voice by seconds.
 */
const PICTURE_WAIT_MS = 8000;

/** Most remote videos received at once; past it, only the large tiles and the latest speakers (last-N). */
export const LAST_N = 9;

export class CallMode {
  /** @param {SignalingClient} client @param {PeerMesh} mesh @param {SfuUi} ui */
  constructor(client, mesh, ui) {
    this.client = client;
    this.mesh = mesh;
    this.ui = ui;
    /** @type {'mesh'|'sfu'} */
    this.mode = 'mesh';
    /** @type {Map<string, 'high'|'low'|'off'>} what we last asked the SFU for, per participant */
    this.quality = new Map();
    /** @type {string[]} participants by how recently they spoke, latest first */
    this.speakers = [];
    this.sfu = new SfuMedia({
      publish: (sdp, source) => client.sfuPublish(sdp, source),
      answer: (sdp) => client.sfuAnswer(sdp),
      candidate: (source, candidate) => client.sfuCandidate(source, candidate),
      onRemoteStream: (id, stream) => {
        ui.showStream(id, stream);
        // That person now reaches us through the SFU. The direct connection goes once their picture comes
        // this way too (their voice often comes first), so the tile is never left without one.
        if (this.mode !== 'sfu') return;
        const picture = stream.getVideoTracks().length > 0 || !ui.sendsPicture(id) || this.quality.get(id) === 'off';
        if (picture) {
          mesh.remove(id);
          return;
        }
        // A picture announced but never sent this way (the camera went off meanwhile) must not keep it for good;
        // a later switch (back to the mesh, and maybe to the SFU again) has connections of its own.
        const turn = this.switches;
        setTimeout(() => {
          if (turn === this.switches && this.sfu.carries(id)) mesh.remove(id);
        }, PICTURE_WAIT_MS);
      },
      onRemoteStreamPending: (id, stream) => {
        // Without a direct connection to this person, nothing else can be showing them.
        if (this.mode === 'sfu' && !mesh.peers.has(id)) ui.showStream(id, stream);
      },
      onRemoteScreen: (id, track) => {
        ui.showScreen(id, track);
        if (track && this.mode === 'sfu') mesh.remove(id);
      },
      onOffered: (ids) => {
        // A direct connection closes when a stream through the SFU replaces it; each side closes its end
        // (and the other, seeing it drop, lets it go: see `repairs`). Between two people who both send
        // nothing, no stream ever comes, so it goes as soon as the SFU carries them.
        if (this.mode !== 'sfu' || !this.#sendsNothing()) return;
        ids.filter((id) => ui.sendsNothing(id)).forEach((id) => mesh.remove(id));
      },
      onError: (what, error) => console.warn(`SFU: could not ${what}`, error),
    });
    /** @type {MediaStreamTrack|null} */ this.camera = null;
    /** @type {MediaStreamTrack|null} a screen being shared, if any */
    this.screen = null;
    /** Whether our camera publishes to the SFU: a screen shared before that goes out with it. */
    this.publishing = false;
    /** Counts mode switches, so one that waited can tell that a later one took over. */
    this.switches = 0;
    /** Publishing started with `joined`, so the `media-mode` that follows it asks for nothing new. */
    this.publishedAtJoin = false;
    client.onmediamode = (mode, reason) => {
      const repeat = mode === 'sfu' && this.publishedAtJoin;
      this.publishedAtJoin = false;
      if (!repeat) this.#switch(mode, reason);
    };
    client.onsfupublished = (sdp, source) => this.sfu.published(sdp, source);
    client.onsfuoffer = (offer) => this.sfu.offered(offer);
  }

  get isSfu() {
    return this.mode === 'sfu';
  }

  /** Whether a broken direct connection to this person is worth repairing: not once the SFU carries them. */
  repairs(/** @type {string} */ id) {
    return !(this.isSfu && this.sfu.carries(id));
  }

  #sendsNothing() {
    return !this.sfu.tracks.audio && !this.sfu.tracks.video && !this.screen;
  }

  /**
   * The mode announced in `joined`. Joining a call that runs through the SFU publishes at once: the
   * server's `media-mode` always follows such a join, and waiting for it would leave the connection
   * idle while the page draws the call. Otherwise publishing starts when `media-mode` asks for it.
   * Back after a server restart in a room that is a mesh again, the SFU is gone too: connect directly
   * to those present (others are connected to when they return: see `returned`).
   * @param {string|undefined} mode @param {string[]} present @param {boolean} [fresh] a first join
   */
  joined(mode, present = [], fresh = false) {
    // Only the media-mode right after a first join repeats it; after a resume, media-mode asks anew.
    this.publishedAtJoin = fresh && mode === 'sfu';
    if (this.mode === 'sfu' && mode !== 'sfu') {
      this.#toMesh(undefined, present);
      return;
    }
    this.mode = mode === 'sfu' ? 'sfu' : 'mesh';
    if (this.publishedAtJoin) this.#switch('sfu', undefined);
  }

  /** Someone known came back (after a server restart): in a mesh, the pair's later id offers again if needed. */
  /** @param {string} id */
  returned(id) {
    const self = this.mesh.selfId ?? '';
    if (!this.isSfu && !this.mesh.peers.has(id) && self > id) this.mesh.connectTo(id);
  }

  /**
   * The tracks we send go to both, so a switch never has to look for them. In a mesh a shared screen
   * takes the camera's place; through the SFU the camera keeps going beside it.
   */
  async replaceTrack(/** @type {'audio'|'video'} */ kind, /** @type {MediaStreamTrack|null} */ track) {
    if (kind === 'video') this.camera = track;
    const toMesh = kind === 'video' && this.screen ? null : this.mesh.replaceTrack(kind, track);
    await Promise.all([toMesh, this.sfu.replaceTrack(kind, track)]);
  }

  /** Starts (a track) or stops (null) sharing a screen. */
  async setScreen(/** @type {MediaStreamTrack|null} */ track) {
    this.screen = track;
    await this.mesh.replaceTrack('video', track ?? this.camera);
    if (this.isSfu && this.publishing) this.sfu.publishScreen(track);
  }

  /** @param {RTCIceServer[]} servers @param {RTCIceTransportPolicy} policy */
  setIceConfiguration(servers, policy) {
    this.mesh.setIceConfiguration(servers, policy);
    this.sfu.setIceConfiguration(servers, policy);
  }

  /** @param {MediaStream|null} stream */
  setLocalStream(stream) {
    this.mesh.setLocalStream(stream);
    for (const kind of /** @type {const} */ (['audio', 'video'])) {
      this.sfu.tracks[kind] = stream?.getTracks().find((t) => t.kind === kind) ?? null;
    }
    this.camera = this.sfu.tracks.video;
  }

  /** Someone spoke: they move to the front for last-N. @param {string|null} id */
  spoke(id) {
    if (!id) return;
    this.speakers = [id, ...this.speakers.filter((s) => s !== id)];
  }

  /**
   * Large tiles get the SFU's high layer and the rest the low one. With more than LAST_N others, only
   * the large tiles and the latest speakers (then the earliest arrivals) get video at all; the rest
   * show their avatar. Only changes are sent.
   * @param {Set<string>} large ids shown large (pinned, presenting, speaking)
   */
  setLargeTiles(large) {
    if (!this.isSfu) return;
    const others = this.ui.others();
    const order = [...large, ...this.speakers, ...others].filter((id, i, all) => others.includes(id) && all.indexOf(id) === i);
    const shown = new Set(order.slice(0, LAST_N));
    for (const id of others) {
      const want = !shown.has(id) ? 'off' : large.has(id) ? 'high' : 'low';
      if (this.quality.get(id) !== want) {
        this.quality.set(id, want);
        this.client.sfuQuality(id, want);
        this.ui.pauseVideo(id, want === 'off');
      }
    }
  }

  /** Everyone we receive through the SFU, with the connection and audio track to measure them by. */
  /** @returns {[string, RTCPeerConnection, string|null][]} */
  audioSources() {
    if (this.isSfu && this.sfu.receiving) {
      const pc = this.sfu.receiving;
      return [...this.sfu.streams].map(([id, stream]) => [id, pc, stream.getAudioTracks()[0]?.id ?? null]);
    }
    return [...this.mesh.peers].map(([id, peer]) => [id, peer.pc, null]);
  }

  /** What sends our live microphone (through the SFU on its own connection, in a mesh on any), or null. */
  microphoneSender() {
    const connections = this.isSfu ? [this.sfu.sending] : [...this.mesh.peers.values()].map((peer) => peer.pc);
    for (const pc of connections) {
      const sender = pc?.getSenders().find((s) => s.track?.kind === 'audio' && s.track.readyState === 'live');
      if (sender) return sender;
    }
    return null;
  }

  /** @param {string} id */
  forget(id) {
    this.sfu.forget(id);
    this.quality.delete(id);
  }

  close() {
    this.sfu.close();
  }

  /** @param {string} mode @param {string|undefined} reason */
  async #switch(mode, reason) {
    if (mode === 'sfu') {
      const moving = this.mode !== 'sfu';
      this.mode = 'sfu';
      this.publishing = false;
      const turn = ++this.switches;
      this.quality.clear();
      if (moving && reason) this.ui.notice(reason);
      // The camera's size first: the layers a publisher sends are fixed when it starts (sfu.js). With no
      // change to wait for, publishing starts before the caller goes on (drawing the call, at a join).
      const resizing = this.ui.captureFor('sfu');
      if (resizing) {
        await resizing;
        if (turn !== this.switches) return;
      }
      this.publishing = true;
      this.sfu.publish();
      if (this.screen) this.sfu.publishScreen(this.screen);
      return;
    }
    if (this.mode === 'mesh') return;
    this.#toMesh(reason, this.ui.others());
  }

  /** @param {string|undefined} reason @param {string[]} present */
  #toMesh(reason, present) {
    this.mode = 'mesh';
    this.publishing = false;
    this.switches++;
    this.sfu.close();
    this.ui.captureFor('mesh');
    for (const id of this.quality.keys()) this.ui.pauseVideo(id, false);
    this.quality.clear();
    if (reason) this.ui.notice(reason);
    for (const id of present) this.returned(id);
  }
}
