// Starts the reference PeerServer (npm peer@1.0.2) on loopback for the benchmarks, the way an app
// embeds it: PeerServer({...}) with path /peerjs, so its WebSocket is at /peerjs/peerjs like Parley's.
// The CLI (npx peerjs) would do the same but prints a line per connection, which costs peer CPU.
// On SIGUSR2 it runs a full GC (node --expose-gc) and prints "mem {"heapUsed":N}" on stdout, so the
// bench can read heap per idle connection; stdout because at the open-file cap no new file can be opened.
import { PeerServer } from 'peer';
import v8 from 'node:v8';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const port = Number(arg('--port', '9000'));
const limit = Number(arg('--limit', '5000'));

PeerServer({
  port,
  host: '127.0.0.1',
  path: '/peerjs',
  key: 'peerjs',
  concurrent_limit: limit,
  alive_timeout: 60000,
}, server => console.log(`peer ${process.env.npm_package_version ?? '1.0.2'} listening on 127.0.0.1:${server.address().port}, concurrent_limit ${limit}`));

process.on('SIGUSR2', () => {
  if (global.gc) global.gc();
  console.log('mem ' + JSON.stringify({ heapUsed: v8.getHeapStatistics().used_heap_size }));
});
// As the peerjs CLI does: report and carry on (at the open-file cap, accept fails with EMFILE).
process.on('uncaughtException', e => console.error('Error: ' + e));
process.on('SIGTERM', () => process.exit(0));
