// Parley's signaling protocol (see PROTOCOL.md). No DOM code here: pages and tests both use it.

import { Allowance } from './allowance.js';
import { Heartbeat } from './heartbeat.js';

/** Protocol version sent in `join`. */
export const PROTOCOL_VERSION = 1;

/** Every message type of the protocol, by wire name. */
export const MessageType = Object.freeze({
  JOIN: 'join',
  JOINED: 'joined',
  PARTICIPANT_JOINED: 'participant-joined',
  PARTICIPANT_LEFT: 'participant-left',
  SIGNAL: 'signal',
  PING: 'ping',
  PONG: 'pong',
  LEAVE: 'leave',
  ERROR: 'error',
  MEDIA_STATE: 'media-state',
  CHAT: 'chat',
  CHAT_HISTORY: 'chat-history',
  HAND: 'hand',
  REACTION: 'reaction',
  MODERATE: 'moderate',
  MODERATED: 'moderated',
  ROOM_STATE: 'room-state',
  MEETING_ENDED: 'meeting-ended',
  MEDIA_MODE: 'media-mode',
  SFU_PUBLISH: 'sfu-publish',
  SFU_PUBLISHED: 'sfu-published',
  SFU_OFFER: 'sfu-offer',
  SFU_ANSWER: 'sfu-answer',
  SFU_QUALITY: 'sfu-quality',
  SFU_CANDIDATE: 'sfu-candidate',
});

/** Reactions the server accepts. */
export const REACTIONS = Object.freeze(['👍', '❤️', '😂', '🎉', '👏', '😮']);

/**
 * @typedef {{id: string, name: string, audio: boolean, video: boolean, screen: boolean, hand: boolean, moderator: boolean,
 *            screenOrder?: number}} ParticipantInfo
 * @typedef {{audio: boolean, video: boolean, screen: boolean, screenOrder?: number}} MediaState
 * `screenOrder`, set by the server while presenting, orders the room's presentations (higher started later).
 * @typedef {{from: string, name: string, text: string, ts: number}} ChatMessage
 * @typedef {{type: 'joined', version: number, id: string, room: string,
 *            participants: ParticipantInfo[], heartbeatMs: number}} JoinedMessage
 * @typedef {{description?: RTCSessionDescriptionInit, candidate?: RTCIceCandidateInit}} SignalData
 * @typedef {{code: string, message: string}} ProtocolError
 * @typedef {{mid: string, participant: string, kind: 'audio'|'video', source: 'camera'|'screen'}} SfuStream
 * @typedef {{sdp: string, streams: SfuStream[], fresh: boolean}} SfuOffer
 * @typedef {'mesh'|'sfu'} MediaMode
 */

/** Builds the WebSocket URL of the signaling endpoint for a page location (ws on http, wss on https). */
export function signalingUrl(location) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws`;
}

/** Reconnection backoff: first retry after about 250 ms, doubling up to 2 s, with jitter. */
const RETRY_BASE_MS = 250;
const RETRY_MAX_MS = 2000;
/** Heartbeats before `joined` gives the server's interval: the default one, well inside the default timeout. */
const EARLY_PING_MS = 2000;
/** Close codes after which reconnecting is pointless or wrong. */
const FINAL_CLOSES = new Set([1000, 4002, 4003, 4004]);
/**
 * Chat messages and reactions a page sends: the server takes 2 a second in bursts of 10 (PROTOCOL.md,
 * "chat"); two fewer in a burst, so that messages bunched up on the way are not refused there.
 */
const CHAT_PER_SECOND = 2;
const CHAT_BURST = 8;
/** Messages queued while reconnecting (mostly ICE and renegotiation), at most this many. */
const MAX_QUEUED = 500;

/**
 * One participant's signaling connection. Assign the `on*` callbacks, then call `join`.
 * Heartbeats run by themselves from the socket's opening; a server that stops answering is treated as gone.
 * A lost connection is retried with backoff and resumed as the same participant (PROTOCOL.md,
 * "Resuming"); `onreconnecting` and then `onjoined` (with `resumed`) tell the page.
 */
export class SignalingClient {
  /** Gives up the current socket as dead and goes on as if it had closed (set for each socket by `#attach`). */
  #giveUp = () => {};

  /** @param {string} url */
  constructor(url) {
    this.url = url;
    /** @type {WebSocket|null} */
    this.socket = null;
    /** @type {string|null} own participant id, set by `joined` */
    this.id = null;
    /** @type {string|null} */
    this.resumeToken = null;
    /** Sending past it would only be refused: the page keeps what it could not send yet. */
    this.chatAllowance = new Allowance(CHAT_PER_SECOND, CHAT_BURST);
    this.heartbeat = new Heartbeat(() => this.#write({ type: MessageType.PING }), () => this.#giveUp());
    this.attempts = 0;
    this.leaving = false;
    /** True between `joined` and the socket closing: only then can room messages go out. */
    this.ready = false;
    /** @type {object[]} */
    this.queued = [];
    /** @type {{room: string, name: string, media: () => {audio: boolean, video: boolean}}|null} */
    this.joining = null;
    /** Room password and moderator key, sent with every join (including resumes after a restart). */
    /** @type {{password?: string, moderatorKey?: string}} */
    this.credentials = {};
    /** @type {(m: JoinedMessage & {resumeToken: string, resumed: boolean}) => void} */ this.onjoined = () => {};
    /** @type {(p: ParticipantInfo) => void} */ this.onparticipantjoined = () => {};
    /** @type {(id: string, reason: string) => void} */ this.onparticipantleft = () => {};
    /** @type {(from: string, data: SignalData) => void} */ this.onsignal = () => {};
    /** @type {(e: ProtocolError) => void} */ this.onerror = () => {};
    /** @type {(code: number, reason: string) => void} */ this.onclose = () => {};
    /** @type {() => void} */ this.onreconnecting = () => {};
    /** @type {(from: string, state: MediaState) => void} */ this.onmediastate = () => {};
    /** @type {(message: ChatMessage) => void} */ this.onchat = () => {};
    /** @type {(messages: ChatMessage[]) => void} */ this.onchathistory = () => {};
    /** @type {(from: string, raised: boolean) => void} */ this.onhand = () => {};
    /** @type {(from: string, emoji: string) => void} */ this.onreaction = () => {};
    /** @type {(action: string, by: string) => void} */ this.onmoderated = () => {};
    /** @type {(locked: boolean) => void} */ this.onroomstate = () => {};
    /** @type {(by: string) => void} */ this.onmeetingended = () => {};
    /** @type {(mode: MediaMode, reason: string|undefined) => void} */ this.onmediamode = () => {};
    /** @type {(sdp: string, source: string) => void} */ this.onsfupublished = () => {};
    /** @type {(offer: SfuOffer) => void} */ this.onsfuoffer = () => {};
  }

  /**
   * Opens the socket ahead of `join` (on the pre-join screen), so that joining does not wait for it.
   * Until then it only sends heartbeats; if it closes meanwhile, `join` opens another.
   */
  preconnect() {
    if (this.socket || this.joining) {
      return;
    }
    const socket = new WebSocket(this.url);
    this.socket = socket;
    const drop = () => {
      if (this.socket === socket) {
        this.heartbeat.stop();
        this.socket = null;
      }
    };
    socket.onopen = () => this.heartbeat.start(EARLY_PING_MS);
    socket.onmessage = () => this.heartbeat.heard();
    socket.onclose = drop;
    // Gone silent: `join` opens another socket rather than wait for this one's close.
    this.#giveUp = () => {
      drop();
      socket.close(4001, 'server silent');
    };
  }

  /**
   * Asks to join, on the socket `preconnect` opened or on a new one; resolves once the socket is open.
   * @param {string} room @param {string} name
   * @param {() => {audio: boolean, video: boolean}} [media] whether microphone and camera are on now
   */
  join(room, name, media = () => ({ audio: true, video: true })) {
    this.joining = { room, name, media };
    const early = this.socket;
    return new Promise((resolve, reject) => {
      if (early && early.readyState <= WebSocket.OPEN) {
        // Its heartbeat goes on until `joined`: should it go silent meanwhile, the join goes out on a new one.
        this.#attach(early, resolve, reject, true);
      } else {
        this.#open(resolve, reject);
      }
    });
  }

  /** @param {() => void} [opened] @param {(e: Error) => void} [failed] */
  #open(opened, failed) {
    this.#attach(new WebSocket(this.url), opened, failed);
  }

  /**
   * Joins (or resumes) on this socket once it is open.
   * @param {WebSocket} socket @param {() => void} [opened] @param {(e: Error) => void} [failed]
   * @param {boolean} [early] opened by `preconnect`
   */
  #attach(socket, opened, failed, early = false) {
    this.socket = socket;
    const start = () => {
      // From the first moment, so that a join or resume sent into a dead path is given up, not waited on.
      if (!this.heartbeat.running()) this.heartbeat.start(EARLY_PING_MS);
      this.#sendJoin();
      opened?.();
    };
    socket.onopen = start;
    socket.onmessage = (event) => this.#receive(event.data);
    // An early socket that fails is replaced when it closes (below): only the new one's failure counts.
    socket.onerror = early ? null : () => failed?.(new Error('could not reach the signaling server'));
    const lost = (/** @type {number} */ code, /** @type {string} */ reason) => {
      if (this.socket !== socket) return; // an earlier socket, already given up
      this.heartbeat.stop();
      this.ready = false;
      this.socket = null;
      if (early && !this.id && !this.leaving && !FINAL_CLOSES.has(code)) {
        // The socket opened early was already going (the server restarted, or let it go): join on a new one.
        this.#open(opened, failed);
        return;
      }
      if (this.leaving || !this.id || FINAL_CLOSES.has(code)) {
        this.onclose(code, reason);
        return;
      }
      this.onreconnecting();
      const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** this.attempts++);
      setTimeout(() => this.leaving || this.#open(), delay * (0.5 + Math.random() / 2));
    };
    socket.onclose = (event) => lost(event.code, event.reason);
    // A silent connection is given up at once: its close event comes only when the handshake times out (~1 min).
    this.#giveUp = () => {
      socket.onmessage = null;
      socket.close(4001, 'server silent');
      lost(4001, 'server silent');
    };
    if (socket.readyState === WebSocket.OPEN) start();
  }

  #sendJoin() {
    const { room, name, media } = /** @type {NonNullable<typeof this.joining>} */ (this.joining);
    const { audio, video } = media();
    /** @type {Record<string, unknown>} */
    const join = { type: MessageType.JOIN, version: PROTOCOL_VERSION, room, name, audio, video, ...this.credentials };
    if (this.resumeToken) {
      join.resume = this.resumeToken;
    }
    this.#write(join);
  }

  /** @param {string} to @param {SignalData} data */
  signal(to, data) {
    this.send({ type: MessageType.SIGNAL, to, data });
  }

  /** @param {MediaState} state */
  sendMediaState(state) {
    this.send({ type: MessageType.MEDIA_STATE, audio: state.audio, video: state.video, screen: state.screen });
  }

  /** Sends a chat message unless that is faster than the server allows. @param {string} text @returns {boolean} sent */
  chat(text) {
    if (!this.chatAllowance.take()) return false;
    this.send({ type: MessageType.CHAT, text });
    return true;
  }

  /** @param {boolean} raised */
  raiseHand(raised) {
    this.send({ type: MessageType.HAND, raised });
  }

  /** Sends a reaction unless that is faster than the server allows. @param {string} emoji one of REACTIONS @returns {boolean} sent */
  react(emoji) {
    if (!this.chatAllowance.take()) return false;
    this.send({ type: MessageType.REACTION, emoji });
    return true;
  }

  /**
   * A moderator's action: 'mute' or 'remove' with a target id, or 'lock', 'unlock', 'end'.
   * @param {string} action @param {string} [target]
   */
  moderate(action, target) {
    this.send(target ? { type: MessageType.MODERATE, action, target } : { type: MessageType.MODERATE, action });
  }

  /**
   * Offers what we send to the media server (its candidates follow in `sfuCandidate`): our camera and
   * microphone, or a shared screen as a second feed. @param {string} sdp @param {'camera'|'screen'} [source]
   */
  sfuPublish(sdp, source = 'camera') {
    this.send({ type: MessageType.SFU_PUBLISH, sdp, source });
  }

  /** Answers the media server's offer of what we receive. @param {string} sdp */
  sfuAnswer(sdp) {
    this.send({ type: MessageType.SFU_ANSWER, sdp });
  }

  /**
   * One ICE candidate of a connection to the media server, after its SDP (trickle ICE); null once that
   * connection has found them all.
   * @param {'camera'|'screen'|'receive'} source @param {RTCIceCandidateInit|null} candidate
   */
  sfuCandidate(source, candidate) {
    this.send({ type: MessageType.SFU_CANDIDATE, source, candidate });
  }

  /** @param {string} participant @param {'high'|'low'|'off'} quality */
  sfuQuality(participant, quality) {
    this.send({ type: MessageType.SFU_QUALITY, participant, quality });
  }

  /** Asks again after a refusal such as `password-required`, on the same socket. */
  retryJoin() {
    this.#sendJoin();
  }

  /** Leaves the room and closes the socket. */
  leave() {
    this.#write({ type: MessageType.LEAVE });
    this.close();
  }

  close() {
    this.leaving = true;
    this.ready = false;
    this.heartbeat.stop();
    if (this.socket) {
      this.socket.onclose = null;
      this.socket.close(1000, 'left');
      this.socket = null;
    }
  }

  /** Sends now, or after the reconnection if the socket is down while in a room. @param {object} message */
  send(message) {
    if (this.ready) {
      this.#write(message);
    } else if (this.id && !this.leaving && this.queued.length < MAX_QUEUED) {
      this.queued.push(message);
    }
  }

  /** @param {object} message */
  #write(message) {
    if (this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(message));
    }
  }

  /**
   * What each message from the server does, by type. Types not listed come from newer servers:
   * ignoring them keeps old pages working.
   * @type {Map<string, (client: SignalingClient, message: any) => void>}
   */
  static #incoming = new Map([
    [MessageType.JOINED, (c, m) => c.#joined(m)],
    [MessageType.PARTICIPANT_JOINED, (c, m) => c.onparticipantjoined(m.participant)],
    [MessageType.PARTICIPANT_LEFT, (c, m) => c.onparticipantleft(m.id, m.reason)],
    [MessageType.SIGNAL, (c, m) => c.onsignal(m.from, m.data)],
    [MessageType.PONG, () => {}],
    [MessageType.ERROR, (c, m) => c.#refused(m)],
    [MessageType.MEDIA_STATE, (c, m) => c.onmediastate(m.from, { audio: m.audio, video: m.video, screen: m.screen, screenOrder: m.screenOrder })],
    [MessageType.CHAT, (c, m) => c.onchat(m)],
    [MessageType.CHAT_HISTORY, (c, m) => c.onchathistory(m.messages ?? [])],
    [MessageType.HAND, (c, m) => c.onhand(m.from, m.raised)],
    [MessageType.REACTION, (c, m) => c.onreaction(m.from, m.emoji)],
    [MessageType.MODERATED, (c, m) => c.onmoderated(m.action, m.by)],
    [MessageType.ROOM_STATE, (c, m) => c.onroomstate(m.locked)],
    [MessageType.MEETING_ENDED, (c, m) => c.onmeetingended(m.by)],
    [MessageType.MEDIA_MODE, (c, m) => c.onmediamode(m.mode, m.reason)],
    [MessageType.SFU_PUBLISHED, (c, m) => c.onsfupublished(m.sdp, m.source)],
    [MessageType.SFU_OFFER, (c, m) => c.onsfuoffer({ sdp: m.sdp, streams: m.streams ?? [], fresh: !!m.fresh })],
  ]);

  /** @param {string} text */
  #receive(text) {
    this.heartbeat.heard();
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    SignalingClient.#incoming.get(message?.type)?.(this, message);
  }

  /** @param {any} message */
  #joined(message) {
    this.id = message.id;
    this.resumeToken = message.resumeToken;
    this.attempts = 0;
    this.ready = true;
    this.heartbeat.start(message.heartbeatMs);
    this.onjoined(message);
    for (const queued of this.queued.splice(0)) {
      this.#write(queued);
    }
  }

  /** @param {any} message */
  #refused(message) {
    if (message.code === 'resume-failed') {
      // The server cannot take us back (for example the token expired): join as someone new.
      this.resumeToken = null;
      this.#sendJoin();
      return;
    }
    this.onerror({ code: message.code, message: message.message });
  }
}
