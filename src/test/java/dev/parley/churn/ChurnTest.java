package dev.parley.churn;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.Parley;
import dev.parley.fuzz.RawWebSocket;
import dev.parley.fuzz.RawWebSocket.Event;
import dev.parley.fuzz.RawWebSocket.Text;
import dev.parley.support.TestServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * 10,000 join/leave cycles over real WebSockets: 20 clients share a handful of rooms, each joining,
 * sometimes chatting or signalling, and leaving, on a socket it replaces every one to three cycles (now
 * and then by dropping the connection, so the heartbeat timeout has ghosts to clear). Afterwards the
 * registries are empty, and threads and heap are back where they were after a warm-up: within 32 MiB,
 * and within 1 MiB plus 128 bytes per socket opened, which some 5,000 sockets turn into a check for
 * anything kept per connection (the HTTP session Jetty used to keep for every upgrade was about 700 bytes).
 * The heartbeat timeout is short (4 s) so that dropped sockets' participants are gone soon after.
 */
class ChurnTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CLIENTS = 20;
    private static final int CYCLES = 10_000;
    private static final int WARM_UP_CYCLES = 400;
    private static final int ROOMS = 6;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long HEAP_MARGIN = 32L << 20;
    private static final long HEAP_ALLOWANCE = 1L << 20;
    private static final long BYTES_PER_SOCKET = 128;
    private static final long SEED = Long.getLong("churn.seed", 10_000L);

    @Test
    void tenThousandJoinLeaveCyclesLeaveNothingBehind() {
        TestServer.with(parley -> {
            try {
                churn(parley);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, "--max-connections-per-ip", "200", "--heartbeat-interval", "1000", "--heartbeat-timeout", "4000");
    }

    private void churn(Parley parley) throws Exception {
        URI ws = TestServer.ws(parley, "/ws");
        List<String> rooms = new ArrayList<>();
        for (int i = 0; i < ROOMS; i++) {
            rooms.add(UUID.randomUUID().toString());
        }
        Stats warm = run(ws, rooms, WARM_UP_CYCLES, SEED - 1);
        awaitEmpty(parley);
        long threadsBefore = settledThreads();
        long heapBefore = settledHeap();

        long start = System.nanoTime();
        Stats stats = run(ws, rooms, CYCLES, SEED);
        double seconds = (System.nanoTime() - start) / 1e9;

        awaitEmpty(parley);
        assertThat(parley.rooms().roomCount()).as("rooms after churn").isZero();
        assertThat(parley.rooms().participantCount()).as("participants after churn").isZero();
        assertThat(openSockets(parley)).as("open /ws sockets after churn (metrics)").isZero();
        long threadsAfter = settledThreads();
        long heapAfter = settledHeap();

        System.out.printf("churn: %d cycles in %.1f s (%.0f/s) by %d clients on %d sockets (%d dropped without a close), "
                        + "%d chats, %d signals, %d refused signals; warm-up %d cycles%n",
                stats.cycles.sum(), seconds, stats.cycles.sum() / seconds, CLIENTS, stats.sockets.sum(), stats.aborted.sum(),
                stats.chats.sum(), stats.signals.sum(), stats.unknownPeer.sum(), warm.cycles.sum());
        System.out.printf("churn: threads %d before, %d after; heap used %.1f MiB before, %.1f MiB after (%+.1f MiB)%n",
                threadsBefore, threadsAfter, heapBefore / 1048576.0, heapAfter / 1048576.0, (heapAfter - heapBefore) / 1048576.0);

        assertThat(stats.cycles.sum()).isEqualTo(CYCLES);
        assertThat(stats.problems).as("problems during churn").isEmpty();
        assertThat(threadsAfter).as("threads after churn (before: %d)", threadsBefore).isLessThanOrEqualTo(threadsBefore + 8);
        assertThat(heapAfter).as("heap after churn (before: %d MiB)", heapBefore >> 20).isLessThan(heapBefore + HEAP_MARGIN);
        long sockets = stats.sockets.sum();
        assertThat(heapAfter - heapBefore).as("heap kept after %d sockets: at most 1 MiB + %d bytes a socket", sockets, BYTES_PER_SOCKET)
                .isLessThan(HEAP_ALLOWANCE + BYTES_PER_SOCKET * sockets);
    }

    private static final class Stats {
        final LongAdder cycles = new LongAdder();
        final LongAdder sockets = new LongAdder();
        final LongAdder aborted = new LongAdder();
        final LongAdder chats = new LongAdder();
        final LongAdder signals = new LongAdder();
        final LongAdder unknownPeer = new LongAdder();
        final List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
    }

    /** Runs {@code cycles} join/leave cycles over {@link #CLIENTS} clients in parallel. */
    private Stats run(URI ws, List<String> rooms, int cycles, long seed) throws Exception {
        Stats stats = new Stats();
        AtomicInteger remaining = new AtomicInteger(cycles);
        try (ExecutorService pool = Executors.newFixedThreadPool(CLIENTS)) {
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                Random random = new Random(seed * 31 + c);
                clients.add(pool.submit(() -> {
                    new Client(ws, rooms, random, stats).run(remaining);
                    return null;
                }));
            }
            for (Future<?> f : clients) {
                f.get();
            }
        }
        return stats;
    }

    /** One user coming and going, on a socket it replaces every few dozen cycles. */
    private static final class Client {
        private final URI ws;
        private final List<String> rooms;
        private final Random random;
        private final Stats stats;
        private RawWebSocket socket;
        private int cyclesLeftOnSocket;

        Client(URI ws, List<String> rooms, Random random, Stats stats) {
            this.ws = ws;
            this.rooms = rooms;
            this.random = random;
            this.stats = stats;
        }

        void run(AtomicInteger remaining) throws IOException {
            try {
                while (remaining.getAndDecrement() > 0) {
                    if (socket == null || cyclesLeftOnSocket-- <= 0) {
                        reconnect(false);
                    }
                    cycle();
                    stats.cycles.increment();
                }
            } finally {
                if (socket != null) {
                    socket.close();
                }
            }
        }

        private void reconnect(boolean abort) throws IOException {
            if (socket != null) {
                if (abort) {
                    socket.abort();
                } else {
                    socket.close();
                }
            }
            socket = RawWebSocket.connect(ws, WAIT);
            stats.sockets.increment();
            // at most 4 messages a cycle: well inside the burst of 200 a socket starts with
            cyclesLeftOnSocket = random.nextInt(3);
        }

        private void cycle() throws IOException {
            String room = rooms.get(random.nextInt(rooms.size()));
            socket.sendText("{\"type\":\"join\",\"version\":1,\"room\":\"" + room + "\",\"name\":\"churn " + random.nextInt(100) + "\"}");
            JsonNode joined = await("joined");
            String me = joined.path("id").asText();
            await("chat-history");
            int extra = random.nextInt(10);
            if (extra == 0) {
                socket.sendText("{\"type\":\"chat\",\"text\":\"churn " + random.nextInt() + "\"}");
                JsonNode chat;
                do {
                    chat = await("chat");
                } while (!chat.path("from").asText().equals(me));
                stats.chats.increment();
            } else if (extra <= 2 && joined.path("participants").size() > 0) {
                JsonNode others = joined.path("participants");
                String to = others.get(random.nextInt(others.size())).path("id").asText();
                socket.sendText("{\"type\":\"signal\",\"to\":\"" + to + "\",\"data\":{\"candidate\":{\"candidate\":\"churn\"}}}");
                socket.sendText("{\"type\":\"ping\"}");
                JsonNode answer = awaitAny("pong", "error");
                if (answer.path("type").asText().equals("error")) {
                    // the peer may have left meanwhile; anything else is a problem
                    if (!answer.path("code").asText().equals("unknown-peer")) {
                        stats.problems.add("signal refused: " + answer);
                    }
                    stats.unknownPeer.increment();
                    await("pong");
                }
                stats.signals.increment();
            }
            if (random.nextInt(60) == 0) {
                // the page vanishes while in the room: the participant stays until the heartbeat timeout
                stats.aborted.increment();
                reconnect(true);
                return;
            }
            socket.sendText(random.nextInt(8) == 0 ? "{\"type\":\"leave\",\"bye\":true}" : "{\"type\":\"leave\"}");
        }

        private JsonNode await(String type) throws IOException {
            return awaitAny(type, null);
        }

        /** The next message of one of the types, skipping what other participants cause; errors are problems. */
        private JsonNode awaitAny(String type, String orType) throws IOException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                Event e = socket.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                if (e == null) {
                    break;
                }
                if (!(e instanceof Text t)) {
                    throw new IOException("socket ended while waiting for " + type + ": " + e);
                }
                JsonNode msg = JSON.readTree(t.text());
                String got = msg.path("type").asText();
                if (got.equals(type) || got.equals(orType)) {
                    return msg;
                }
                switch (got) {
                    case "participant-joined", "participant-left", "chat", "signal", "pong" -> { }
                    default -> stats.problems.add("unexpected while waiting for " + type + ": " + msg);
                }
            }
            throw new IOException("no " + type + " within " + WAIT);
        }
    }

    private static void awaitEmpty(Parley parley) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline
                && (parley.rooms().roomCount() > 0 || parley.rooms().participantCount() > 0 || openSockets(parley) > 0)) {
            Thread.sleep(50);
        }
    }

    private static final Pattern CONNECTIONS = Pattern.compile("^parley_connections\\{endpoint=\"ws\"[^}]*\\}\\s+(\\S+)", Pattern.MULTILINE);

    /** Open /ws sockets as the server counts them, from /metrics. */
    private static long openSockets(Parley parley) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> metrics = http.send(
                    HttpRequest.newBuilder(TestServer.http(parley, "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = CONNECTIONS.matcher(metrics.body());
            return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static long settledThreads() throws InterruptedException {
        Thread.sleep(1000);
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    private static long settledHeap() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(150);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
