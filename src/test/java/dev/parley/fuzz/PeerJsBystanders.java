package dev.parley.fuzz;

import dev.parley.fuzz.RawWebSocket.Event;
import dev.parley.fuzz.RawWebSocket.Text;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two PeerJS peers negotiating as PeerJS clients do, X offering and Y answering, with heartbeats, while
 * the fuzzers run. Each must get exactly the other's messages, in order, with the payload untouched and
 * {@code src} right, and nothing else.
 */
public final class PeerJsBystanders implements AutoCloseable {
    private static final long EVERY_MS = 40;

    private final Peer x;
    private final Peer y;
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final Thread driver;
    private volatile boolean running = true;

    public PeerJsBystanders(String base) throws IOException {
        x = new Peer("X", "OFFER", UUID.randomUUID().toString(), base);
        y = new Peer("Y", "ANSWER", UUID.randomUUID().toString(), base);
        x.peer = y;
        y.peer = x;
        x.reader = Thread.ofVirtual().name("peerjs-bystander-X").start(x::read);
        y.reader = Thread.ofVirtual().name("peerjs-bystander-Y").start(y::read);
        driver = Thread.ofPlatform().daemon().name("peerjs-bystanders").start(this::drive);
    }

    public List<String> ids() {
        return List.of(x.id, y.id);
    }

    static String payload(String from, int seq) {
        return Json.write(Json.Obj.of("sdp", Json.Obj.of("type", "offer", "sdp", "v=0\r\no=- " + seq + " 2 IN IP4 127.0.0.1\r\n"),
                "type", "media", "connectionId", "mc_" + from + seq, "label", "🎉\u202e" + seq, "n", new Json.Raw("1e999999",
                        Json.RawKind.FLOAT)));
    }

    private void drive() {
        long nextBeat = 0;
        while (running) {
            try {
                x.send();
                y.send();
                long now = System.currentTimeMillis();
                if (now >= nextBeat) {
                    x.ws.sendText("{\"type\":\"HEARTBEAT\"}");
                    y.ws.sendText("{\"type\":\"HEARTBEAT\"}");
                    nextBeat = now + 1000;
                }
                Thread.sleep(EVERY_MS);
            } catch (IOException e) {
                violations.add("PeerJS bystanders could not send: " + e);
                return;
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    public boolean caughtUp(Duration timeout) {
        int xSent = x.sent.get();
        int ySent = y.sent.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (y.received.get() >= xSent && x.received.get() >= ySent) {
                return true;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    public boolean stopAndSettle(Duration timeout) throws InterruptedException {
        running = false;
        driver.join(timeout.toMillis());
        return caughtUp(timeout);
    }

    public List<String> violations() {
        List<String> all = new ArrayList<>(violations);
        for (Peer p : List.of(x, y)) {
            if (!p.ws.isOpen()) {
                all.add("PeerJS bystander " + p.name + "'s connection is gone");
            }
        }
        return all;
    }

    public String summary() {
        return "PeerJS bystanders: X sent " + x.sent.get() + ", Y received " + y.received.get() + "; Y sent " + y.sent.get()
                + ", X received " + x.received.get();
    }

    @Override
    public void close() {
        running = false;
        x.stop();
        y.stop();
    }

    private final class Peer {
        final String name;
        final String type;
        final String id;
        final RawWebSocket ws;
        Peer peer;
        Thread reader;
        volatile boolean stopping;
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger received = new AtomicInteger();

        Peer(String name, String type, String id, String base) throws IOException {
            this.name = name;
            this.type = type;
            this.id = id;
            this.ws = RawWebSocket.connect(PeerJsFuzzer.uri(base, "peerjs", id, UUID.randomUUID().toString()), Duration.ofSeconds(10));
            Event first = ws.next(Duration.ofSeconds(10));
            if (!(first instanceof Text t) || !t.text().equals("{\"type\":\"OPEN\"}")) {
                throw new IOException("PeerJS bystander " + name + " expected OPEN, got " + first);
            }
        }

        void send() throws IOException {
            int seq = sent.get();
            ws.sendText("{\"type\":\"" + type + "\",\"src\":\"spoof\",\"dst\":\"" + peer.id + "\",\"payload\":" + payload(name, seq) + "}");
            sent.incrementAndGet();
        }

        void read() {
            while (!stopping) {
                Event e = ws.next(Duration.ofMillis(200));
                if (e == null) {
                    continue;
                }
                if (!(e instanceof Text t)) {
                    if (!stopping) {
                        violations.add("PeerJS bystander " + name + ": connection ended: " + e);
                    }
                    return;
                }
                int seq = received.get();
                String want = "{\"type\":\"" + peer.type + "\",\"src\":\"" + peer.id + "\",\"dst\":\"" + id + "\",\"payload\":"
                        + payload(peer.name, seq) + "}";
                if (!t.text().equals(want)) {
                    violations.add("PeerJS bystander " + name + " expected message " + seq + " from " + peer.name + ", got "
                            + FrameMutator.abbreviate(t.text()));
                }
                received.incrementAndGet();
            }
        }

        void stop() {
            stopping = true;
            try {
                if (reader != null) {
                    reader.join(Duration.ofSeconds(1));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ws.close();
        }
    }
}
