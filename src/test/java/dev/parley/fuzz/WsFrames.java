package dev.parley.fuzz;

import dev.parley.fuzz.FrameMutator.Frame;
import dev.parley.fuzz.FrameMutator.FrameKind;
import dev.parley.fuzz.Json.Kind;
import dev.parley.fuzz.Json.Obj;
import dev.parley.fuzz.Json.Raw;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Frames for Parley's own protocol at {@code /ws}, each with what PROTOCOL.md says must happen to it: the
 * generator builds valid messages, mutates them and damages them, and {@link #expect} predicts the answer
 * from the documented rules alone (field types, validation order, error codes), given what the fuzzing
 * connection's state is.
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

    /** The fields a client message may carry and their JSON types, for the types whose rules this oracle knows. */
    private static final Map<String, Map<String, List<Kind>>> SCHEMA = new LinkedHashMap<>();
    private static final List<Kind> STR = List.of(Kind.STRING);
    private static final List<Kind> INT = List.of(Kind.INT);
    private static final List<Kind> LONG = List.of(Kind.INT, Kind.LONG);
    private static final List<Kind> BOOL = List.of(Kind.BOOL);
    private static final List<Kind> ANY_KIND = List.of(Kind.values());
    /** Fields the server stamps itself: a client's value is ignored, or refused if it has the wrong type. */
    private static final Set<String> SERVER_OWNED = Set.of("from", "ts");

    static {
        SCHEMA.put("join", Map.of("version", INT, "room", STR, "name", STR, "audio", BOOL, "video", BOOL, "resume", STR,
                "password", STR, "moderatorKey", STR));
        SCHEMA.put("signal", Map.of("from", STR, "to", STR, "data", ANY_KIND));
        SCHEMA.put("ping", Map.of());
        SCHEMA.put("leave", Map.of());
        SCHEMA.put("media-state", Map.of("from", STR, "audio", BOOL, "video", BOOL, "screen", BOOL));
        SCHEMA.put("chat", Map.of("from", STR, "name", STR, "text", STR, "ts", LONG));
        SCHEMA.put("hand", Map.of("from", STR, "raised", BOOL));
        SCHEMA.put("reaction", Map.of("from", STR, "emoji", STR));
        SCHEMA.put("moderate", Map.of("action", STR, "target", STR));
    }

    static final List<String> MODERATOR_ACTIONS = List.of("mute", "remove", "lock", "unlock", "end");

    private static final Set<String> REQUIRED_FIELDS = Set.of("join.version", "join.room", "signal.to", "signal.data",
            "media-state.audio", "media-state.video", "media-state.screen", "chat.text", "hand.raised", "reaction.emoji");

    static final List<String> REACTIONS = List.of("👍", "❤️", "😂", "🎉", "👏", "😮");
    private static final Pattern UUID_FORM =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final int MAX_FRAME = 64 * 1024;
    private static final int CLOSE_LIMIT = 4 * MAX_FRAME;
    private static final int MAX_NESTING = 1000;

    private final FrameMutator m;
    private final ProtocolDoc doc;
    private final Set<String> clientTypes;
    private final Set<String> serverTypes;

    public WsFrames(FrameMutator mutator, ProtocolDoc doc, Set<String> clientTypes, Set<String> serverTypes) {
        this.m = mutator;
        this.doc = doc;
        this.clientTypes = clientTypes;
        this.serverTypes = serverTypes;
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
            String label = mutate(o, s);
            return frame("mutated " + label, o, s);
        }
        if (c < 600) {
            Obj o = m.chance(0.5) ? valid(s) : withMutation(s);
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
            return oversized(s);
        }
        if (c < 885) {
            return nearLimit(s);
        }
        if (c < 915) {
            return unicodeMessage(s);
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
        if (!s.joined && m.chance(0.6)) {
            return join(s, ownRoom(s));
        }
        return switch (m.random().nextInt(11)) {
            case 0 -> join(s, ownRoom(s));
            case 1 -> Obj.of("type", "ping");
            case 2 -> m.chance(0.3) ? Obj.of("type", "leave") : Obj.of("type", "ping");
            case 3, 4 -> Obj.of("type", "signal", "to", m.chance(0.85) && s.partnerId != null ? s.partnerId : randomId(s),
                    "data", signalData());
            case 5 -> Obj.of("type", "media-state", "audio", m.random().nextBoolean(), "video", m.random().nextBoolean(),
                    "screen", m.random().nextBoolean());
            case 6, 7 -> Obj.of("type", "chat", "text", m.chance(0.5) ? "hello " + m.random().nextInt(1000) : m.unicodeEdge());
            case 8 -> Obj.of("type", "hand", "raised", m.random().nextBoolean());
            case 9 -> m.chance(0.85) ? Obj.of("type", "reaction", "emoji", m.chance(0.8) ? m.pick(REACTIONS) : m.unicodeEdge())
                    : Obj.of("type", "moderate", "action", m.pick(MODERATOR_ACTIONS), "target", s.partnerId == null ? "x" : s.partnerId);
            default -> Obj.of("type", "signal", "to", s.partnerId == null ? randomId(s) : s.partnerId,
                    "data", Obj.of("candidate", Obj.of("candidate", "candidate:1 1 udp 2122260223 192.0.2.7 54321 typ host",
                            "sdpMid", "0", "sdpMLineIndex", m.smallInt())));
        };
    }

    private String ownRoom(State s) {
        return s.partnerRoom != null && m.chance(0.8) ? (m.chance(0.1) ? s.partnerRoom.toUpperCase() : s.partnerRoom)
                : UUID.randomUUID().toString();
    }

    private Obj join(State s, String room) {
        Obj o = Obj.of("type", "join", "version", new Raw("1", Json.RawKind.INT), "room", room);
        if (m.chance(0.8)) {
            o.add("name", m.chance(0.5) ? "Fuzz " + m.random().nextInt(100) : m.unicodeEdge());
        }
        if (m.chance(0.5)) {
            o.add("audio", m.random().nextBoolean());
        }
        if (m.chance(0.5)) {
            o.add("video", m.random().nextBoolean());
        }
        if (m.chance(0.25)) {
            o.add("resume", resumeToken(s));
        }
        return o;
    }

    private String resumeToken(State s) {
        int c = m.random().nextInt(10);
        if (c < 5 && !s.liveTokens.isEmpty()) {
            return m.pick(new ArrayList<>(s.liveTokens.keySet()));
        }
        if (c < 7 && !s.usedTokens.isEmpty()) {
            return m.pick(s.usedTokens);
        }
        return forgedToken(s.myId != null ? s.myId : "AAAAAAAAAAAA", s.partnerRoom != null ? s.partnerRoom : UUID.randomUUID().toString());
    }

    /** A token of the documented shape with a made-up signature. */
    private String forgedToken(String participantId, String room) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return switch (m.random().nextInt(5)) {
            case 0 -> participantId + "." + room + "." + (System.currentTimeMillis() + 3_600_000) + "."
                    + b64.encodeToString(m.randomBytes(16)) + "." + b64.encodeToString(m.randomBytes(32));
            case 1 -> participantId + "." + room + ".9999999999999." + b64.encodeToString(m.randomBytes(16)) + ".";
            case 2 -> "....";
            case 3 -> m.randomString(30);
            default -> "x".repeat(300);
        };
    }

    private Obj signalData() {
        if (m.chance(0.5)) {
            return Obj.of("description", Obj.of("type", m.pick("offer", "answer", "pranswer", "rollback"),
                    "sdp", "v=0\r\no=- 4611 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n" + m.randomString(20)));
        }
        return Obj.of("candidate", Obj.of("candidate", "candidate:" + m.random().nextInt(9) + " 1 udp 2122260223 192.0.2.7 "
                + m.random().nextInt(65536) + " typ host", "sdpMid", "0", "sdpMLineIndex", m.smallInt()));
    }

    private String randomId(State s) {
        return switch (m.random().nextInt(4)) {
            case 0 -> s.myId != null ? s.myId : "AAAAAAAAAAAA";
            case 1 -> Base64.getUrlEncoder().withoutPadding().encodeToString(m.randomBytes(9));
            case 2 -> m.unicodeEdge();
            default -> m.randomString(16);
        };
    }

    private Obj withMutation(State s) {
        Obj o = valid(s);
        mutate(o, s);
        return o;
    }

    /** Applies one to three mutations; returns what they were. */
    String mutate(Obj o, State s) {
        List<String> done = new ArrayList<>();
        int n = 1 + m.random().nextInt(3);
        for (int i = 0; i < n; i++) {
            String type = o.get("type") instanceof String t ? t : null;
            Map<String, List<Kind>> schema = type == null ? Map.of() : SCHEMA.getOrDefault(type, Map.of());
            List<String> names = o.names();
            switch (m.random().nextInt(8)) {
                case 0 -> {
                    if (!names.isEmpty()) {
                        String f = m.pick(names);
                        o.remove(f);
                        done.add("removed '" + f + "'");
                    }
                }
                case 1, 2 -> {
                    List<String> typed = new ArrayList<>(schema.keySet());
                    typed.add("type");
                    String f = m.pick(typed);
                    List<Kind> allowed = f.equals("type") ? STR : f.equals("data") ? List.of(Kind.OBJECT) : schema.get(f);
                    o.set(f, m.wrongValue(allowed));
                    done.add("wrong type for '" + f + "'");
                }
                case 3 -> {
                    String f = m.unknownName();
                    o.add(f, m.anyValue());
                    done.add("unknown field");
                }
                case 4 -> {
                    if (!names.isEmpty()) {
                        String f = m.pick(names);
                        o.add(f, m.chance(0.5) ? m.anyValue() : o.get(f));
                        done.add("duplicate '" + f + "'");
                    }
                }
                case 5 -> {
                    List<String> types = new ArrayList<>(clientTypes);
                    types.addAll(serverTypes);
                    String t = switch (m.random().nextInt(4)) {
                        case 0, 1 -> m.pick(types);
                        case 2 -> m.pick("PING", "Ping", "ping ", " ping", "", "join\u0000", "pïng", "signal\ud800", "ERROR", "hello");
                        default -> m.randomString(10);
                    };
                    o.set("type", t);
                    done.add("type '" + FrameMutator.abbreviate(t) + "'");
                }
                case 6 -> {
                    List<String> strings = schema.entrySet().stream().filter(e -> e.getValue() == STR).map(Map.Entry::getKey).toList();
                    if (!strings.isEmpty()) {
                        String f = m.pick(strings);
                        o.set(f, m.chance(0.8) ? m.unicodeEdge() : m.sizedString(m.random().nextInt(6000)));
                        done.add("unicode in '" + f + "'");
                    }
                }
                default -> {
                    if (!schema.isEmpty()) {
                        String f = m.pick(new ArrayList<>(schema.keySet()));
                        o.set(f, Json.NULL);
                        done.add("null '" + f + "'");
                    }
                }
            }
        }
        return String.join(", ", done);
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
        String target = m.pick(s.bystanderIds);
        for (int attempt = 0; ; attempt++) {
            Obj o;
            String label;
            switch (m.random().nextInt(9)) {
                case 0, 1 -> {
                    o = Obj.of("type", "signal", "to", target, "data", signalData());
                    label = "signal to a bystander";
                }
                case 2 -> {
                    o = Obj.of("type", "signal", "from", m.pick(s.bystanderIds), "to", target, "data", m.chance(0.5) ? m.anyValue() : Json.NULL);
                    label = "spoofed malformed signal to a bystander";
                }
                case 3 -> {
                    String variant = m.pick(target + " ", " " + target, target.toUpperCase(), target.toLowerCase(),
                            target + "\u0000", "\u200b" + target, target.substring(1), target + target);
                    o = Obj.of("type", "signal", "to", variant, "data", signalData());
                    label = "signal to a look-alike of a bystander";
                }
                case 4 -> {
                    o = Obj.of("type", "signal", "to", m.chance(0.5) ? Json.Arr.of(target) : Obj.of("id", target), "data", signalData());
                    label = "signal to a bystander id wrapped";
                }
                case 5 -> {
                    o = join(s, s.bystanderRoom);
                    o.set("resume", forgedToken(m.pick(s.bystanderIds), s.bystanderRoom));
                    label = "join the bystanders' room with a forged token";
                }
                case 6 -> {
                    o = join(s, m.chance(0.5) ? s.bystanderRoom : s.bystanderRoom.toUpperCase());
                    // Only values refused even by a lenient parser: a coerced "1" or 1.5 would really get in.
                    o.set("version", m.pick(new Raw("2", Json.RawKind.INT), new Raw("0", Json.RawKind.INT),
                            new Raw("-1", Json.RawKind.INT), new Raw("1e999999", Json.RawKind.FLOAT),
                            new Raw("123456789012345678901234567890", Json.RawKind.BIG_INT)));
                    label = "join the bystanders' room with a bad version";
                }
                case 7 -> {
                    o = join(s, s.bystanderRoom);
                    o.set("name", m.pick("n".repeat(65), "😀".repeat(65), "\u202e".repeat(10) + "x".repeat(65), Json.Arr.of("x"), Obj.of()));
                    label = "join the bystanders' room with a bad name";
                }
                default -> {
                    String text = m.truncate(Json.write(Obj.of("type", "join", "version", 1, "room", s.bystanderRoom,
                            "name", "intruder")));
                    return Frame.text("truncated join to the bystanders' room", text, Expect.error("bad-json"));
                }
            }
            Frame<Expect> f = frame("hostile: " + label, o, s);
            if (f.expect().successes().isEmpty()) {
                return f;
            }
            if (attempt > 20) {
                throw new IllegalStateException("generator keeps making acceptable frames for the bystanders: " + f);
            }
        }
    }

    private Frame<Expect> oversized(State s) {
        boolean close = m.chance(0.25);
        int bytes = close ? 4 * MAX_FRAME + 1 + m.random().nextInt(40_000) : MAX_FRAME + 1 + m.random().nextInt(3 * MAX_FRAME - 100);
        Obj o = m.chance(0.5) ? Obj.of("type", "chat", "text", "") : Obj.of("type", "signal", "to", s.partnerId == null ? "x" : s.partnerId, "data", Obj.of("sdp", ""));
        String field = o.has("text") ? "text" : "data";
        int overhead = Json.write(o).length();
        String filler = m.sizedString(bytes - overhead + 8);
        if (field.equals("text")) {
            o.set("text", filler);
        } else {
            o.set("data", Obj.of("sdp", filler));
        }
        return frame("oversized", o, s);
    }

    /** Just under, at, and just over 64 KiB, with multi-byte characters so bytes and chars differ. */
    private Frame<Expect> nearLimit(State s) {
        Obj o = Obj.of("type", "signal", "to", s.partnerId == null ? "x" : s.partnerId, "data", Obj.of("sdp", ""));
        int overhead = Json.write(o).getBytes(StandardCharsets.UTF_8).length;
        int target = MAX_FRAME + m.pick(-3, -2, -1, 0, 0, 1, 2, 3);
        String unit = m.pick("x", "é", "€", "😀");
        int unitBytes = unit.getBytes(StandardCharsets.UTF_8).length;
        int room = target - overhead;
        StringBuilder filler = new StringBuilder(unit.repeat(Math.max(0, room / unitBytes)));
        filler.append("x".repeat(Math.max(0, room - (room / unitBytes) * unitBytes)));
        o.set("data", Obj.of("sdp", filler.toString()));
        return frame("near the size limit", o, s);
    }

    private Frame<Expect> unicodeMessage(State s) {
        Obj o = switch (m.random().nextInt(4)) {
            case 0 -> Obj.of("type", "chat", "text", m.unicodeEdge() + m.randomString(10));
            case 1 -> join(s, ownRoom(s)).set("name", m.unicodeEdge());
            case 2 -> Obj.of("type", "chat", "text", m.pick("a".repeat(2000), "a".repeat(2001), "😀".repeat(2000), "😀".repeat(2001),
                    "\u0000".repeat(2500), " \n\t ", "x\u0000".repeat(1500)));
            default -> Obj.of("type", "reaction", "emoji", m.pick("👍", "❤", "❤️", "👍🏽", "🎉\u0000", "\ufeff🎉", "😮", m.unicodeEdge()));
        };
        if (m.chance(0.2)) {
            return sized("unicode with a BOM first", "\ufeff" + Json.write(o), Expect.error("bad-json"));
        }
        return frame("unicode", o, s);
    }

    // ---------------------------------------------------------------- the oracle

    /** What PROTOCOL.md says happens to message {@code o} from a connection in state {@code s}. */
    public Expect expect(Obj o, State s) {
        if (Json.hasBrokenLiteral(o) || Json.depth(o) > MAX_NESTING) {
            return Expect.error("bad-json");
        }
        Expect e = expectParsed(o, s);
        // Repeated member names are valid JSON to a lenient parser (the last one counts); a strict one may refuse.
        return Json.hasDuplicateKeys(o) ? e.or(Expect.error("bad-json", "invalid-message")) : e;
    }

    private Expect expectParsed(Obj o, State s) {
        Object typeValue = o.get("type");
        if (!(typeValue instanceof String type)) {
            return Expect.error("invalid-message");
        }
        if (!clientTypes.contains(type) && !serverTypes.contains(type)) {
            return Expect.error("unknown-type");
        }
        if (!clientTypes.contains(type)) {
            return Expect.error("unexpected-type");
        }
        Map<String, List<Kind>> schema = SCHEMA.get(type);
        if (schema == null) {
            // A client message this oracle has no rules for (added to PROTOCOL.md later): any documented answer.
            return new Expect(doc.errorCodes(), Set.of(ANY), Set.of());
        }
        Expect lenient = null;
        for (Map.Entry<String, List<Kind>> field : schema.entrySet()) {
            Object v = o.get(field.getKey());
            if (v == null || v == Json.NULL) {
                continue;
            }
            if (!field.getValue().contains(Json.kindOf(v))) {
                if (!SERVER_OWNED.contains(field.getKey())
                        && !(type.equals("chat") && field.getKey().equals("name"))) {
                    return Expect.error("invalid-message");
                }
                lenient = Expect.error("invalid-message");
            }
        }
        Expect e = switch (type) {
            case "ping" -> Expect.success(PONG);
            case "leave" -> s.joined ? Expect.success(SILENT).leaving() : Expect.error("not-joined");
            case "join" -> expectJoin(o, s);
            case "signal" -> expectSignal(o, s);
            case "media-state" -> present(o, "audio") && present(o, "video") && present(o, "screen")
                    ? joinedOr(s, Expect.success("media-state")) : Expect.error("invalid-message");
            case "hand" -> present(o, "raised") ? joinedOr(s, Expect.success("hand")) : Expect.error("invalid-message");
            case "reaction" -> o.get("emoji") instanceof String emoji && REACTIONS.contains(emoji)
                    ? joinedOr(s, Expect.success("reaction").or(Expect.error("rate-limited"))) : Expect.error("invalid-message");
            case "chat" -> expectChat(o, s);
            case "moderate" -> expectModerate(o, s);
            default -> throw new IllegalStateException(type);
        };
        return lenient == null ? e : e.or(lenient);
    }

    private static boolean present(Obj o, String field) {
        Object v = o.get(field);
        return v != null && v != Json.NULL;
    }

    private static Expect joinedOr(State s, Expect ok) {
        return s.joined ? ok : Expect.error("not-joined");
    }

    private Expect expectJoin(Obj o, State s) {
        if (!present(o, "version")) {
            return Expect.error("invalid-message");
        }
        Object version = o.get("version");
        if (!(version instanceof Raw raw ? raw.text() : String.valueOf(version)).equals("1")) {
            return Expect.error("unsupported-version");
        }
        if (!present(o, "room")) {
            return Expect.error("invalid-message");
        }
        String room = (String) o.get("room");
        if (!UUID_FORM.matcher(room).matches()) {
            return Expect.error("bad-room");
        }
        if (o.get("name") instanceof String name) {
            String clean = name.replaceAll("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]", "").strip();
            if (clean.codePointCount(0, clean.length()) > 64) {
                return Expect.error("invalid-message");
            }
        }
        // Secrets have a length limit PROTOCOL.md does not state (256 today): beyond a short one, either answer is fair.
        Expect secretTooLong = null;
        for (String secret : List.of("password", "moderatorKey")) {
            if (o.get(secret) instanceof String value && value.length() > 100) {
                secretTooLong = Expect.error("invalid-message");
            }
        }
        Expect admitted = expectAdmission(o, s, room);
        return secretTooLong == null ? admitted : admitted.or(secretTooLong);
    }

    private static Expect expectAdmission(Obj o, State s, String room) {
        if (s.joined) {
            return Expect.error("already-joined");
        }
        if (o.get("resume") instanceof String token) {
            boolean valid = s.liveTokens.containsKey(token) && room.equalsIgnoreCase(s.liveTokens.get(token));
            return valid ? Expect.success(JOINED).resuming(token) : Expect.error("resume-failed");
        }
        return Expect.success(JOINED); // for the bystanders' room never sent: the generator refuses such frames
    }

    /** The fuzzer never holds a room's moderator key: a well-formed {@code moderate} gets {@code not-moderator}. */
    private static Expect expectModerate(Obj o, State s) {
        if (!(o.get("action") instanceof String action) || !MODERATOR_ACTIONS.contains(action)) {
            return Expect.error("invalid-message");
        }
        boolean targeted = action.equals("mute") || action.equals("remove");
        if (targeted && !(o.get("target") instanceof String target && !target.isBlank())) {
            return Expect.error("invalid-message");
        }
        return joinedOr(s, Expect.error("not-moderator"));
    }

    private Expect expectSignal(Obj o, State s) {
        if (!(o.get("to") instanceof String to) || to.isBlank()) {
            return Expect.error("invalid-message");
        }
        if (!(o.get("data") instanceof Obj) && !(o.get("data") instanceof Raw r && Json.kindOf(r) == Kind.OBJECT)) {
            return Expect.error("invalid-message");
        }
        if (!s.joined) {
            return Expect.error("not-joined");
        }
        boolean partnerHere = s.partnerId != null && s.room != null && s.room.equalsIgnoreCase(s.partnerRoom);
        return partnerHere && to.equals(s.partnerId) ? Expect.success(SILENT) : Expect.error("unknown-peer");
    }

    private Expect expectChat(Obj o, State s) {
        if (!(o.get("text") instanceof String text)) {
            return Expect.error("invalid-message");
        }
        String clean = text.replaceAll("[\\p{Cc}&&[^\\n\\t]]", "").strip();
        if (clean.isEmpty()) {
            return Expect.error("invalid-message");
        }
        if (clean.codePointCount(0, clean.length()) > 2000) {
            return Expect.error("too-long");
        }
        return joinedOr(s, Expect.success("chat").or(Expect.error("rate-limited")));
    }
}
