// A video room in the style of the "Zoom clone" tutorials, on the official PeerJS client with
// Parley as the PeerJS server. Instead of a socket.io server announcing who joined, the room list
// comes from Parley's peer discovery: every id here starts with the room name.
//
// Open index.html?room=NAME&server=http://localhost:8080 (both optional).

const params = new URLSearchParams(location.search);
const ROOM = (params.get('room') || 'lobby').replace(/[^A-Za-z0-9]/g, '') || 'lobby';
const SERVER = new URL(params.get('server') || 'http://localhost:8080');
const SERVER_PORT = Number(SERVER.port) || (SERVER.protocol === 'https:' ? 443 : 80);
const POLL_MS = 2000;

const videoGrid = document.getElementById('video-grid');
const peopleList = document.getElementById('people');
const statusLine = document.getElementById('status');
document.getElementById('room-name').textContent = ROOM;

const calls = {}; // remote id -> MediaConnection
let myStream = null;
/** @type {Peer|null} */
let myPeer = null;

navigator.mediaDevices.getUserMedia({ video: true, audio: true }).then(stream => {
  myStream = stream;
  addTile('me', stream, 'You', true);
  // Registered only now that we can answer: others find us in the room list as soon as we register,
  // and a call that arrived before we listened for calls would be lost (no timers needed this way).
  // The one change a PeerJS app needs to use Parley: host, port and path: '/peerjs'.
  myPeer = new Peer(`${ROOM}-${Math.random().toString(36).slice(2, 10)}`, {
    host: SERVER.hostname,
    port: SERVER_PORT,
    path: '/peerjs',
    secure: SERVER.protocol === 'https:',
  });
  myPeer.on('error', err => { statusLine.textContent = `PeerJS error (${err.type}): ${err.message}`; });
  // Somebody in the room calls us: answer with our camera and show theirs.
  myPeer.on('call', call => {
    call.answer(stream);
    track(call);
  });
  if (myPeer.open) {
    refreshRoom();
  } else {
    myPeer.on('open', refreshRoom);
  }
  setInterval(refreshRoom, POLL_MS);
}).catch(err => { statusLine.textContent = `No camera or microphone: ${err.message}`; });

/** Lists the room from the server, calls newcomers and forgets those who left. */
async function refreshRoom() {
  if (!myPeer?.open) return;
  let ids;
  try {
    const response = await fetch(`${SERVER.origin}/peerjs/peerjs/peers`);
    if (response.status === 401) {
      statusLine.textContent = 'Peer discovery is off: start Parley with --peerjs-discovery';
      return;
    }
    ids = await response.json();
  } catch (err) {
    statusLine.textContent = `Cannot reach ${SERVER.origin}: ${err.message}`;
    return;
  }
  const roomIds = ids.filter(id => id.startsWith(`${ROOM}-`));
  statusLine.textContent = `You are ${myPeer.id}`;
  showPeople(roomIds);
  for (const id of roomIds) {
    // Exactly one side of each pair calls, or both would and end up with two calls.
    if (id !== myPeer.id && !calls[id] && myPeer.id < id) {
      track(myPeer.call(id, myStream));
    }
  }
  for (const id of Object.keys(calls)) {
    if (!roomIds.includes(id)) calls[id].close();
  }
}

function track(call) {
  calls[call.peer] = call;
  call.on('stream', stream => addTile(call.peer, stream, call.peer, false));
  const forget = () => {
    if (calls[call.peer] === call) delete calls[call.peer];
    document.getElementById(`tile-${call.peer}`)?.remove();
  };
  call.on('close', forget);
  call.on('error', forget);
}

function addTile(id, stream, label, muted) {
  let tile = document.getElementById(`tile-${id}`);
  if (!tile) {
    tile = document.createElement('div');
    tile.className = 'tile';
    tile.id = `tile-${id}`;
    const video = document.createElement('video');
    video.autoplay = true;
    video.playsInline = true;
    video.muted = muted; // never play our own microphone back
    const name = document.createElement('span');
    name.textContent = label;
    tile.append(video, name);
    videoGrid.append(tile);
  }
  tile.querySelector('video').srcObject = stream;
}

function showPeople(ids) {
  peopleList.replaceChildren(...ids.map(id => {
    const item = document.createElement('li');
    item.textContent = id === myPeer?.id ? `${id} (you)` : id;
    return item;
  }));
}
