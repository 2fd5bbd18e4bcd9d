package dev.parley.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.fuzz.FrameMutator.Frame;
import dev.parley.fuzz.FrameMutator.FrameKind;
import dev.parley.fuzz.RawWebSocket.BadText;
import dev.parley.fuzz.RawWebSocket.Close;
import dev.parley.fuzz.RawWebSocket.Eof;
import dev.parley.fuzz.RawWebSocket.Event;
import dev.parley.fuzz.RawWebSocket.Text;
import dev.parley.fuzz.WsFrames.Expect;
import dev.parley.fuzz.WsFrames.State;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * One fuzzing session on {@code /ws}: a fuzzing connection sends generated frames, each followed by a
 * {@code ping} whose {@code pong} marks the end of the frame's answer, and every answer is checked against
 * {@link WsFrames#expect}; a passive partner ({@link WsPartner}) sits in the fuzzer's room and checks that
 * whatever reaches it really comes from the fuzzer. The connection is replaced whenever the server closes
 * it, and before its 200-message burst allowance runs out, so rate limiting never blurs an answer.
 */
public final class WsFuzzer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Messages per socket before it is replaced: below the burst of 200, leaving room for the sentinel. */
    private static final int BUDGET = 190;
    private static final Set<String> ECHOES = Set.of("chat", "hand", "media-state", "reaction");

    private final URI uri;
    private final ProtocolDoc doc;
    private final WsFrames frames;
    private final FrameMutator mutator;
    private final FuzzStats stats;
    private final Duration wait;
    private final State state = new State();
    private final WsPartner partner;
    private RawWebSocket socket;
    /** Set by a violation: answers may then be out of step with frames, so the next frame gets a fresh socket. */
    private boolean resync;
    /** The last frames on this socket and what they got, shown with a violation. */
    private final java.util.ArrayDeque<String> recent = new java.util.ArrayDeque<>();

    public WsFuzzer(URI uri, ProtocolDoc doc, Set<String> clientTypes, Set<String> serverTypes, Random random,
            FuzzStats stats, List<String> bystanderIds, String bystanderRoom, Duration wait) throws IOException {
        this.uri = uri;
        this.doc = doc;
        this.mutator = new FrameMutator(random);
        this.frames = new WsFrames(mutator, doc, clientTypes, serverTypes);
        this.stats = stats;
        this.wait = wait;
        state.bystanderIds = List.copyOf(bystanderIds);
        state.bystanderRoom = bystanderRoom;
        state.partnerRoom = UUID.randomUUID().toString();
        this.partner = new WsPartner(connect(), state.partnerRoom, wait, stats);
        state.partnerId = partner.id();
    }

    /** Sends {@code count} generated frames, checking each answer. */
    public void run(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            send(frames::next);
        }
    }

    /** Sends {@code count} generated frames or stops at {@code deadlineNanos}, whichever comes first; returns how many. */
    public int runUntil(int count, long deadlineNanos) throws IOException {
        int i = 0;
        while (i < count && System.nanoTime() < deadlineNanos) {
            send(frames::next);
            i++;
        }
        return i;
    }

    public State state() {
        return state;
    }

    /** See {@link FrameMutator#heavy}. */
    public WsFuzzer heavy(double share) {
        mutator.heavy(share);
        return this;
    }

    public FrameMutator mutator() {
        return mutator;
    }

    public WsFrames frames() {
        return frames;
    }

    private RawWebSocket connect() throws IOException {
        stats.connection();
        return RawWebSocket.connect(uri, wait);
    }

    /** Replaces the socket if it is closed, out of allowance, or out of step. */
    private void ensureConnected(int room) throws IOException {
        if (socket == null || !socket.isOpen() || state.sentOnSocket + room >= BUDGET || resync) {
            resync = false;
            if (socket != null) {
                socket.close();
            }
            state.disconnected();
            socket = connect();
            recent.clear();
        }
    }

    /** Makes sure the fuzzing connection is in the partner's room, with allowance for {@code frames} more frames. */
    public void joinPartnerRoom(int frames) throws IOException {
        ensureConnected(2 * frames + 2);
        if (!state.joined || !state.partnerRoom.equals(state.room)) {
            if (state.joined) {
                send(s -> this.frames.frame("leave", Json.Obj.of("type", "leave"), s));
            }
            send(s -> this.frames.frame("join the partner's room", Json.Obj.of("type", "join", "version", 1, "room", s.partnerRoom), s));
        }
    }

    /**
     * Sends one frame, made for the connection's state once it is sure to be connected, and checks what
     * comes back.
     */
    public void send(java.util.function.Function<State, Frame<Expect>> make) throws IOException {
        ensureConnected(0);
        step(make.apply(state));
    }

    private void step(Frame<Expect> f) throws IOException {
        stats.frame(category(f), f.payloadBytes());
        boolean sent = true;
        try {
            f.sendTo(socket, mutator.random());
        } catch (IOException e) {
            sent = false; // the server may close a socket before a huge frame is fully written
        }
        state.sentOnSocket++;
        if (f.kind() == FrameKind.RAW_ABORT) {
            stats.outcome("dropped the connection");
            socket = null;
            state.disconnected();
            return;
        }
        Expect expect = f.expect();
        if (!expect.closesOnly() && sent) {
            try {
                socket.sendText("{\"type\":\"ping\"}");
                state.sentOnSocket++;
            } catch (IOException e) {
                // closed under us: the close event tells why
            }
        }
        observe(f, expect);
    }

    private void observe(Frame<Expect> f, Expect expect) {
        boolean mayPong = expect.successes().contains(WsFrames.PONG);
        int pongs = 0;
        List<String> errors = new ArrayList<>();
        String success = null;
        JsonNode joined = null;
        while (true) {
            Event event = socket.next(wait);
            if (event == null) {
                violation(f, expect, "no answer within " + wait.toSeconds() + " s");
                socket.abort();
                state.disconnected();
                return;
            }
            if (event instanceof Close close) {
                stats.close(String.valueOf(close.code()));
                checkClose(f, expect, close.code(), close.reason());
                state.disconnected();
                return;
            }
            if (event instanceof Eof eof) {
                stats.close("none");
                violation(f, expect, "connection dropped without a close frame (" + eof.why() + ")");
                state.disconnected();
                return;
            }
            if (event instanceof BadText) {
                violation(f, expect, "the server sent a text frame that is not UTF-8");
                continue;
            }
            if (!(event instanceof Text text)) {
                violation(f, expect, "the server sent " + event);
                continue;
            }
            JsonNode msg;
            try {
                msg = JSON.readTree(text.text());
            } catch (IOException e) {
                violation(f, expect, "the server sent invalid JSON: " + FrameMutator.abbreviate(text.text()));
                continue;
            }
            String type = msg.path("type").asText();
            switch (type) {
                case "pong" -> pongs++;
                case "error" -> errors.add(msg.path("code").asText());
                case "joined" -> {
                    joined = msg;
                    state.joined(msg.path("id").asText(), msg.path("room").asText(), msg.path("resumeToken").asText());
                }
                case "chat-history" -> {
                    if (joined == null) {
                        violation(f, expect, "chat-history without joined");
                    }
                }
                case "participant-joined", "participant-left" -> {
                    String id = type.equals("participant-left") ? msg.path("id").asText()
                            : msg.path("participant").path("id").asText();
                    if (!id.equals(state.partnerId) && !state.myIds.contains(id)) {
                        violation(f, expect, "heard of a stranger in the fuzzer's room: " + msg);
                    }
                }
                default -> {
                    if (ECHOES.contains(type) && msg.path("from").asText().equals(state.myId)) {
                        success = type;
                    } else {
                        violation(f, expect, "unexpected message " + FrameMutator.abbreviate(msg.toString()));
                    }
                }
            }
            int needed = mayPong && errors.isEmpty() && joined == null && success == null ? 2 : 1;
            if (pongs >= needed) {
                break;
            }
        }
        remember(f, errors.isEmpty() ? (joined != null ? "joined " + joined.path("id").asText() : success != null ? success
                : "pongs " + pongs) : "error " + errors);
        if (errors.size() > 1) {
            violation(f, expect, "several errors for one frame: " + errors);
            return;
        }
        if (errors.size() == 1) {
            String code = errors.get(0);
            stats.error(code);
            if (!doc.errorCodes().contains(code)) {
                violation(f, expect, "error code '" + code + "' is not in PROTOCOL.md");
            } else if (code.equals("internal")) {
                violation(f, expect, "'internal': the server failed on this frame");
            } else if (!expect.errors().contains(code)) {
                violation(f, expect, "error '" + code + "'");
            }
            return;
        }
        String outcome = joined != null ? WsFrames.JOINED : success != null ? success : pongs >= 2 ? WsFrames.PONG : WsFrames.SILENT;
        stats.outcome(outcome);
        if (!expect.successes().contains(outcome) && !expect.successes().contains(WsFrames.ANY)) {
            violation(f, expect, outcome.equals(WsFrames.SILENT) ? "no answer (the frame was accepted or ignored)" : "accepted: " + outcome);
        }
        if (joined != null && f.text() != null) {
            for (String token : List.copyOf(state.liveTokens.keySet())) {
                if (f.text().contains(token) && !token.equals(joined.path("resumeToken").asText())) {
                    state.liveTokens.remove(token);
                    state.usedTokens.add(token);
                }
            }
        }
        if (outcome.equals(WsFrames.SILENT) && expect.leaves()) {
            state.joined = false;
            state.room = null;
            state.myId = null;
        }
    }

    private void checkClose(Frame<Expect> f, Expect expect, int code, String reason) {
        if (!doc.closeCodes().contains(code)) {
            violation(f, expect, "closed with " + code + " (" + reason + "), a code PROTOCOL.md does not list");
        } else if (!expect.closes().contains(code)) {
            violation(f, expect, "closed with " + code + " (" + reason + ")");
        }
    }

    private void remember(Frame<Expect> f, String outcome) {
        if (recent.size() == 6) {
            recent.removeFirst();
        }
        recent.addLast(FrameMutator.abbreviate(f.toString()) + " -> " + outcome);
    }

    private void violation(Frame<Expect> f, Expect expect, String what) {
        resync = true;
        stats.violation(what + "; expected " + expect + "; frame: " + f
                + (recent.size() > 1 ? "\n        after: " + String.join("\n               ", recent) : ""));
    }

    private static String category(Frame<?> f) {
        return FuzzStats.category(f.label());
    }

    /** Checks the partner: nothing from strangers, no errors, still connected. Call after the fuzzing. */
    public void finish() {
        partner.check(state.myIds);
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.close();
        }
        partner.close();
    }
}
