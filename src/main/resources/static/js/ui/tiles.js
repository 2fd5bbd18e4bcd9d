// The grid of video tiles: one per participant, re-gridded as people come and go.
import { initials } from '../names.js';

/**
 * @typedef {{el: HTMLElement, video: HTMLVideoElement, audio: HTMLAudioElement|null, name: string}} Tile
 */

export class TileGrid {
  /** @param {HTMLElement} container */
  constructor(container) {
    this.container = container;
    /** @type {Map<string, Tile>} */
    this.tiles = new Map();
  }

  /**
   * The local participant's tile: mirrored like a mirror, and muted so you do not hear yourself.
   * @param {string} id @param {string} name @param {MediaStream|null} stream
   */
  addLocal(id, name, stream) {
    const tile = this.#build(id, `${name} (you)`, name, false);
    tile.el.classList.add('tile-local');
    tile.video.classList.add('mirrored');
    this.#showVideo(tile, stream && stream.getVideoTracks().length ? stream : null);
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
    this.#showVideo(tile, video.length ? new MediaStream(video) : null);
    if (audio.length && tile.audio.srcObject?.getAudioTracks?.()[0] !== audio[0]) {
      tile.audio.srcObject = new MediaStream(audio);
      tile.audio.play().catch(() => {});
    }
  }

  /** @param {string} id @param {string} state one of RTCPeerConnectionState */
  setConnectionState(id, state) {
    this.tiles.get(id)?.el.setAttribute('data-connection', state);
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
      this.#layout();
    }
  }

  clear() {
    for (const id of [...this.tiles.keys()]) {
      this.remove(id);
    }
  }

  /** @param {string} id @param {string} label @param {string} name @param {boolean} remote */
  #build(id, label, name, remote) {
    const el = document.createElement('div');
    el.className = 'tile';
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
    plate.textContent = label;

    el.append(video, avatar, plate);
    let audio = null;
    if (remote) {
      audio = document.createElement('audio');
      audio.autoplay = true;
      el.append(audio);
    }
    /** @type {Tile} */
    const tile = { el, video, audio, name };
    this.tiles.set(id, tile);
    this.container.append(el);
    this.#layout();
    return tile;
  }

  /** @param {Tile} tile @param {MediaStream|null} stream */
  #showVideo(tile, stream) {
    tile.el.classList.toggle('no-video', !stream);
    if (tile.video.srcObject !== stream) {
      tile.video.srcObject = stream;
      stream && tile.video.play().catch(() => {});
    }
  }

  /** Columns grow with the count: 1, 2, 2×2, 3×3 and so on; a tall (phone) screen stacks rows first. */
  #layout() {
    const count = Math.max(1, this.tiles.size);
    const side = Math.ceil(Math.sqrt(count));
    const other = Math.ceil(count / side);
    this.container.style.setProperty('--columns', String(side));
    this.container.style.setProperty('--rows', String(other));
    this.container.style.setProperty('--columns-tall', String(other));
    this.container.style.setProperty('--rows-tall', String(side));
    this.container.dataset.count = String(this.tiles.size);
  }
}
