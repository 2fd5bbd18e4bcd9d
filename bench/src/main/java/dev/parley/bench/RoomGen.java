package dev.parley.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Parley's own room protocol at /ws: N participants in rooms of k join at a steady rate (join to
 * joined latency), then each sends chat at a rate under the chat allowance while every delivery
 * (sender included, as the server echoes chat) is timed from the send.
 */
final class RoomGen {
    record Result(int k, int participants, double joinRate, long joinP50, long joinP99, long joinMax, int joined,
                  double chatSeconds, long chatsSent, long deliveries, double deliveriesPerSecond, long chatP50,
                  long chatP99, long chatP999, long errors, long serverCpuNanos, String problem) {}

    private static final byte[] JOINED = Frames.ascii("{\"type\":\"joined\"");
    private static final byte[] CHAT = Frames.ascii("\"text\":\"t=");
    private static final byte[] ERROR = Frames.ascii("{\"type\":\"error\"");
    private static final byte[] PING = Frames.ascii("{\"type\":\"ping\"}");

    static final class Member extends Conn {
        final int index;
        final String roomId;
        boolean upgradedOk;
        long joinSentAt;
        boolean joined;
        long nextPing;
        long nextChat;

        Member(Loop loop, int index, String roomId) {
            super(loop, "/ws", 4096);
            this.index = index;
            this.roomId = roomId;
        }
    }

    private final class Side implements Loop.Handler {
        final Histogram join = new Histogram();
        final Histogram chat = new Histogram();
        final List<Member> members = new ArrayList<>();
        int upgraded;
        int joined;
        long deliveries;
        long sent;
        long errors;
        boolean chatting;
        boolean measuring;
        int failed;

        @Override
        public void onOpen(Conn c) {
            ((Member) c).upgradedOk = true;
            upgraded++;
        }

        @Override
        public void onMessage(Conn c, byte[] a, int off, int len) {
            Member m = (Member) c;
            long now = System.nanoTime();
            if (!m.joined && Frames.indexOf(a, off, off + Math.min(len, 20), JOINED) >= 0) {
                m.joined = true;
                joined++;
                join.record(now - m.joinSentAt);
                return;
            }
            int at = Frames.indexOf(a, off, off + len, CHAT);
            if (at >= 0) {
                long sentAt = Frames.parseHex(a, at + CHAT.length);
                if (measuring && sentAt >= 0) {
                    deliveries++;
                    chat.record(now - base - sentAt);
                }
                return;
            }
            if (Frames.indexOf(a, off, off + Math.min(len, 20), ERROR) >= 0) {
                errors++;
                problem(new String(a, off, Math.min(len, 160), StandardCharsets.UTF_8));
            }
        }

        @Override
        public void onClosed(Conn c, String why) {
            if (!stopping) {
                failed++;
                problem(why);
            }
        }

        @Override
        public void onTick(long now) {
            for (Member m : members) {
                if (m.closed || !m.upgradedOk) {
                    continue;
                }
                if (chatting && m.joined && now - m.nextChat >= 0) {
                    m.nextChat += chatIntervalNanos;
                    String text = "{\"type\":\"chat\",\"text\":\"t=" + hex(now - base) + " hello from the bench\"}";
                    m.sendText(text.getBytes(StandardCharsets.US_ASCII));
                    m.nextPing = now + 2_000_000_000L;
                    if (measuring) {
                        sent++;
                    }
                } else if (now - m.nextPing >= 0) {
                    m.nextPing = now + 2_000_000_000L;
                    m.sendText(PING);
                }
            }
        }
    }

    private final InetSocketAddress server;
    private final int k;
    private final int participants;
    private final double joinRate;
    private final int threads;
    private final long base = System.nanoTime();
    private final long chatIntervalNanos;
    private final List<String> problems = new ArrayList<>();
    private volatile boolean stopping;

    RoomGen(InetSocketAddress server, int k, int participants, double joinRate, double chatPerSecond, int threads) {
        this.server = server;
        this.k = k;
        this.participants = participants - participants % k;
        this.joinRate = joinRate;
        this.threads = threads;
        this.chatIntervalNanos = (long) (1e9 / chatPerSecond);
    }

    private void problem(String what) {
        synchronized (problems) {
            if (problems.size() < 5) {
                problems.add(what);
            }
        }
    }

    static String hex(long v) {
        char[] c = new char[16];
        for (int i = 15; i >= 0; i--) {
            c[i] = Frames.HEX[(int) (v & 15)];
            v >>>= 4;
        }
        return new String(c);
    }

    Result run(long chatMillis, RelayGen.Probe probe) throws IOException, InterruptedException {
        List<Loop> loops = new ArrayList<>();
        List<Side> sides = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Side side = new Side();
            Loop loop = new Loop("room-" + t, server, side);
            loop.tickMillis = 10;
            loops.add(loop);
            sides.add(side);
            loop.start();
        }
        String run = Long.toString(System.nanoTime(), 36);
        Member[] members = new Member[participants];
        for (int i = 0; i < participants; i++) {
            String room = UUID.nameUUIDFromBytes((run + "/" + k + "/" + (i / k)).getBytes(StandardCharsets.UTF_8)).toString();
            int t = (i / k) % threads; // a room's members share a loop
            members[i] = new Member(loops.get(t), i, room);
        }
        // connect everyone first (not timed), a few hundred at a time
        for (int i = 0; i < participants; i += 200) {
            int from = i;
            int to = Math.min(participants, i + 200);
            for (int j = from; j < to; j++) {
                Member m = members[j];
                m.loop.execute(() -> {
                    sides.get(loops.indexOf(m.loop)).members.add(m);
                    m.nextPing = System.nanoTime() + 2_000_000_000L;
                    m.loop.connect(m);
                });
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (count(loops, sides, s -> s.upgraded + s.failed) < to && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
        int up = count(loops, sides, s -> s.upgraded);
        if (up < participants) {
            stopping = true;
            loops.forEach(Loop::closeAllAndStop);
            return failure("only " + up + " of " + participants + " sockets opened: " + problems);
        }
        // joins at the given rate, in member order, so rooms fill one after another
        long start = System.nanoTime();
        for (int i = 0; i < participants; i++) {
            long due = start + (long) (i / joinRate * 1e9);
            long wait = due - System.nanoTime();
            if (wait > 1_000_000) {
                Thread.sleep(wait / 1_000_000);
            }
            Member m = members[i];
            m.loop.execute(() -> {
                m.joinSentAt = System.nanoTime();
                m.sendText(("{\"type\":\"join\",\"version\":1,\"room\":\"" + m.roomId + "\",\"name\":\"bench " + m.index
                        + "\",\"audio\":false,\"video\":false}").getBytes(StandardCharsets.US_ASCII));
            });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (count(loops, sides, s -> s.joined) < participants && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        // chat: each member every interval, phases spread over it; one interval of warm-up, then measured
        onLoops(loops, sides, s -> {
            long now = System.nanoTime();
            for (Member m : s.members) {
                m.nextChat = now + (m.index * 7919L % 1000) * chatIntervalNanos / 1000;
            }
            s.chatting = true;
        });
        Thread.sleep(chatIntervalNanos / 1_000_000 + 200);
        onLoops(loops, sides, s -> s.measuring = true);
        long cpu0 = probe.cpuNanos();
        long w0 = System.nanoTime();
        Thread.sleep(chatMillis);
        onLoops(loops, sides, s -> {
            s.measuring = false;
            s.chatting = false;
        });
        long w1 = System.nanoTime();
        long cpu1 = probe.cpuNanos();
        Thread.sleep(100);
        Histogram join = new Histogram();
        Histogram chat = new Histogram();
        long[] sums = new long[5];
        onLoops(loops, sides, s -> {
            synchronized (sums) {
                join.add(s.join);
                chat.add(s.chat);
                sums[0] += s.joined;
                sums[1] += s.sent;
                sums[2] += s.deliveries;
                sums[3] += s.errors;
                sums[4] += s.failed;
            }
        });
        stopping = true;
        loops.forEach(Loop::closeAllAndStop);
        for (Loop l : loops) {
            l.join(5000);
        }
        double seconds = (w1 - w0) / 1e9;
        long errors = sums[3] + sums[4];
        return new Result(k, participants, joinRate, join.quantile(0.5), join.quantile(0.99), join.max(), (int) sums[0],
                seconds, sums[1], sums[2], sums[2] / seconds, chat.quantile(0.5), chat.quantile(0.99), chat.quantile(0.999),
                errors, cpu1 - cpu0, errors > 0 ? problems.toString() : null);
    }

    private Result failure(String why) {
        stopping = true;
        return new Result(k, participants, joinRate, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, why);
    }

    private interface Count {
        int of(Side s);
    }

    private static int count(List<Loop> loops, List<Side> sides, Count what) throws InterruptedException {
        int[] total = {0};
        onLoops(loops, sides, s -> {
            synchronized (total) {
                total[0] += what.of(s);
            }
        });
        return total[0];
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
        latch.await(10, TimeUnit.SECONDS);
    }
}
