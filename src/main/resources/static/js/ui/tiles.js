// The grid of video tiles: one per participant, re-gridded as people come and go. A pinned tile, or
// else the latest presenter's, takes the large spot with the others in a strip beside it.
import { initials } from '../names.js';
import { icon } from './icons.js';

/**
 * @typedef {{el: HTMLElement, video: HTMLVideoElement, audio: HTMLAudioElement|null, name: string,
 *            label: string, pin: HTMLButtonElement, camera?: MediaStream, screen?: MediaStreamTrack|null,
 *            screenOrder?: number}} Tile
 * @typedef {{audio: boolean, video: boolean, screen: boolean, hand: boolean, screenOrder?: number}} TileState
 * `screenOrder` is the server's count of the room's presentations, so every page spotlights the same one.
 */

export class TileGrid {
  /** @param {HTMLElement} container */
  constructor(container) {
    this.container = container;
    /** @type {Map<string, Tile>} */
    this.tiles = new Map();
    /** @type {string|null} */
    this.pinned = null;
    /** @type {string|null} */
    this.localId = null;
    /** Called with the output device for every remote audio element (setSinkId). */
    this.sinkId = '';
    /** Called after every re-layout (someone pinned, presenting, arriving or leaving). */
    this.onlayout = () => {};
  }

  /** The participant in the large spot, if any. */
  spotlightId() {
    return this.tiles.size > 1 ? this.#spotlight() : null;
  }

  /** The local participant's tile: mirrored like a mirror, and muted so you do not hear yourself. */
  addLocal(id, name) {
    this.localId = id;
    const tile = this.#build(id, `${name} (you)`, name, false);
    tile.el.classList.add('tile-local');
  }

  /** Shows one's own camera (mirrored) or screen (as others see it). @param {MediaStream|null} stream */
  setLocalPreview(stream, screen) {
    const tile = this.localId ? this.tiles.get(this.localId) : null;
    if (tile) {
      tile.video.classList.toggle('mirrored', !screen);
      this.#showVideo(tile, stream);
    }
  }

  /** @param {string} id @param {string} name */
  addRemote(id, name) {
    if (!this.tiles.has(id)) {
      this.#build(id, name, name, true);
    }
  }

  /** Shows what a remote participant sends: video in the tile, audio through its own element. */
  setRemoteStream(id, stream) {
    const tile = this.tiles.get(id);
    if (!tile || !tile.audio) {
      return;
    }
    const video = stream.getVideoTracks();
    const audio = stream.getAudioTracks();
    if (video.length && tile.camera?.getVideoTracks()[0] !== video[0]) {
      tile.camera = new MediaStream(video);
    }
    // A screen shared as its own feed (SFU) has the tile while it lasts.
    if (video.length && !tile.screen && tile.video.srcObject !== tile.camera) {
      tile.video.srcObject = tile.camera ?? null;
      tile.video.play().catch(() => {});
    }
    if (audio.length && tile.audio.srcObject?.getAudioTracks?.()[0] !== audio[0]) {
      tile.audio.srcObject = new MediaStream(audio);
      this.#routeAudio(tile.audio);
      tile.audio.play().catch(() => {});
    }
  }

  /** A remote screen received as its own feed shows in the presenter's tile; null goes back to the camera. */
  setRemoteScreen(/** @type {string} */ id, /** @type {MediaStreamTrack|null} */ track) {
    const tile = this.tiles.get(id);
    if (!tile) {
      return;
    }
    tile.screen = track;
    tile.video.srcObject = track ? new MediaStream([track]) : tile.camera ?? null;
    tile.video.play().catch(() => {});
  }

  /** Mute icon, camera-off avatar, raised hand and presenter layout, from announced state. */
  setState(id, /** @type {TileState} */ state) {
    const tile = this.tiles.get(id);
    if (!tile) {
      return;
    }
    tile.el.classList.toggle('no-video', !state.video && !state.screen);
    tile.el.classList.toggle('audio-off', !state.audio);
    tile.el.classList.toggle('hand-raised', state.hand);
    tile.screenOrder = state.screen ? state.screenOrder ?? 0 : 0;
    tile.el.classList.toggle('presenting', state.screen);
    this.#layout();
  }

  /** Video not received (past the SFU's last-N): the avatar shows instead of a frozen picture. */
  setVideoPaused(/** @type {string} */ id, /** @type {boolean} */ paused) {
    this.tiles.get(id)?.el.classList.toggle('video-paused', paused);
  }

  /** @param {string} id @param {string} state one of RTCPeerConnectionState */
  setConnectionState(id, state) {
    this.tiles.get(id)?.el.setAttribute('data-connection', state);
  }

  /** @param {string|null} id the current speaker, or null */
  setSpeaker(id) {
    for (const [tileId, tile] of this.tiles) {
      tile.el.classList.toggle('speaking', tileId === id);
    }
  }

  /** Floats an emoji over a tile for a moment. */
  showReaction(id, emoji) {
    const tile = this.tiles.get(id);
    if (!tile) {
      return;
    }
    const bubble = document.createElement('span');
    bubble.className = 'reaction-bubble';
    bubble.textContent = emoji;
    bubble.setAttribute('aria-hidden', 'true');
    tile.el.append(bubble);
    bubble.addEventListener('animationend', () => bubble.remove());
  }

  /** Sends every remote participant's audio to an output device. @param {string} sinkId */
  setSinkId(sinkId) {
    this.sinkId = sinkId;
    for (const tile of this.tiles.values()) {
      if (tile.audio) {
        this.#routeAudio(tile.audio);
      }
    }
  }

  /** @param {string} id */
  remove(id) {
    const tile = this.tiles.get(id);
    if (tile) {
      tile.video.srcObject = null;
      if (tile.audio) {
        tile.audio.srcObject = null;
      }
      tile.el.remove();
      this.tiles.delete(id);
      if (this.pinned === id) {
        this.pinned = null;
      }
      this.#layout();
    }
  }

  clear() {
    for (const id of [...this.tiles.keys()]) {
      this.remove(id);
    }
  }

  /** @param {string} id */
  togglePin(id) {
    this.pinned = this.pinned === id ? null : id;
    for (const [tileId, tile] of this.tiles) {
      const on = tileId === this.pinned;
      tile.pin.setAttribute('aria-pressed', String(on));
      tile.pin.setAttribute('aria-label', `${on ? 'Unpin' : 'Pin'} ${tile.label}`);
    }
    this.#layout();
  }

  /** @param {string} id @param {string} label @param {string} name @param {boolean} remote */
  #build(id, label, name, remote) {
    const el = document.createElement('div');
    el.className = 'tile no-video';
    el.setAttribute('role', 'group');
    el.setAttribute('aria-label', label);
    el.dataset.participant = id;

    const video = document.createElement('video');
    video.autoplay = true;
    video.playsInline = true;
    video.muted = true; // sound goes through the <audio> element, which receivers need for audio stats too
    video.setAttribute('aria-hidden', 'true');

    const avatar = document.createElement('div');
    avatar.className = 'avatar';
    avatar.setAttribute('aria-hidden', 'true');
    avatar.textContent = initials(name);

    const plate = document.createElement('div');
    plate.className = 'nameplate';
    const hand = document.createElement('span');
    hand.className = 'hand-icon';
    hand.setAttribute('role', 'img');
    hand.setAttribute('aria-label', 'Hand raised');
    hand.textContent = '✋';
    const muted = document.createElement('span');
    muted.className = 'muted-icon';
    muted.setAttribute('role', 'img');
    muted.setAttribute('aria-label', 'Microphone off');
    muted.append(icon('micOff'));
    const text = document.createElement('span');
    text.textContent = label;
    plate.append(hand, muted, text);

    const pin = document.createElement('button');
    pin.type = 'button';
    pin.className = 'pin-button';
    pin.setAttribute('aria-label', `Pin ${label}`);
    pin.setAttribute('aria-pressed', 'false');
    pin.title = 'Pin to the large spot';
    pin.append(icon('pin'));
    pin.addEventListener('click', () => this.togglePin(id));

    el.append(video, avatar, plate, pin);
    let audio = null;
    if (remote) {
      audio = document.createElement('audio');
      audio.autoplay = true;
      el.append(audio);
    }
    /** @type {Tile} */
    const tile = { el, video, audio, name, label, pin };
    this.tiles.set(id, tile);
    this.container.append(el);
    this.#layout();
    return tile;
  }

  /**
   * Keeps the element's stream while it carries the same track, so toggling the microphone or other
   * state does not restart the picture. @param {Tile} tile @param {MediaStream|null} stream
   */
  #showVideo(tile, stream) {
    const current = /** @type {MediaStream|null} */ (tile.video.srcObject);
    const same = current && stream ? current.getVideoTracks()[0] === stream.getVideoTracks()[0] : current === stream;
    if (!same) {
      tile.video.srcObject = stream;
      stream && tile.video.play().catch(() => {});
    }
  }

  /** @param {HTMLAudioElement} audio */
  #routeAudio(audio) {
    const withSink = /** @type {HTMLAudioElement & {setSinkId?: (id: string) => Promise<void>}} */ (audio);
    if (this.sinkId && withSink.setSinkId) {
      withSink.setSinkId(this.sinkId).catch(() => {});
    }
  }

  /** The large spot goes to the pinned tile, else to the latest presenter (two may present); otherwise an even grid. */
  #spotlight() {
    if (this.pinned && this.tiles.has(this.pinned)) {
      return this.pinned;
    }
    let latest = null;
    let latestAt = -1;
    for (const [id, tile] of this.tiles) {
      if (tile.el.classList.contains('presenting') && id !== this.localId && (tile.screenOrder ?? 0) > latestAt) {
        latest = id;
        latestAt = tile.screenOrder ?? 0;
      }
    }
    return latest;
  }

  /** Columns grow with the count: 1, 2, 2×2, 3×3 and so on; a tall (phone) screen stacks rows first. */
  #layout() {
    const spotlight = this.tiles.size > 1 ? this.#spotlight() : null;
    this.container.classList.toggle('spotlight-layout', !!spotlight);
    for (const [id, tile] of this.tiles) {
      tile.el.classList.toggle('spotlight', id === spotlight);
    }
    const count = Math.max(1, spotlight ? this.tiles.size - 1 : this.tiles.size);
    const side = Math.ceil(Math.sqrt(count));
    const other = Math.ceil(count / side);
    this.container.style.setProperty('--columns', String(side));
    this.container.style.setProperty('--rows', String(other));
    this.container.style.setProperty('--columns-tall', String(other));
    this.container.style.setProperty('--rows-tall', String(side));
    this.container.style.setProperty('--strip', String(count));
    this.container.dataset.count = String(this.tiles.size);
    this.onlayout();
  }
}
