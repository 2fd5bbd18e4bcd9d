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
  /** The device change under way, if any (see #inTurn). */
  #changes = Promise.resolve();

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
  }

  /** First acquisition, before joining; returns a notice for the user when something is missing. */
  async start() {
    const { stream, notice } = await acquireLocalMedia();
    this.audioTrack = stream?.getAudioTracks()[0] ?? null;
    this.cameraTrack = stream?.getVideoTracks()[0] ?? null;
    this.state = { audio: !!this.audioTrack, video: !!this.cameraTrack, screen: false };
    this.devices = {
      audio: this.audioTrack?.getSettings().deviceId,
      video: this.cameraTrack?.getSettings().deviceId,
    };
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
   * Unmuting opens it again; the permission stays.
   */
  setAudio(on) {
    return this.#inTurn(async () => {
      if (on && !this.audioTrack) {
        this.audioTrack = await this.#open('audio');
      } else if (!on && this.audioTrack) {
        this.audioTrack.stop();
        this.audioTrack = null;
      }
      this.#update({ audio: !!this.audioTrack });
      await this.sink?.replaceTrack('audio', this.audioTrack);
    });
  }

  /** Turning the camera off stops the track, so the camera light goes out; on reopens it. */
  setVideo(on) {
    return this.#inTurn(async () => {
      if (on) {
        if (!this.cameraTrack || this.cameraTrack.readyState === 'ended') {
          this.cameraTrack = await this.#open('video');
        }
      } else if (this.cameraTrack) {
        this.cameraTrack.stop();
        this.cameraTrack = null;
      }
      this.#update({ video: on && !!this.cameraTrack });
      await this.sink?.replaceTrack('video', this.state.video ? this.cameraTrack : null);
    });
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
  useDevice(kind, deviceId) {
    return this.#inTurn(async () => {
      this.devices[kind] = deviceId;
      if (kind === 'audio' && this.audioTrack) {
        const old = this.audioTrack;
        this.audioTrack = await this.#open('audio');
        await this.sink?.replaceTrack('audio', this.audioTrack);
        old.stop();
      } else if (kind === 'video' && this.cameraTrack) {
        const old = this.cameraTrack;
        this.cameraTrack = await this.#open('video');
        await this.sink?.replaceTrack('video', this.state.video ? this.cameraTrack : null);
        old.stop();
      }
      this.onchange(this.state);
    });
  }

  stopAll() {
    stopStream(new MediaStream([this.audioTrack, this.cameraTrack, this.screenTrack].filter((t) => !!t)));
  }

  #outgoingVideo() {
    return this.screenTrack ?? (this.state.video ? this.cameraTrack : null);
  }

  /**
   * Runs device changes one after another: a second click while a device opens must not open another
   * one, which would stay open unseen. @param {() => Promise<void>} change
   */
  #inTurn(change) {
    const done = this.#changes.then(change);
    this.#changes = done.catch(() => {});
    return done;
  }

  /** @param {'audio'|'video'} kind */
  async #open(kind) {
    const id = this.devices[kind];
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
