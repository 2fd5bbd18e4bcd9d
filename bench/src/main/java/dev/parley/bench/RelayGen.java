package dev.parley.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * PeerJS relay load: P peers in P/2 pairs on one server. The caller of each pair sends OFFERs to the
 * callee, which answers each with an ANSWER; each arrival triggers the next message the other way, so a
 * pair always has exactly W messages in flight. Every message carries its send time (System.nanoTime,
 * as 16 hex digits at the start of the payload), so the receiver, in this same process, measures the
 * one-way relay latency. Both servers copy the payload verbatim, so the digits are found where they
 * were written.
 *
 * <p>Lean on purpose, since it shares two cores with the server: a few selector threads, no JSON, no
 * per-message allocation. Each connection keeps its frame ready, masked with a key fixed for that
 * connection, and only the 16 timestamp digits are patched before a send.
 */
final class RelayGen {

    /** Server-side figures read at the edges of the measured window. */
    interface Probe {
        /** CPU time used so far by the server process, in nanoseconds. */
        long cpuNanos();
    }

    record Result(String server, int peers, int window, double seconds, long messages, double perSecond,
                  long p50, long p99, long p999, long max, long errors, long serverCpuNanos,
                  long generatorCpuNanos, long allMessages, long machineBusyNanos, String problem) {

        /** Cores used by everything else on the machine during the window: a noise indicator. */
        double otherCores() {
            return Math.max(0, machineBusyNanos - serverCpuNanos - generatorCpuNanos) / 1e9 / seconds;
        }

        double serverCpuPerMessageMicros() {
            return messages == 0 ? Double.NaN : serverCpuNanos / 1000.0 / messages;
        }

        double generatorCpuPerMessageMicros() {
            return messages == 0 ? Double.NaN : generatorCpuNanos / 1000.0 / messages;
        }

        double serverCores() {
            return serverCpuNanos / 1e9 / seconds;
        }
    }

    static final class PeerConn extends Conn {
        final int index;
        final boolean caller;
        PeerConn partner;
        byte[] frame;
        int stampAt;
        int stampPayloadIndex;
        int mask;
        boolean open;

        PeerConn(Loop loop, String target, int index, boolean caller) {
            super(loop, target, 16 * 1024);
            this.index = index;
            this.caller = caller;
        }
    }

    private static final byte[] STAMP = "{\"t\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OPEN = "\"OPEN\"".getBytes(StandardCharsets.US_ASCII);

    private final String name;
    private final InetSocketAddress server;
    private final int peers;
    private final int window;
    private final int messageBytes;
    private final int threads;
    private final String runId;
    private final long base = System.nanoTime();

    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicLong closedEarly = new AtomicLong();
    private final List<String> firstProblems = new ArrayList<>();
    private volatile boolean sending;
    private volatile boolean stopping;

    RelayGen(String name, InetSocketAddress server, int peers, int window, int messageBytes, int threads, String runId) {
        if (peers % 2 != 0 || peers < 2) {
            throw new IllegalArgumentException("peers must be even and at least 2");
        }
        this.name = name;
        this.server = server;
        this.peers = peers;
        this.window = window;
        this.messageBytes = messageBytes;
        this.threads = threads;
        this.runId = runId;
    }

    /** Per-loop counters; touched only by that loop's thread except in snapshot tasks, which run there too. */
    private final class Side implements Loop.Handler {
        final Histogram histogram = new Histogram();
        boolean measuring;
        long received;
        long receivedAll;
        long errors;

        @Override
        public void onOpen(Conn c) {}

        @Override
        public void onMessage(Conn c, byte[] a, int off, int len) {
            PeerConn p = (PeerConn) c;
            if (!p.open) {
                if (Frames.indexOf(a, off, Math.min(off + len, off + 32), OPEN) >= 0) {
                    p.open = true;
                    opened.incrementAndGet();
                } else {
                    problem(new String(a, off, Math.min(len, 200), StandardCharsets.UTF_8));
                    c.close();
                }
                return;
            }
            int at = Frames.indexOf(a, off, off + len, STAMP);
            long sent = at < 0 ? -1 : Frames.parseHex(a, at + STAMP.length);
            if (sent < 0) {
                errors++;
                if (errors <= 3) {
                    problem(new String(a, off, Math.min(len, 200), StandardCharsets.UTF_8));
                }
                return;
            }
            long now = System.nanoTime() - base;
            receivedAll++;
            if (measuring) {
                received++;
                histogram.record(now - sent);
            }
            if (sending) {
                fire(p, now);
            }
        }

        @Override
        public void onClosed(Conn c, String why) {
            PeerConn p = (PeerConn) c;
            if (!p.open) {
                failed.incrementAndGet();
                problem(why);
            } else if (!stopping) {
                closedEarly.incrementAndGet();
                problem(why);
            }
        }
    }

    private void problem(String what) {
        synchronized (firstProblems) {
            if (firstProblems.size() < 5) {
                firstProblems.add(what);
            }
        }
    }

    private static void fire(PeerConn p, long now) {
        ByteBuffer o = p.reserve(p.frame.length);
        int at = o.position();
        o.put(p.frame);
        Frames.patchHex(o.array(), at + p.stampAt, p.stampPayloadIndex, now, p.mask);
    }

    /** Connects, warms up for {@code warmupMs}, measures for {@code measureMs}, then closes everything. */
    Result run(long warmupMs, long measureMs, Probe probe) throws IOException, InterruptedException {
        List<Loop> loops = new ArrayList<>();
        List<Side> sides = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Side side = new Side();
            Loop loop = new Loop(name + "-gen-" + t, server, side);
            loop.tickMillis = 200;
            sides.add(side);
            loops.add(loop);
            loop.start();
        }
        PeerConn[] conns = new PeerConn[peers];
        for (int i = 0; i < peers; i++) {
            boolean caller = i % 2 == 0;
            String id = runId + "-" + (i / 2) + (caller ? "a" : "b");
            String target = "/peerjs/peerjs?key=peerjs&id=" + id + "&token=t" + i + "&version=1.5.5";
            conns[i] = new PeerConn(loops.get(i % threads), target, i, caller);
        }
        for (int i = 0; i < peers; i += 2) {
            PeerConn a = conns[i];
            PeerConn b = conns[i + 1];
            a.partner = b;
            b.partner = a;
            prepare(a, idOf(b), "OFFER", i);
            prepare(b, idOf(a), "ANSWER", i + 1);
        }
        long t0 = System.nanoTime();
        String problem = connectAll(conns);
        double connectSeconds = (System.nanoTime() - t0) / 1e9;
        if (problem != null) {
            stopping = true;
            loops.forEach(Loop::closeAllAndStop);
            for (Loop l : loops) {
                l.join(5000);
            }
            return new Result(name, peers, window, 0, 0, 0, 0, 0, 0, 0, failed.get(), 0, 0, 0, 0,
                    problem + " after " + String.format("%.1f s", connectSeconds));
        }
        sending = true;
        for (Loop loop : loops) {
            loop.execute(() -> {
                long now = System.nanoTime() - base;
                for (PeerConn c : conns) {
                    if (c.caller && c.loop == loop) {
                        for (int w = 0; w < window; w++) {
                            fire(c, now);
                        }
                    }
                }
            });
        }
        Thread.sleep(warmupMs);
        onLoops(loops, sides, s -> {
            s.measuring = true;
            s.received = 0;
            s.histogram.reset();
        });
        long cpu0 = probe.cpuNanos();
        long gen0 = processCpu();
        long m0 = Machine.busyNanos();
        long w0 = System.nanoTime();
        Thread.sleep(measureMs);
        onLoops(loops, sides, s -> s.measuring = false);
        long w1 = System.nanoTime();
        long cpu1 = probe.cpuNanos();
        long gen1 = processCpu();
        long m1 = Machine.busyNanos();
        sending = false;
        Thread.sleep(150); // let messages in flight land
        long[] sums = new long[3];
        Histogram all = new Histogram();
        onLoops(loops, sides, s -> {
            synchronized (sums) {
                sums[0] += s.received;
                sums[1] += s.receivedAll;
                sums[2] += s.errors;
                all.add(s.histogram);
            }
        });
        stopping = true;
        loops.forEach(Loop::closeAllAndStop);
        for (Loop l : loops) {
            l.join(5000);
        }
        double seconds = (w1 - w0) / 1e9;
        long errors = sums[2] + closedEarly.get();
        String note = errors > 0 ? firstProblems.toString() : null;
        return new Result(name, peers, window, seconds, sums[0], sums[0] / seconds, all.quantile(0.5),
                all.quantile(0.99), all.quantile(0.999), all.max(), errors, cpu1 - cpu0, gen1 - gen0, sums[1], m1 - m0, note);
    }

    private String connectAll(PeerConn[] conns) throws InterruptedException {
        int maxPending = 256;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int next = 0;
        while (true) {
            int done = opened.get() + failed.get();
            if (failed.get() > 0) {
                return failed.get() + " of " + peers + " peers failed to open: " + firstProblems;
            }
            if (done == peers) {
                return null;
            }
            if (System.nanoTime() > deadline) {
                return "only " + opened.get() + " of " + peers + " peers opened within 60 s";
            }
            int batchEnd = Math.min(peers, done + maxPending);
            if (next < batchEnd) {
                int from = next;
                int to = batchEnd;
                next = batchEnd;
                for (int i = from; i < to; i++) {
                    PeerConn c = conns[i];
                    c.loop.execute(() -> c.loop.connect(c));
                }
            }
            Thread.sleep(2);
        }
    }

    private void prepare(PeerConn c, String dst, String type, int seed) {
        String text = "{\"type\":\"" + type + "\",\"dst\":\"" + dst + "\",\"payload\":{\"t\":\"0000000000000000\","
                + "\"type\":\"" + type.toLowerCase() + "\",\"sdp\":\"" + Sdp.of(seed, messageBytes - 120 - dst.length()) + "\"}}";
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        int stamp = Frames.indexOf(data, 0, data.length, STAMP) + STAMP.length;
        c.mask = 0x9e3779b9 * (seed + 1) | 0x01010101;
        c.frame = Frames.masked(Frames.OP_TEXT, data, c.mask);
        c.stampPayloadIndex = stamp;
        c.stampAt = Frames.headerLength(data.length, true) + stamp;
    }

    private static String idOf(PeerConn c) {
        String t = c.target;
        int from = t.indexOf("id=") + 3;
        return t.substring(from, t.indexOf('&', from));
    }

    private static void onLoops(List<Loop> loops, List<Side> sides, java.util.function.Consumer<Side> action)
            throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(loops.size());
        for (int i = 0; i < loops.size(); i++) {
            Side side = sides.get(i);
            loops.get(i).execute(() -> {
                action.accept(side);
                latch.countDown();
            });
        }
        if (!latch.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("generator threads did not answer within 10 s");
        }
    }

    static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
