package dev.parley.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.fuzz.RawWebSocket.Event;
import dev.parley.fuzz.RawWebSocket.Text;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two participants in a room of their own, trading numbered signals and chat messages while the fuzzers
 * run. Each checks that it gets exactly the other's signals, in order and intact, and exactly the room's
 * chat, and nothing else at all: no error, no stranger joining, no signal from anyone else.
 */
public final class WsBystanders implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SIGNAL_EVERY_MS = 40;
    private static final long CHAT_EVERY_MS = 1200;

    private final String room = UUID.randomUUID().toString();
    private final Bystander a;
    private final Bystander b;
    private final List<String> chats = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final Thread driver;
    private volatile boolean running = true;

    public WsBystanders(URI uri) throws IOException {
        a = new Bystander("A", RawWebSocket.connect(uri, Duration.ofSeconds(10)));
        JsonNode aJoined = a.join(room);
        b = new Bystander("B", RawWebSocket.connect(uri, Duration.ofSeconds(10)));
        JsonNode bJoined = b.join(room);
        a.id = aJoined.path("id").asText();
        b.id = bJoined.path("id").asText();
        JsonNode arrived = a.expect("participant-joined");
        if (!arrived.path("participant").path("id").asText().equals(b.id)
                || !bJoined.path("participants").path(0).path("id").asText().equals(a.id)) {
            throw new IOException("bystanders did not see each other: " + arrived + " / " + bJoined);
        }
        a.peer = b;
        b.peer = a;
        a.reader = Thread.ofVirtual().name("bystander-A").start(a::read);
        b.reader = Thread.ofVirtual().name("bystander-B").start(b::read);
        driver = Thread.ofPlatform().daemon().name("bystanders").start(this::drive);
    }

    public String room() {
        return room;
    }

    public List<String> ids() {
        return List.of(a.id, b.id);
    }

    /** The data of signal number {@code seq}: unicode and an SDP-like body, so relaying must keep it exact. */
    static JsonNode signalData(String from, int seq) {
        try {
            return JSON.readTree(Json.write(Json.Obj.of("seq", seq, "from-bystander", from,
                    "description", Json.Obj.of("type", seq % 2 == 0 ? "offer" : "answer",
                            "sdp", "v=0\r\no=- " + seq + " 2 IN IP4 127.0.0.1\r\ns=🎉 \u202eRTL\u202c ok\r\n" + "a=x\r\n".repeat(seq % 20)))));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void drive() {
        long nextChat = System.currentTimeMillis() + CHAT_EVERY_MS;
        boolean chatFromA = true;
        while (running) {
            try {
                a.sendSignal();
                b.sendSignal();
                long now = System.currentTimeMillis();
                if (now >= nextChat) {
                    Bystander from = chatFromA ? a : b;
                    String text = "chat " + chats.size() + " from " + from.name + " ✓ \u05e9\u05dc\u05d5\u05dd";
                    chats.add(text);
                    from.ws.sendText(Json.write(Json.Obj.of("type", "chat", "text", text)));
                    chatFromA = !chatFromA;
                    nextChat = now + CHAT_EVERY_MS;
                }
                Thread.sleep(SIGNAL_EVERY_MS);
            } catch (IOException e) {
                violations.add("bystanders could not send: " + e);
                return;
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Waits until everything sent so far has arrived on both sides; false if it does not within {@code timeout}.
     * The bystanders keep talking meanwhile.
     */
    public boolean caughtUp(Duration timeout) {
        int aSent = a.sent.get();
        int bSent = b.sent.get();
        int chatCount = chats.size();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (b.received.get() >= aSent && a.received.get() >= bSent
                    && a.chatsSeen.get() >= chatCount && b.chatsSeen.get() >= chatCount) {
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

    /** Stops talking and waits for the last messages: then sent and received must match exactly. */
    public boolean stopAndSettle(Duration timeout) throws InterruptedException {
        running = false;
        driver.join(timeout.toMillis());
        return caughtUp(timeout);
    }

    public List<String> violations() {
        List<String> all = new ArrayList<>(violations);
        for (Bystander x : List.of(a, b)) {
            if (!x.ws.isOpen()) {
                all.add("bystander " + x.name + "'s connection is gone");
            }
        }
        return all;
    }

    public String summary() {
        return "bystanders: A sent " + a.sent.get() + " signals, B received " + b.received.get() + "; B sent " + b.sent.get()
                + ", A received " + a.received.get() + "; " + chats.size() + " chat messages, A saw " + a.chatsSeen.get()
                + ", B saw " + b.chatsSeen.get();
    }

    @Override
    public void close() {
        running = false;
        a.stop();
        b.stop();
    }

    private final class Bystander {
        final String name;
        final RawWebSocket ws;
        String id;
        Bystander peer;
        Thread reader;
        volatile boolean stopping;
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger received = new AtomicInteger();
        final AtomicInteger chatsSeen = new AtomicInteger();

        Bystander(String name, RawWebSocket ws) {
            this.name = name;
            this.ws = ws;
        }

        JsonNode join(String room) throws IOException {
            ws.sendText(Json.write(Json.Obj.of("type", "join", "version", 1, "room", room, "name", "Bystander " + name)));
            JsonNode joined = expect("joined");
            expect("chat-history");
            return joined;
        }

        JsonNode expect(String type) throws IOException {
            Event e = ws.next(Duration.ofSeconds(10));
            if (!(e instanceof Text t)) {
                throw new IOException("bystander " + name + " expected " + type + ", got " + e);
            }
            JsonNode msg = JSON.readTree(t.text());
            if (!msg.path("type").asText().equals(type)) {
                throw new IOException("bystander " + name + " expected " + type + ", got " + msg);
            }
            return msg;
        }

        void sendSignal() throws IOException {
            int seq = sent.get();
            ws.sendText(Json.write(Json.Obj.of("type", "signal", "to", peer.id, "from", "spoof-" + name,
                    "data", new Json.Raw(signalData(name, seq).toString(), Json.RawKind.NESTED, 5))));
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
                        violations.add("bystander " + name + ": connection ended: " + e);
                    }
                    return;
                }
                try {
                    check(JSON.readTree(t.text()));
                } catch (IOException ex) {
                    violations.add("bystander " + name + " got invalid JSON: " + FrameMutator.abbreviate(t.text()));
                }
            }
        }

        private void check(JsonNode msg) {
            String type = msg.path("type").asText();
            switch (type) {
                case "signal" -> {
                    int seq = received.get();
                    JsonNode expected = signalData(peer.name, seq);
                    if (!msg.path("from").asText().equals(peer.id) || !msg.path("to").asText().equals(id)
                            || !msg.path("data").equals(expected)) {
                        violations.add("bystander " + name + " expected signal " + seq + " from " + peer.name + ", got "
                                + FrameMutator.abbreviate(msg.toString()));
                    }
                    received.incrementAndGet();
                }
                case "chat" -> {
                    int n = chatsSeen.get();
                    String text = n < chats.size() ? chats.get(n) : null;
                    String from = msg.path("from").asText();
                    if (!msg.path("text").asText().equals(text) || !(from.equals(id) || from.equals(peer.id))) {
                        violations.add("bystander " + name + " expected chat '" + text + "', got " + FrameMutator.abbreviate(msg.toString()));
                    }
                    chatsSeen.incrementAndGet();
                }
                default -> violations.add("bystander " + name + " got something it had no reason to: "
                        + FrameMutator.abbreviate(msg.toString()));
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
