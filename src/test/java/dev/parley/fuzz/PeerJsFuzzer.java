package dev.parley.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.fuzz.FrameMutator.Frame;
import dev.parley.fuzz.FrameMutator.FrameKind;
import dev.parley.fuzz.PeerJsFrames.Expect;
import dev.parley.fuzz.PeerJsFrames.Outcome;
import dev.parley.fuzz.PeerJsFrames.State;
import dev.parley.fuzz.RawWebSocket.BadText;
import dev.parley.fuzz.RawWebSocket.Close;
import dev.parley.fuzz.RawWebSocket.Eof;
import dev.parley.fuzz.RawWebSocket.Event;
import dev.parley.fuzz.RawWebSocket.Text;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One fuzzing session on {@code /peerjs}: a fuzzing peer sends generated frames, each followed by a
 * CANDIDATE addressed to itself whose echo marks the end of the frame's answer; relays the frame caused
 * must match {@link PeerJsFrames#expect} byte for byte. A passive partner peer checks that what reaches it
 * is well formed and really from the fuzzer.
 */
public final class PeerJsFuzzer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final ProtocolDoc doc;
    private final FrameMutator mutator;
    private final PeerJsFrames frames;
    private final FuzzStats stats;
    private final Duration wait;
    private final State state = new State();
    private final Set<String> myIds = ConcurrentHashMap.newKeySet();
    private final Partner partner;
    private RawWebSocket socket;
    private String token;
    private long sentinel;
    private boolean resync;
    private int partnerMin;
    private int partnerMax;

    public PeerJsFuzzer(String base, ProtocolDoc doc, Random random, FuzzStats stats, List<String> bystanderIds,
            Duration wait) throws IOException {
        this.base = base;
        this.doc = doc;
        this.mutator = new FrameMutator(random);
        this.frames = new PeerJsFrames(mutator, doc);
        this.stats = stats;
        this.wait = wait;
        state.bystanderIds = List.copyOf(bystanderIds);
        state.absentIds.add("nobody");
        String partnerId = "partner-" + UUID.randomUUID();
        this.partner = new Partner(open(partnerId, "t-" + partnerId), partnerId);
        state.partnerId = partnerId;
    }

    /** ws://host:port/peerjs/peerjs?key=peerjs&id=..&token=..&version=1.5.5 */
    public static URI uri(String base, String key, String id, String token) {
        return URI.create(base + "/peerjs/peerjs?key=" + enc(key) + "&id=" + enc(id) + "&token=" + enc(token) + "&version=1.5.5");
    }

    private static String enc(String s) {
        return s == null ? "" : URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Opens a peer and checks that OPEN is its first frame. */
    private RawWebSocket open(String id, String peerToken) throws IOException {
        stats.connection();
        RawWebSocket ws = RawWebSocket.connect(uri(base, "peerjs", id, peerToken), wait);
        Event first = ws.next(wait);
        if (!(first instanceof Text t) || !t.text().equals("{\"type\":\"OPEN\"}")) {
            ws.abort();
            throw new IOException("expected OPEN first for '" + id + "', got " + first);
        }
        return ws;
    }

    /** See {@link FrameMutator#heavy}. */
    public PeerJsFuzzer heavy(double share) {
        mutator.heavy(share);
        return this;
    }

    public State state() {
        return state;
    }

    public PeerJsFrames frames() {
        return frames;
    }

    public void run(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            send(frames::next);
        }
    }

    public int runUntil(int count, long deadlineNanos) throws IOException {
        int i = 0;
        while (i < count && System.nanoTime() < deadlineNanos) {
            send(frames::next);
            i++;
        }
        return i;
    }

    /** Sends one frame, made for the peer's state once it is sure to be connected, and checks what comes back. */
    public void send(java.util.function.Function<State, Frame<Expect>> make) throws IOException {
        ensureConnected();
        step(make.apply(state));
    }

    private void ensureConnected() throws IOException {
        if (socket == null || !socket.isOpen() || resync) {
            resync = false;
            if (socket != null) {
                socket.close();
            }
            // A new id, or the same id and token again (a reconnecting client takes its id back).
            if (state.selfId == null || mutator.chance(0.5)) {
                state.selfId = mutator.chance(0.2) ? "fuzz-🎉-" + UUID.randomUUID() + " \"q\"" : "fuzz-" + UUID.randomUUID();
                token = mutator.chance(0.5) ? "token-" + mutator.random().nextLong() : mutator.unicodeEdge() + "x";
            }
            myIds.add(state.selfId);
            socket = open(state.selfId, token);
        }
    }

    private void step(Frame<Expect> f) throws IOException {
        if (f.expect() != null && f.expect().outcomes().contains(Outcome.PARTNER)) {
            partnerMax++;
            if (f.expect().outcomes().size() == 1) {
                partnerMin++;
            }
        }
        stats.frame(category(f), f.payloadBytes());
        boolean sent = true;
        try {
            f.sendTo(socket, mutator.random());
        } catch (IOException e) {
            sent = false;
        }
        if (f.kind() == FrameKind.RAW_ABORT) {
            stats.outcome("dropped the connection");
            socket = null;
            return;
        }
        long mark = ++sentinel;
        if (!f.expect().closesOnly() && sent) {
            try {
                socket.sendText("{\"type\":\"CANDIDATE\",\"dst\":" + Json.quote(state.selfId) + ",\"payload\":{\"sentinel\":" + mark + "}}");
            } catch (IOException e) {
                // the close event tells why
            }
        }
        observe(f, mark);
    }

    private void observe(Frame<Expect> f, long mark) {
        Expect expect = f.expect();
        int echoes = 0;
        String self = state.selfId;
        String envelopeStart = "\"src\":" + Json.quote(self) + ",\"dst\":" + Json.quote(self);
        while (true) {
            Event event = socket.next(wait);
            if (event == null) {
                violation(f, "no answer within " + wait.toSeconds() + " s");
                socket.abort();
                return;
            }
            if (event instanceof Close close) {
                stats.close(String.valueOf(close.code()));
                if (!doc.closeCodes().contains(close.code())) {
                    violation(f, "closed with " + close.code() + " (" + close.reason() + "), a code docs/peerjs.md does not name");
                } else if (!expect.outcomes().contains(Outcome.CLOSE) || expect.close() != 0 && expect.close() != close.code()) {
                    violation(f, "closed with " + close.code() + " (" + close.reason() + ")");
                }
                socket = null;
                return;
            }
            if (event instanceof Eof eof) {
                stats.close("none");
                violation(f, "connection dropped without a close frame (" + eof.why() + ")");
                socket = null;
                return;
            }
            if (event instanceof BadText || !(event instanceof Text text)) {
                violation(f, "the server sent " + event);
                continue;
            }
            JsonNode msg;
            try {
                msg = JSON.readTree(text.text());
            } catch (IOException e) {
                violation(f, "the server sent invalid JSON: " + FrameMutator.abbreviate(text.text()));
                continue;
            }
            String type = msg.path("type").asText();
            String src = msg.path("src").asText();
            String dst = msg.path("dst").asText();
            if (type.equals("CANDIDATE") && src.equals(self) && dst.equals(self)
                    && msg.path("payload").path("sentinel").asLong() == mark && msg.path("payload").size() == 1) {
                break;
            }
            if (src.equals(self) && dst.equals(self)) {
                echoes++;
                checkEcho(f, expect, text.text(), type, envelopeStart);
                continue;
            }
            if (type.equals("EXPIRE") && dst.equals(self) && !state.bystanderIds.contains(src) && !src.equals(state.partnerId)
                    && msg.size() == 3) {
                stats.outcome("EXPIRE for an absent id");
                continue;
            }
            violation(f, "unexpected message " + FrameMutator.abbreviate(text.text()));
        }
        if (echoes > 1) {
            violation(f, echoes + " relays for one frame");
        }
        Outcome outcome = echoes > 0 ? Outcome.ECHO : Outcome.IGNORED;
        stats.outcome(outcome == Outcome.ECHO ? "relayed back" : "nothing back");
        if (!expect.outcomes().contains(outcome) && !(outcome == Outcome.IGNORED && expect.outcomes().contains(Outcome.PARTNER))) {
            violation(f, outcome == Outcome.ECHO ? "it was relayed" : "nothing came back");
        }
    }

    private void checkEcho(Frame<Expect> f, Expect expect, String text, String type, String envelopeStart) {
        if (expect.type() == null) {
            return; // any relay will do for this frame
        }
        String head = "{\"type\":" + Json.quote(expect.type()) + "," + envelopeStart;
        String want = expect.payload() == null ? head + "}" : head + ",\"payload\":" + expect.payload() + "}";
        if (!text.equals(want)) {
            violation(f, "relayed as " + FrameMutator.abbreviate(text) + " instead of " + FrameMutator.abbreviate(want));
        }
    }

    private void violation(Frame<Expect> f, String what) {
        resync = true;
        stats.violation(what + "; expected " + f.expect() + "; frame: " + f);
    }

    private static String category(Frame<?> f) {
        return FuzzStats.category(f.label());
    }

    /** Checks the partner once the fuzzing is over: all it got came from the fuzzer, intact, as many as expected. */
    public void finish() {
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (partner.received.get() < partnerMin && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int got = partner.received.get();
        if (got < partnerMin || got > partnerMax) {
            stats.violation("partner received " + got + " relays; between " + partnerMin + " and " + partnerMax + " were due");
        }
        partner.check(myIds);
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.close();
        }
        partner.close();
    }

    /** A connected peer that sends only heartbeats and checks every relay it gets. */
    private final class Partner implements AutoCloseable {
        private final RawWebSocket ws;
        private final String id;
        private final AtomicInteger received = new AtomicInteger();
        private final Set<String> heardFrom = ConcurrentHashMap.newKeySet();
        private final Thread loop;
        private volatile boolean stopping;

        Partner(RawWebSocket ws, String id) {
            this.ws = ws;
            this.id = id;
            this.loop = Thread.ofVirtual().name("peerjs-fuzz-partner").start(this::watch);
        }

        private void watch() {
            long nextBeat = 0;
            while (!stopping) {
                long now = System.nanoTime();
                if (now >= nextBeat) {
                    try {
                        ws.sendText("{\"type\":\"HEARTBEAT\"}");
                    } catch (IOException e) {
                        if (!stopping) {
                            stats.violation("PeerJS partner: could not send a heartbeat: " + e);
                        }
                        return;
                    }
                    nextBeat = now + Duration.ofSeconds(2).toNanos();
                }
                Event e = ws.next(Duration.ofMillis(200));
                if (e == null) {
                    continue;
                }
                if (!(e instanceof Text t)) {
                    if (!stopping) {
                        stats.violation("PeerJS partner: the server ended its connection: " + e);
                    }
                    return;
                }
                try {
                    JsonNode msg = JSON.readTree(t.text());
                    Set<String> keys = new java.util.HashSet<>();
                    for (Iterator<String> it = msg.fieldNames(); it.hasNext(); ) {
                        keys.add(it.next());
                    }
                    keys.remove("payload");
                    if (!keys.equals(Set.of("type", "src", "dst")) || !PeerJsFrames.RELAYED.contains(msg.path("type").asText())
                            || !msg.path("dst").asText().equals(id)) {
                        stats.violation("PeerJS partner got a malformed relay: " + FrameMutator.abbreviate(t.text()));
                    }
                    heardFrom.add(msg.path("src").asText());
                    received.incrementAndGet();
                } catch (IOException ex) {
                    stats.violation("PeerJS partner got invalid JSON: " + FrameMutator.abbreviate(t.text()));
                }
            }
        }

        void check(Set<String> fuzzerIds) {
            for (String from : heardFrom) {
                if (!fuzzerIds.contains(from)) {
                    stats.violation("PeerJS partner got a relay from '" + from + "', none of the fuzzer's ids");
                }
            }
            if (!ws.isOpen()) {
                stats.violation("PeerJS partner's connection is gone");
            }
        }

        @Override
        public void close() {
            stopping = true;
            try {
                loop.join(Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ws.close();
        }
    }
}
