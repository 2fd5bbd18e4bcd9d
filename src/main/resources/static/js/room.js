// The meeting page: pre-join screen, then the call. Wires signaling, the peer mesh and the tiles.
import { SignalingClient, signalingUrl } from './protocol.js';
import { PeerMesh } from './mesh.js';
import { acquireLocalMedia, stopStream } from './media.js';
import { randomName } from './names.js';
import { rememberMeeting } from './recent.js';
import { TileGrid } from './ui/tiles.js';
import { toast } from './ui/toasts.js';

const NAME_KEY = 'parley.name';
const roomId = location.pathname.split('/').pop()?.toLowerCase() ?? '';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const preview = /** @type {HTMLVideoElement} */ ($('preview'));
const nameInput = /** @type {HTMLInputElement} */ ($('display-name'));
const joinButton = /** @type {HTMLButtonElement} */ ($('join-now'));

/** @type {MediaStream|null} */
let localStream = null;
/** @type {SignalingClient|null} */
let signaling = null;
/** @type {PeerMesh|null} */
let mesh = null;
const grid = new TileGrid($('grid'));
/** @type {Map<string, string>} participant id → name */
const names = new Map();

nameInput.placeholder = randomName();
nameInput.value = localStorage.getItem(NAME_KEY) ?? '';
$('meeting-code').textContent = roomId;
const mediaReady = acquireLocalMedia().then(({ stream, notice }) => {
  localStream = stream;
  const hasVideo = !!stream?.getVideoTracks().length;
  preview.srcObject = hasVideo ? stream : null;
  $('preview-off').hidden = hasVideo;
  if (!hasVideo) {
    $('preview-off').textContent = stream ? 'No camera' : 'No camera or microphone';
  }
  if (notice) {
    $('media-notice').textContent = notice;
    $('media-notice').hidden = false;
  }
});

$('prejoin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  joinButton.disabled = true;
  const name = nameInput.value.trim() || nameInput.placeholder;
  localStorage.setItem(NAME_KEY, nameInput.value.trim());
  await mediaReady;
  try {
    await enterCall(name);
  } catch (error) {
    $('join-error').textContent = `Could not join: ${error instanceof Error ? error.message : error}`;
    joinButton.disabled = false;
  }
});

/** @param {string} name */
async function enterCall(name) {
  const client = new SignalingClient(signalingUrl(location));
  signaling = client;
  mesh = new PeerMesh({
    sendSignal: (to, data) => client.signal(to, data),
    onRemoteStream: (id, stream) => grid.setRemoteStream(id, stream),
    onStateChange: (id, state) => grid.setConnectionState(id, state),
  });
  mesh.setLocalStream(localStream);

  client.onjoined = (joined) => {
    const m = /** @type {PeerMesh} */ (mesh);
    m.selfId = joined.id;
    rememberMeeting(roomId);
    $('prejoin').hidden = true;
    $('call').hidden = false;
    document.title = 'Meeting — Parley';
    grid.addLocal(joined.id, name, localStream);
    for (const p of joined.participants) {
      names.set(p.id, p.name);
      grid.addRemote(p.id, p.name);
      m.connectTo(p.id);
    }
  };
  client.onparticipantjoined = (p) => {
    names.set(p.id, p.name);
    grid.addRemote(p.id, p.name);
    toast(`${p.name} joined`);
  };
  client.onparticipantleft = (id) => {
    mesh?.remove(id);
    grid.remove(id);
    const who = names.get(id);
    names.delete(id);
    if (who) {
      toast(`${who} left`);
    }
  };
  client.onsignal = (from, data) => mesh?.handleSignal(from, data);
  client.onerror = (error) => {
    if (client.id) {
      toast(error.message);
      return;
    }
    // Refused before admission (room full, bad name…): stay on the pre-join screen and say why.
    client.close();
    $('join-error').textContent = `Could not join: ${error.message}`;
    joinButton.disabled = false;
  };
  client.onclose = () => {
    if (client === signaling) {
      toast('Lost the connection to the server.');
    }
  };
  await client.join(roomId, name);
}

function leave() {
  signaling?.leave();
  signaling = null;
  mesh?.closeAll();
  grid.clear();
  stopStream(localStream);
  location.assign('/');
}

$('leave').addEventListener('click', leave);
// Closing the tab says goodbye at once, so others drop the tile without waiting for a timeout.
window.addEventListener('pagehide', () => signaling?.leave());

function tick() {
  $('clock').textContent = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' }).format(new Date());
}
tick();
setInterval(tick, 10_000);
