package dev.parley.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A generator process holding idle connections that only heartbeat, driven by its parent (the suite)
 * over stdin/stdout, because one process cannot hold more sockets than its open-file limit.
 *
 * <p>Modes: {@code peerjs} (connect, wait for OPEN, send HEARTBEAT every interval, as PeerJS does
 * every 5 s) and {@code ws} (Parley's room protocol: join a room of {@code roomSize}, then ping every
 * interval, as pages do every 2 s).
 *
 * <p>Commands, one per line: {@code open N RATE} (open N more at RATE per second), {@code status}
 * (answers {@code status open=.. pending=.. failed=.. dropped=.. beats=..}), {@code problems},
 * {@code quit}.
 *
 * <p>Usage: {@code IdleGen MODE HOST PORT PREFIX INTERVAL_MS ROOM_SIZE}
 */
public final class IdleGen {
    private static final byte[] HEARTBEAT = Frames.ascii("{\"type\":\"HEARTBEAT\"}");
    private static final byte[] PING = Frames.ascii("{\"type\":\"ping\"}");
    private static final byte[] OPEN = Frames.ascii("\"OPEN\"");
    private static final byte[] JOINED = Frames.ascii("\"type\":\"joined\"");
    private static final byte[] ERROR = Frames.ascii("\"type\":\"error\"");
    private static final byte[] PEER_ERROR = Frames.ascii("\"type\":\"ERROR\"");

    static final class IdleConn extends Conn {
        final int index;
        boolean ready;
        long nextBeat;

        IdleConn(Loop loop, String target, int index) {
            super(loop, target, 512);
            this.index = index;
        }
    }

    private final boolean ws;
    private final String prefix;
    private final long intervalNanos;
    private final int roomSize;
    private final List<IdleConn> conns = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private Loop loop;
    private int created;
    private int requested;
    private double rate;
    private long rampStart;
    private int rampFrom;
    private int pending;
    private int open;
    private int failed;
    private int dropped;
    private long beats;

    private IdleGen(boolean ws, String prefix, long intervalMillis, int roomSize) {
        this.ws = ws;
        this.prefix = prefix;
        this.intervalNanos = intervalMillis * 1_000_000L;
        this.roomSize = roomSize;
    }

    public static void main(String[] args) throws Exception {
        boolean ws = args[0].equals("ws");
        IdleGen gen = new IdleGen(ws, args[3], Long.parseLong(args[4]), Integer.parseInt(args[5]));
        gen.loop = new Loop("idle", new InetSocketAddress(args[1], Integer.parseInt(args[2])), gen.handler());
        gen.loop.tickMillis = 20;
        gen.loop.handshakeTimeoutNanos = 10_000_000_000L;
        gen.loop.start();
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("ready");
        System.out.flush();
        String line;
        while ((line = stdin.readLine()) != null) {
            String[] cmd = line.trim().split("\\s+");
            switch (cmd[0]) {
                case "open" -> {
                    int n = Integer.parseInt(cmd[1]);
                    double r = Double.parseDouble(cmd[2]);
                    gen.loop.execute(() -> {
                        gen.rampFrom = gen.created;
                        gen.requested = gen.created + n;
                        gen.rate = r;
                        gen.rampStart = System.nanoTime();
                    });
                    System.out.println("ok");
                }
                case "status" -> {
                    String[] answer = new String[1];
                    java.util.concurrent.CountDownLatch latch = new java.util.concurrent.CountDownLatch(1);
                    gen.loop.execute(() -> {
                        answer[0] = "status open=" + gen.open + " pending=" + gen.pending + " failed=" + gen.failed
                                + " dropped=" + gen.dropped + " beats=" + gen.beats + " requested=" + gen.requested;
                        latch.countDown();
                    });
                    latch.await();
                    System.out.println(answer[0]);
                }
                case "problems" -> {
                    synchronized (gen.problems) {
                        System.out.println("problems " + gen.problems);
                    }
                }
                case "quit" -> {
                    gen.loop.closeAllAndStop();
                    gen.loop.join(10_000);
                    System.out.println("bye");
                    System.out.flush();
                    return;
                }
                default -> System.out.println("unknown " + line);
            }
            System.out.flush();
        }
        gen.loop.closeAllAndStop();
    }

    private void problem(String what) {
        synchronized (problems) {
            if (problems.size() < 8) {
                problems.add(what);
            }
        }
    }

    private Loop.Handler handler() {
        return new Loop.Handler() {
            @Override
            public void onOpen(Conn c) {
                IdleConn ic = (IdleConn) c;
                if (ws) {
                    int room = ic.index / roomSize;
                    String roomId = UUID.nameUUIDFromBytes((prefix + "/" + room).getBytes(StandardCharsets.UTF_8)).toString();
                    c.sendText(Frames.ascii("{\"type\":\"join\",\"version\":1,\"room\":\"" + roomId + "\",\"name\":\"idle "
                            + prefix + ic.index + "\",\"audio\":false,\"video\":false}"));
                }
            }

            @Override
            public void onMessage(Conn c, byte[] a, int off, int len) {
                IdleConn ic = (IdleConn) c;
                if (ic.ready) {
                    if (Frames.indexOf(a, off, off + Math.min(len, 40), ERROR) >= 0
                            || Frames.indexOf(a, off, off + Math.min(len, 40), PEER_ERROR) >= 0) {
                        problem(new String(a, off, Math.min(len, 200), StandardCharsets.UTF_8));
                    }
                    return;
                }
                byte[] want = ws ? JOINED : OPEN;
                if (Frames.indexOf(a, off, off + Math.min(len, 64), want) >= 0) {
                    ic.ready = true;
                    pending--;
                    open++;
                    // spread the beats over the interval
                    ic.nextBeat = System.nanoTime() + intervalNanos - (ic.index * 7919L % Math.max(1, intervalNanos / 1_000_000)) * 1_000_000L / 2;
                } else if (!ws) {
                    problem(new String(a, off, Math.min(len, 200), StandardCharsets.UTF_8));
                    c.close();
                }
                // ws: chat-history and participant-joined may precede nothing; only joined matters
            }

            @Override
            public void onClosed(Conn c, String why) {
                IdleConn ic = (IdleConn) c;
                if (ic.ready) {
                    open--;
                    if (!"closed by us".equals(why)) {
                        dropped++;
                        problem("dropped #" + ic.index + ": " + why);
                    }
                } else {
                    pending--;
                    failed++;
                    problem("failed #" + ic.index + ": " + why);
                }
            }

            @Override
            public void onTick(long now) {
                // open more, at the requested rate, with at most 400 handshakes in flight
                if (created < requested) {
                    long due = rampFrom + (long) ((now - rampStart) / 1e9 * rate) + 1;
                    while (created < requested && created < due && pending < 400) {
                        String id = prefix + "-" + created;
                        String target = ws ? "/ws" : "/peerjs/peerjs?key=peerjs&id=" + id + "&token=t&version=1.5.5";
                        IdleConn c = new IdleConn(loop, target, created);
                        conns.add(c);
                        created++;
                        pending++;
                        loop.connect(c);
                    }
                }
                byte[] beat = ws ? PING : HEARTBEAT;
                for (int i = 0; i < conns.size(); i++) {
                    IdleConn c = conns.get(i);
                    if (c.ready && !c.closed && now - c.nextBeat >= 0) {
                        c.nextBeat = now + intervalNanos;
                        c.sendText(beat);
                        beats++;
                    }
                }
            }
        };
    }
}
