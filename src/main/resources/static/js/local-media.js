// What this participant sends: microphone, camera and screen, and switching devices mid-call.
// The mesh gets every change through replaceTrack, so nothing is renegotiated.

import { acquireLocalMedia, cameraFor, stopStream } from './media.js';

/**
 * @typedef {{audio: boolean, video: boolean, screen: boolean}} MediaState
 * @typedef {{
 *   replaceTrack: (kind: 'audio'|'video', track: MediaStreamTrack|null) => Promise<void>,
 *   setScreen: (track: MediaStreamTrack|null) => Promise<void>,
 * }} TrackSink
 * `replaceTrack` carries the microphone and camera; `setScreen` a shared screen, which the sink sends in
 * the camera's place (mesh) or beside it (SFU).
 */

export class LocalMedia {
  /**
   * Counts the changes to each device. A device that opens after a later change to it (or after
   * `stopAll`) is closed again at once, so a slow open can neither undo a mute nor stay open unseen.
   */
  #turns = { audio: 0, video: 0 };
  /** What the change under way to each device asks for (on or off), or null when none is. */
  #asked = { audio: /** @type {boolean|null} */ (null), video: /** @type {boolean|null} */ (null) };
  #closed = false;

  constructor() {
    /** @type {MediaStreamTrack|null} */ this.audioTrack = null;
    /** @type {MediaStreamTrack|null} */ this.cameraTrack = null;
    /** @type {MediaStreamTrack|null} */ this.screenTrack = null;
    /** @type {MediaState} */
    this.state = { audio: false, video: false, screen: false };
    /** @type {{audio?: string, video?: string}} chosen device ids */
    this.devices = {};
    /** @type {MediaTrackConstraints} how the camera is captured (media.js, cameraFor) */
    this.capture = cameraFor('mesh');
    /** @type {TrackSink|null} */
    this.sink = null;
    /** Called after every change, with the new state. @type {(state: MediaState) => void} */
    this.onchange = () => {};
    /**
     * Called when the microphone or camera stops by itself (unplugged, or taken by the system); it is
     * then shown off, and turning it on opens it again. @type {(kind: 'audio'|'video') => void}
     */
    this.onlost = () => {};
  }

  /** First acquisition, before joining; returns a notice for the user when something is missing. */
  async start() {
    const turns = { ...this.#turns };
    const { stream, notice } = await acquireLocalMedia();
    for (const track of stream?.getTracks() ?? []) {
      const kind = /** @type {'audio'|'video'} */ (track.kind);
      if (this.#closed || this.#turns[kind] !== turns[kind]) {
        track.stop(); // turned on or off while this was asked for: that choice stands
      } else {
        this.#setTrack(kind, track);
        this.devices[kind] = track.getSettings().deviceId;
      }
    }
    this.state = { audio: !!this.audioTrack, video: !!this.cameraTrack, screen: false };
    this.onchange(this.state);
    return notice;
  }

  /** The stream to send when the call starts. */
  outgoingStream() {
    const stream = new MediaStream();
    if (this.audioTrack) stream.addTrack(this.audioTrack);
    const video = this.#outgoingVideo();
    if (video) stream.addTrack(video);
    return stream;
  }

  /** What to show on one's own tile: the screen while presenting, otherwise the camera. */
  previewStream() {
    const track = this.screenTrack ?? (this.state.video ? this.cameraTrack : null);
    return track ? new MediaStream([track]) : null;
  }

  /**
   * Muting releases the microphone, as turning the camera off releases the camera: the browser's
   * microphone indicator goes out, nothing is sent, and the page no longer echo-cancels a muted capture.
   * Unmuting opens it again.
   */
  setAudio(on) {
    return this.#set('audio', on);
  }

  /** Turning the camera off stops the track, so the camera light goes out; on reopens it. */
  setVideo(on) {
    return this.#set('video', on);
  }

  /** The microphone's button and shortcut: the opposite of what was last asked for, even if still opening. */
  toggleAudio() {
    return this.setAudio(!this.#wanted('audio'));
  }

  /** The camera's button and shortcut, as `toggleAudio`. */
  toggleVideo() {
    return this.setVideo(!this.#wanted('video'));
  }

  /**
   * Captures the camera for a call mode (media.js, cameraFor): now, and whenever it is opened again. The
   * track stays the same, so everything sending it keeps going. Returns null when the size stays, so a
   * caller need not wait.
   * @param {'mesh'|'sfu'} mode @returns {Promise<void>|null}
   */
  setCapture(mode) {
    const wanted = cameraFor(mode);
    if (wanted === this.capture) return null;
    this.capture = wanted;
    const track = this.cameraTrack;
    if (track?.readyState !== 'live') return null;
    // The camera keeps the size it has if this fails: worth a note for whoever debugs, not a word for the user.
    return track.applyConstraints(wanted).catch((error) => console.warn('camera: could not change the capture size', error));
  }

  /** Presents a screen in place of the camera; the browser's own "Stop sharing" ends it too. */
  async startScreen() {
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15 } }, audio: false });
    const track = stream.getVideoTracks()[0];
    track.addEventListener('ended', () => {
      if (this.screenTrack === track) {
        this.stopScreen();
      }
    });
    this.screenTrack = track;
    await this.sink?.setScreen(track);
    this.#update({ screen: true });
  }

  async stopScreen() {
    const track = this.screenTrack;
    this.screenTrack = null;
    track?.stop();
    await this.sink?.setScreen(null);
    this.#update({ screen: false });
  }

  /** Switches to another microphone or camera mid-call, keeping its on/off state. @param {'audio'|'video'} kind */
  async useDevice(kind, deviceId) {
    this.devices[kind] = deviceId;
    const old = this.#track(kind);
    if (!old && this.#asked[kind]) {
      await this.#set(kind, true); // still opening the previous device: open this one instead
    } else if (old) {
      const track = await this.#openFor(kind, ++this.#turns[kind]);
      if (!track) return;
      this.#setTrack(kind, track);
      try {
        await this.sink?.replaceTrack(kind, track);
      } finally {
        old.stop(); // even if a connection refused the new one: the old device is not shown anywhere now
      }
    }
    this.onchange(this.state);
  }

  stopAll() {
    this.#closed = true;
    stopStream(new MediaStream([this.audioTrack, this.cameraTrack, this.screenTrack].filter((t) => !!t)));
  }

  #outgoingVideo() {
    return this.screenTrack ?? (this.state.video ? this.cameraTrack : null);
  }

  /** @param {'audio'|'video'} kind @param {boolean} on */
  async #set(kind, on) {
    const current = this.#track(kind);
    if (on && current?.readyState === 'live') {
      return;
    }
    const turn = ++this.#turns[kind];
    this.#asked[kind] = on;
    const track = on ? await this.#openFor(kind, turn) : null;
    if (on && !track) {
      return; // a later change came first
    }
    current?.stop();
    this.#setTrack(kind, track);
    this.#asked[kind] = null;
    this.#update({ [kind]: on });
    await this.sink?.replaceTrack(kind, track);
  }

  /** @param {'audio'|'video'} kind */
  #track(kind) {
    return kind === 'audio' ? this.audioTrack : this.cameraTrack;
  }

  /** @param {'audio'|'video'} kind @param {MediaStreamTrack|null} track */
  #setTrack(kind, track) {
    if (kind === 'audio') this.audioTrack = track;
    else this.cameraTrack = track;
    // Fired only when the device ends the track itself: stopping it here fires nothing.
    track?.addEventListener('ended', () => {
      if (this.#track(kind) === track && !this.#closed) {
        this.#set(kind, false).catch((error) => console.warn('could not turn off a lost device', error));
        this.onlost(kind);
      }
    });
  }

  /**
   * Opens a device for the change numbered `turn`; null, with the device closed again, when a later
   * change came first. A failed open leaves the device as it was. @param {'audio'|'video'} kind @param {number} turn
   */
  async #openFor(kind, turn) {
    let track;
    try {
      track = await this.#open(kind);
    } catch (error) {
      if (turn === this.#turns[kind]) this.#asked[kind] = null;
      throw error;
    }
    if (this.#closed || turn !== this.#turns[kind]) {
      track.stop();
      return null;
    }
    this.devices[kind] = track.getSettings().deviceId;
    return track;
  }

  /** @param {'audio'|'video'} kind */
  #wanted(kind) {
    return this.#asked[kind] ?? this.state[kind];
  }

  /**
   * Opens the chosen device, or the default one when the chosen one is gone (unplugged while off).
   * @param {'audio'|'video'} kind
   */
  async #open(kind) {
    try {
      return await this.#capture(kind, this.devices[kind]);
    } catch (error) {
      const gone = ['NotFoundError', 'OverconstrainedError'].includes(error?.name);
      if (!this.devices[kind] || !gone) throw error;
      return this.#capture(kind, undefined);
    }
  }

  /** @param {'audio'|'video'} kind @param {string|undefined} id */
  async #capture(kind, id) {
    const constraints = kind === 'audio'
      ? { audio: id ? { deviceId: { exact: id } } : true }
      : { video: { ...this.capture, ...(id ? { deviceId: { exact: id } } : {}) } };
    const stream = await navigator.mediaDevices.getUserMedia(constraints);
    return kind === 'audio' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
  }

  /** @param {Partial<MediaState>} change */
  #update(change) {
    this.state = { ...this.state, ...change };
    this.onchange(this.state);
  }
}
