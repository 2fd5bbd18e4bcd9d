package dev.parley.fuzz;

import dev.parley.fuzz.FrameMutator.Frame;
import dev.parley.fuzz.FrameMutator.FrameKind;
import dev.parley.fuzz.Json.Obj;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Frames for Parley's own protocol at {@code /ws}, each with what PROTOCOL.md says must happen to it: the
 * generator builds valid messages, mutates them and damages them, and {@link #expect} predicts the answer
 * from the documented rules alone (field types, validation order, error codes), given what the fuzzing
 * connection's state is. This class mixes the frames and sizes them; the messages come from
 * {@link WsMessages}, frames at the edges from {@link WsEdgeFrames}, and the predictions from {@link WsOracle}.
 */
public final class WsFrames {

    /** Success outcomes: what a frame that is not refused produces for its sender. */
    public static final String PONG = "pong";
    public static final String JOINED = "joined";
    public static final String SILENT = "silent";
    /** Any outcome that is not an error: for message types this oracle has no rules for. */
    public static final String ANY = "any";

    /**
     * What may happen to a frame: one {@code error} with one of {@code errors}, one of {@code successes}
     * (echo types such as {@code chat} name the echo), or the socket closed with one of {@code closes}.
     */
    public record Expect(Set<String> errors, Set<String> successes, Set<Integer> closes, String resume, boolean leaves) {
        Expect(Set<String> errors, Set<String> successes, Set<Integer> closes) {
            this(errors, successes, closes, null, false);
        }

        static Expect error(String... codes) {
            return new Expect(Set.of(codes), Set.of(), Set.of());
        }

        static Expect success(String... outcomes) {
            return new Expect(Set.of(), Set.of(outcomes), Set.of());
        }

        static Expect close(Integer... codes) {
            return new Expect(Set.of(), Set.of(), Set.of(codes));
        }

        Expect or(Expect other) {
            return new Expect(union(errors, other.errors), union(successes, other.successes), union(closes, other.closes),
                    resume != null ? resume : other.resume, leaves || other.leaves);
        }

        /** Marks a join that redeems {@code token} when it succeeds. */
        Expect resuming(String token) {
            return new Expect(errors, successes, closes, token, leaves);
        }

        /** Marks a frame that takes the connection out of its room when it succeeds silently. */
        Expect leaving() {
            return new Expect(errors, successes, closes, resume, true);
        }

        /** Only a close is possible: no sentinel can follow the frame. */
        public boolean closesOnly() {
            return errors.isEmpty() && successes.isEmpty() && !closes.isEmpty();
        }

        private static <T> Set<T> union(Set<T> a, Set<T> b) {
            Set<T> u = new HashSet<>(a);
            u.addAll(b);
            return Set.copyOf(u);
        }

        @Override
        public String toString() {
            List<String> parts = new ArrayList<>();
            if (!errors.isEmpty()) {
                parts.add("error " + errors);
            }
            if (!successes.isEmpty()) {
                parts.add("success " + successes);
            }
            if (!closes.isEmpty()) {
                parts.add("close " + closes);
            }
            return String.join(" or ", parts);
        }
    }

    /** What the fuzzing connection is, as far as its frames' outcomes depend on it. */
    public static final class State {
        public boolean joined;
        public String myId;
        public String room;
        /** The passive partner: joined to {@link #partnerRoom} for the whole session. */
        public String partnerId;
        public String partnerRoom;
        /** Resume tokens issued and not yet redeemed, with their rooms. */
        public final Map<String, String> liveTokens = new LinkedHashMap<>();
        /** Tokens already redeemed: single-use, so they must fail. */
        public final List<String> usedTokens = new ArrayList<>();
        /** Every participant id this connection has had, for the partner's checks. */
        public final Set<String> myIds = new HashSet<>();
        public List<String> bystanderIds = List.of();
        public String bystanderRoom;
        /** Messages sent since the socket opened: each takes a token of the 200-message burst. */
        public int sentOnSocket;

        public void joined(String id, String joinedRoom, String resumeToken) {
            joined = true;
            myId = id;
            room = joinedRoom;
            myIds.add(id);
            liveTokens.put(resumeToken, joinedRoom);
        }

        public void disconnected() {
            joined = false;
            myId = null;
            room = null;
            sentOnSocket = 0;
        }
    }

    /** Frames over 64 KiB are refused, and over four times that the socket closes. */
    static final int MAX_FRAME = 64 * 1024;
    private static final int CLOSE_LIMIT = 4 * MAX_FRAME;

    private final FrameMutator m;
    private final ProtocolDoc doc;
    private final WsMessages messages;
    private final WsEdgeFrames edges;
    private final WsOracle oracle;

    public WsFrames(FrameMutator mutator, ProtocolDoc doc, Set<String> clientTypes, Set<String> serverTypes) {
        this.m = mutator;
        this.doc = doc;
        this.messages = new WsMessages(mutator, clientTypes, serverTypes);
        this.edges = new WsEdgeFrames(mutator, messages, this);
        this.oracle = new WsOracle(doc, clientTypes, serverTypes);
    }

    /** Message types by direction, from the "### type (direction)" headings of PROTOCOL.md. */
    public static Map<String, Set<String>> typesByDirection(String protocolMd) {
        Set<String> client = new HashSet<>();
        Set<String> server = new HashSet<>();
        var matcher = Pattern.compile("^### ([a-z-]+) \\(([^)]*)\\)", Pattern.MULTILINE).matcher(protocolMd);
        while (matcher.find()) {
            String direction = matcher.group(2);
            if (direction.contains("both") || direction.startsWith("client")) {
                client.add(matcher.group(1));
            }
            if (direction.contains("both") || direction.startsWith("server")) {
                server.add(matcher.group(1));
            }
        }
        return Map.of("client", Set.copyOf(client), "server", Set.copyOf(server));
    }

    // ---------------------------------------------------------------- generation

    /** The next frame for a connection in state {@code s}. */
    public Frame<Expect> next(State s) {
        int c = m.random().nextInt(1000);
        boolean heavy = c >= 780 && c < 885 || c >= 940 && c < 970 || c >= 990;
        if (heavy && m.skipHeavy()) {
            c = m.random().nextInt(530);
        }
        if (c < 230) {
            return frame("valid", valid(s), s);
        }
        if (c < 530) {
            Obj o = valid(s);
            String label = messages.mutate(o, s);
            return frame("mutated " + label, o, s);
        }
        if (c < 600) {
            Obj o = m.chance(0.5) ? valid(s) : messages.withMutation(s);
            String text = Json.write(o);
            return sized("truncated", m.truncate(text), Expect.error("bad-json"));
        }
        if (c < 650) {
            Obj o = valid(s);
            String text = Json.write(o) + m.trailing();
            return sized("trailing text", text, Expect.error("bad-json"));
        }
        if (c < 700) {
            return sized("soup", m.soup(), anyError());
        }
        if (c < 780) {
            return hostile(s);
        }
        if (c < 810) {
            Obj o = valid(s);
            o.add(m.unknownName(), m.deepOrShallow());
            return frame("deep nesting", o, s);
        }
        if (c < 840) {
            Obj o = valid(s);
            String field = m.pick(o.names());
            o.set(field, m.chance(0.5) ? m.hugeNumber() : m.tooLongNumber());
            return frame("huge number: in '" + field + "'", o, s);
        }
        if (c < 865) {
            return edges.oversized(s);
        }
        if (c < 885) {
            return edges.nearLimit(s);
        }
        if (c < 915) {
            return edges.unicodeMessage(s);
        }
        if (c < 940) {
            byte[] data = m.chance(0.5) ? Json.write(valid(s)).getBytes(StandardCharsets.UTF_8)
                    : m.randomBytes(m.chance(0.05) ? 70_000 + m.random().nextInt(10_000) : m.random().nextInt(300));
            return new Frame<>("binary", FrameKind.BINARY, null, data, null, 0, binaryExpect(data.length));
        }
        if (c < 955) {
            byte[] bytes = m.invalidUtf8(Json.write(valid(s)));
            return new Frame<>("invalid UTF-8", FrameKind.TEXT_BYTES, null, bytes, null, 0, Expect.close(1007));
        }
        if (c < 970) {
            return new Frame<>("framing violation", FrameKind.VIOLATION, null, null, m.violation(), 0,
                    Expect.close(1002, 1007));
        }
        if (c < 990) {
            Obj o = valid(s);
            Frame<Expect> whole = frame("fragmented", o, s);
            return new Frame<>(whole.label(), FrameKind.FRAGMENTED, whole.text(), null, null,
                    2 + m.random().nextInt(4), whole.expect());
        }
        return new Frame<>("broken stream", FrameKind.RAW_ABORT, null, m.brokenStream(), null, 0, null);
    }

    /** A valid message for the connection's state: mostly join when out of a room, anything when in one. */
    public Obj valid(State s) {
        return messages.valid(s);
    }

    /** A frame of message {@code o} with what the oracle expects of it from a connection in state {@code s}. */
    public Frame<Expect> frame(String label, Obj o, State s) {
        return sized(label, Json.write(o), expect(o, s));
    }

    /** A frame of any text: refused for its size if too large, else {@code otherwise}. */
    public Frame<Expect> frameOfText(String label, String text, Expect otherwise) {
        return sized(label, text, otherwise);
    }

    /** Size decides first: over 256 KiB the socket closes (1009), over 64 KiB the frame is refused as too large. */
    private Frame<Expect> sized(String label, String text, Expect otherwise) {
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        Expect e = bytes > CLOSE_LIMIT ? Expect.close(1009) : bytes > MAX_FRAME ? Expect.error("too-large") : otherwise;
        return Frame.text(label, text, e);
    }

    private Expect anyError() {
        return new Expect(doc.errorCodes(), Set.of(), Set.of());
    }

    Expect binaryExpect(int length) {
        if (length > MAX_FRAME) {
            return Expect.close(1009);
        }
        // Undocumented today: PROTOCOL.md says nothing of binary frames, so only a documented refusal is right.
        return doc.binaryFramesIgnored() ? Expect.success(SILENT) : anyError().or(new Expect(Set.of(), Set.of(), doc.closeCodes()));
    }

    /** Frames aimed at the bystanders: signals to their ids from another room, joins to their room that must fail. */
    public Frame<Expect> hostile(State s) {
        return edges.hostile(s);
    }

    /** What PROTOCOL.md says happens to message {@code o} from a connection in state {@code s}. */
    public Expect expect(Obj o, State s) {
        return oracle.expect(o, s);
    }
}
