// The meeting page: pre-join screen, then the call. Wires signaling, the peer mesh, local media and the UI.
import { REACTIONS, SignalingClient, signalingUrl } from './protocol.js';
import { PeerMesh } from './mesh.js';
import { CallMode } from './sfu-mode.js';
import { LocalMedia } from './local-media.js';
import { ActiveSpeaker } from './speaker.js';
import { randomName } from './names.js';
import { rememberMeeting } from './recent.js';
import { TileGrid } from './ui/tiles.js';
import { toast } from './ui/toasts.js';
import { FACES, bindShortcuts, fillIcons, setToggle } from './ui/controls.js';
import { Panels } from './ui/panels.js';
import { setupReactionMenu } from './ui/reactions.js';
import { ChatPanel, TOO_FAST } from './ui/chat-panel.js';
import { PeoplePanel } from './ui/people-panel.js';
import { SettingsDialog } from './ui/settings.js';
import { copyMeetingLink, startClock } from './ui/meeting-info.js';
import { setupModeration, takeModeratorKey } from './moderation.js';
import { PrejoinRoom } from './ui/prejoin-room.js';

/** @typedef {import('./protocol.js').ParticipantInfo} ParticipantInfo */
/** @typedef {import('./ui/people-panel.js').Person} Person */

const NAME_KEY = 'parley.name';
const roomId = location.pathname.split('/').filter(Boolean).pop()?.toLowerCase() ?? '';
// One spelling of the link (no trailing slash, lower case), which "Copy meeting link" then hands on.
if (location.pathname !== `/r/${roomId}`) history.replaceState(null, '', `/r/${roomId}${location.search}${location.hash}`);
const moderatorKey = takeModeratorKey(roomId);
const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const button = (/** @type {string} */ id) => /** @type {HTMLButtonElement} */ ($(id));

const media = new LocalMedia();
const grid = new TileGrid($('grid'));
const panels = new Panels();
const people = new PeoplePanel();
const prejoin = new PrejoinRoom(roomId, !moderatorKey, {
  passwordRow: $('password-row'), password: /** @type {HTMLInputElement} */ ($('meeting-password')),
  lockNotice: $('lock-notice'), error: $('join-error'),
});
/** @type {Map<string, Person>} everyone in the call, oneself included, in order of arrival */ const everyone = new Map();
/** @type {SignalingClient|null} */ let signaling = null;
/** @type {PeerMesh|null} */ let mesh = null;
/** @type {CallMode|null} mesh or SFU, and the switch between them */ let callMode = null;
/** @type {{showLocked: (locked: boolean) => void}|null} */ let moderation = null;
let myName = '';
let inCall = false;
/** The signaling socket opens on the pre-join screen, so that "Join now" does not wait for it. */
/** @type {SignalingClient|null} */
let early = new SignalingClient(signalingUrl(location));
early.preconnect();
/** Participants not yet seen again after a resume; dropped if they do not return in time. */
const unconfirmed = new Set();
/** How long others have to come back after a server restart before their tiles go. */
const REJOIN_GRACE_MS = 10_000;

const chat = new ChatPanel((text) => signaling?.chat(text) ?? false, () => panels.open === 'chat');
const settings = new SettingsDialog({
  current: () => media.devices,
  useDevice: (kind, id) => media.useDevice(kind, id),
  useSpeaker: (id) => grid.setSinkId(id),
  onerror: toast,
});
const speaker = new ActiveSpeaker(
  () => callMode?.audioSources() ?? [],
  () => signaling?.id ?? null,
  (id) => {
    grid.setSpeaker(id);
    callMode?.spoke(id);
    showLargeTiles();
  },
  () => callMode?.microphoneSender() ?? null,
);
grid.onlayout = showLargeTiles;

/** In SFU mode, large tiles (pinned, presenting, speaking) get the high simulcast layer. */
function showLargeTiles() {
  const large = new Set([grid.spotlightId(), speaker.current].filter((id) => !!id));
  callMode?.setLargeTiles(/** @type {Set<string>} */ (large));
}

fillIcons(document);
setupPrejoin();

function setupPrejoin() {
  const nameInput = /** @type {HTMLInputElement} */ ($('display-name'));
  nameInput.placeholder = randomName();
  nameInput.value = localStorage.getItem(NAME_KEY) ?? '';
  $('meeting-code').textContent = roomId;
  const ready = media.start().then((notice) => {
    if (notice) {
      $('media-notice').textContent = notice;
      $('media-notice').hidden = false;
    }
  });
  media.onchange = showMediaState;
  media.onlost = (kind) => toast(kind === 'audio'
    ? 'Your microphone stopped (unplugged?). Unmute to use it again.'
    : 'Your camera stopped (unplugged?). Turn it on to use it again.');
  bindToggles();
  button('prejoin-settings').addEventListener('click', () => settings.open());
  $('prejoin-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    button('join-now').disabled = true;
    myName = nameInput.value.trim() || nameInput.placeholder;
    localStorage.setItem(NAME_KEY, nameInput.value.trim());
    await ready;
    try {
      await enterCall();
    } catch (error) {
      $('join-error').textContent = `Could not join: ${error instanceof Error ? error.message : error}`;
      button('join-now').disabled = false;
    }
  });
}

/** Mic and camera buttons exist before and during the call; both sets act on the same media. */
function bindToggles() {
  const act = (/** @type {() => Promise<void>} */ action, /** @type {string} */ what) => action().catch((error) => {
    toast(`Could not ${what}: ${error instanceof Error ? error.message : error}`);
    showMediaState(media.state);
  });
  const toggleMic = () => act(() => media.toggleAudio(), 'change the microphone');
  const toggleCam = () => act(() => media.toggleVideo(), 'change the camera');
  for (const el of document.querySelectorAll('[data-toggle="mic"]')) el.addEventListener('click', toggleMic);
  for (const el of document.querySelectorAll('[data-toggle="cam"]')) el.addEventListener('click', toggleCam);
  button('present').addEventListener('click', () => act(
    () => (media.state.screen ? media.stopScreen() : media.startScreen()), 'present'));
  bindShortcuts({ d: toggleMic, e: toggleCam });
  showMediaState(media.state);
}

/** @param {import('./local-media.js').MediaState} state */
function showMediaState(state) {
  for (const el of document.querySelectorAll('[data-toggle="mic"]')) setToggle(/** @type {HTMLButtonElement} */ (el), FACES.mic, !state.audio);
  for (const el of document.querySelectorAll('[data-toggle="cam"]')) setToggle(/** @type {HTMLButtonElement} */ (el), FACES.cam, !state.video);
  setToggle(button('present'), FACES.present, state.screen);
  const preview = /** @type {HTMLVideoElement|null} */ (document.getElementById('preview'));
  if (preview) {
    const stream = media.previewStream();
    preview.srcObject = stream;
    $('preview-off').hidden = !!stream;
    $('preview-off').textContent = media.devices.video || state.video ? 'Camera is off' : 'No camera';
  }
  const self = signaling?.id;
  if (self && everyone.has(self)) {
    update(self, state);
    grid.setLocalPreview(media.previewStream(), state.screen);
    signaling?.sendMediaState(state);
  }
}

async function enterCall() {
  const client = early ?? new SignalingClient(signalingUrl(location));
  early = null;
  signaling = client;
  const password = /** @type {HTMLInputElement} */ ($('meeting-password')).value;
  client.credentials = { moderatorKey, password: password || undefined };
  mesh = new PeerMesh({
    sendSignal: (to, data) => client.signal(to, data),
    onRemoteStream: (id, stream) => grid.setRemoteStream(id, stream),
    onStateChange: (id, state) => grid.setConnectionState(id, state),
    onFailed: (id) => {
      grid.setConnectionState(id, 'failed');
      toast(`Couldn't connect to ${everyone.get(id)?.name ?? 'a participant'}. A firewall may block the call; a TURN server helps.`);
    },
    repairs: (id) => callMode?.repairs(id) ?? true,
  });
  const mode = new CallMode(client, mesh, {
    showStream: (id, stream) => grid.setRemoteStream(id, stream),
    showScreen: (id, track) => grid.setRemoteScreen(id, track),
    others: () => [...everyone.keys()].filter((id) => id !== client.id),
    notice: toast,
    pauseVideo: (id, paused) => grid.setVideoPaused(id, paused),
    captureFor: (mode) => media.setCapture(mode),
    sendsNothing: (id) => !!everyone.get(id) && !sharing(id, 'audio') && !sharing(id, 'video') && !sharing(id, 'screen'),
    sendsPicture: (id) => sharing(id, 'video') || sharing(id, 'screen'),
  });
  callMode = mode;
  mode.setLocalStream(media.outgoingStream());
  media.sink = mode;

  client.onjoined = (joined) => {
    if (!inCall) {
      inCall = true;
      startCall(client, joined);
    } else {
      resumeCall(client, joined);
    }
  };
  client.onreconnecting = () => {
    $('reconnecting').hidden = false;
  };
  client.onparticipantjoined = (p) => {
    const known = everyone.has(p.id);
    unconfirmed.delete(p.id);
    add(p.id, p, false);
    // A known id is someone coming back after a server restart: the connection to them usually still
    // works; if it went with the SFU, the pair connects directly again.
    if (known) callMode?.returned(p.id);
    else toast(`${p.name} joined`);
  };
  client.onparticipantleft = (id, reason) => {
    const who = everyone.get(id);
    dropParticipant(id);
    // Hosts have their own notice of a removal.
    if (who && reason !== 'removed') toast(`${who.name} left`);
    else if (who && !everyone.get(client.id ?? '')?.moderator) toast(`${who.name} was removed from the meeting`);
  };
  client.onsignal = (from, data) => mesh?.handleSignal(from, data);
  client.onmediastate = (from, state) => update(from, state);
  client.onhand = (from, raised) => {
    update(from, { hand: raised });
    const who = everyone.get(from);
    if (raised && who && from !== client.id) toast(`${who.name} raised a hand`);
  };
  client.onreaction = (from, emoji) => {
    grid.showReaction(from, emoji);
    const who = everyone.get(from);
    if (who) toast(`${from === client.id ? 'You' : who.name} reacted ${emoji}`);
  };
  client.onchat = (message) => chat.add(message, message.from === client.id);
  client.onchathistory = (messages) => chat.showHistory(messages, client.id);
  client.onerror = (error) => {
    if (client.id) {
      // Something for someone who has just left (a candidate, a layer request on its way): nothing to tell.
      if (error.code !== 'unknown-peer') toast(error.message);
      return;
    }
    // Refused before admission (password, room full, locked…): stay on the pre-join screen and say why.
    client.close();
    button('join-now').disabled = false;
    if (!prejoin.refused(error)) $('join-error').textContent = `Could not join: ${error.message}`;
  };
  client.onclose = (code) => {
    if (client !== signaling) return;
    $('reconnecting').hidden = true;
    if (code === 4003 || code === 4004) {
      showEnded(code === 4003 ? 'You were removed from the meeting' : 'The meeting has ended', '');
      return;
    }
    if (!client.id) {
      // Never admitted (the server could not be reached): stay on the pre-join screen, ready to try again.
      signaling = null;
      button('join-now').disabled = false;
      $('join-error').textContent = 'Could not reach the server. Check your connection and try again.';
      return;
    }
    toast(code === 4002 ? 'You joined this meeting from another window.' : 'Lost the connection to the server.');
  };
  await client.join(roomId, myName, () => ({ audio: media.state.audio, video: media.state.video }));
}

/** @param {SignalingClient} client @param {any} joined */
function startCall(client, joined) {
  const m = /** @type {PeerMesh} */ (mesh);
  const mode = /** @type {CallMode} */ (callMode);
  m.selfId = joined.id;
  mode.setIceConfiguration(joined.iceServers ?? [], joined.iceTransportPolicy ?? 'all');
  mode.joined(joined.mode, [], !joined.resumed);
  rememberMeeting(roomId);
  // The pre-join screen goes away entirely, so its controls never shadow the call's.
  prejoin.stop();
  $('prejoin').remove();
  $('call').hidden = false;
  grid.addLocal(joined.id, myName);
  add(joined.id, { id: joined.id, name: myName, ...media.state, hand: false, moderator: joined.moderator }, true);
  grid.setLocalPreview(media.previewStream(), media.state.screen);
  for (const p of joined.participants) {
    add(p.id, p, false);
    // Through the SFU, nobody connects directly: publishing started with mode.joined above.
    if (!mode.isSfu) m.connectTo(p.id);
  }
  setupCallControls(client);
  // The pre-join screen and its focus are gone: the keyboard starts at the call's controls.
  button('mic').focus();
  moderation = setupModeration(client, {
    people,
    isModerator: joined.moderator,
    locked: joined.locked,
    nameOf: (id) => everyone.get(id)?.name ?? 'someone',
    muteSelf: () => media.setAudio(false),
    render: () => people.render(everyone),
    end: showEnded,
  });
  speaker.start();
}

/**
 * Back after a lost connection. Same id: keep every tile and connection, add whoever arrived
 * meanwhile, and give those missing from the list a moment to come back (after a server restart
 * they rejoin one by one). A new id (the server could not take us back): start the mesh afresh.
 * @param {SignalingClient} client @param {any} joined
 */
function resumeCall(client, joined) {
  const m = /** @type {PeerMesh} */ (mesh);
  const mode = /** @type {CallMode} */ (callMode);
  $('reconnecting').hidden = true;
  mode.setIceConfiguration(joined.iceServers ?? [], joined.iceTransportPolicy ?? 'all');
  mode.joined(joined.mode, joined.participants.map((/** @type {ParticipantInfo} */ p) => p.id));
  if (joined.id !== m.selfId) {
    for (const id of [...everyone.keys()]) dropParticipant(id);
    m.selfId = joined.id;
    grid.addLocal(joined.id, myName);
    add(joined.id, { id: joined.id, name: myName, ...media.state, hand: false, moderator: joined.moderator }, true);
    grid.setLocalPreview(media.previewStream(), media.state.screen);
  }
  const listed = new Set(joined.participants.map((/** @type {ParticipantInfo} */ p) => p.id));
  for (const p of joined.participants) {
    const peer = m.peers.get(p.id);
    if (!mode.isSfu && (!peer || ['failed', 'closed'].includes(peer.pc.connectionState))) {
      m.remove(p.id);
      m.connectTo(p.id);
    }
    add(p.id, p, false);
  }
  for (const id of everyone.keys()) {
    if (id !== joined.id && !listed.has(id)) unconfirmed.add(id);
  }
  setTimeout(() => {
    for (const id of unconfirmed) dropParticipant(id);
    unconfirmed.clear();
  }, REJOIN_GRACE_MS);
  moderation?.showLocked(!!joined.locked);
  // The server may have restarted and forgotten what we share; say it again.
  client.sendMediaState(media.state);
  if (everyone.get(joined.id)?.hand) client.raiseHand(true);
}

/** Whether someone shares their microphone, camera or screen. @param {string} id @param {'audio'|'video'|'screen'} what */
const sharing = (id, what) => !!everyone.get(id)?.[what];

/** @param {string} id */
function dropParticipant(id) {
  // Out of `everyone` first: removing the tile re-lays the grid, which asks the SFU for everyone else's layer.
  everyone.delete(id);
  mesh?.remove(id);
  callMode?.forget(id);
  grid.remove(id);
  people.render(everyone);
}

/** @param {string} id @param {ParticipantInfo} info @param {boolean} self */
function add(id, info, self) {
  everyone.set(id, {
    name: info.name, audio: info.audio, video: info.video, screen: info.screen, screenOrder: info.screenOrder,
    hand: info.hand, moderator: !!info.moderator, self,
  });
  if (!self) grid.addRemote(id, info.name);
  update(id, {});
}

/** @param {string} id @param {Partial<Person>} change */
function update(id, change) {
  const person = everyone.get(id);
  if (!person) return;
  Object.assign(person, change);
  grid.setState(id, person);
  people.render(everyone);
  if (id === signaling?.id) setToggle(button('hand'), FACES.hand, person.hand);
}

/** @param {SignalingClient} client */
function setupCallControls(client) {
  setToggle(button('hand'), FACES.hand, false);
  button('hand').addEventListener('click', () => client.raiseHand(!everyone.get(client.id ?? '')?.hand));
  setupReactionMenu(button('react'), $('reaction-menu'), REACTIONS, (emoji) => client.react(emoji) || toast(TOO_FAST));
  button('settings').addEventListener('click', () => settings.open());
  button('copy-link').addEventListener('click', () => copyMeetingLink());
  button('leave').addEventListener('click', leave);
  panels.onchange = (open) => {
    if (open === 'chat') chat.opened();
  };
  startClock($('clock'));
}

function hangUp() {
  speaker.stop();
  signaling?.leave();
  signaling = null;
  mesh?.closeAll();
  callMode?.close();
  grid.clear();
  media.stopAll();
}

const leave = () => { hangUp(); location.assign('/'); };

/** Removed, or the meeting ended: everything stops, and the page says why. */
function showEnded(/** @type {string} */ title, /** @type {string} */ detail) {
  hangUp();
  $('toasts').replaceChildren(); // notices about the call would only confuse its end
  $('call').hidden = true;
  $('ended-title').textContent = title;
  $('ended-detail').textContent = detail;
  $('ended').hidden = false;
  document.title = `${title} — Parley`;
}

// Closing the tab says goodbye at once, so others drop the tile without waiting for a timeout.
window.addEventListener('pagehide', () => signaling?.leave());
