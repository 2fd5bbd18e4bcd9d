package dev.parley.fuzz;

import dev.parley.fuzz.FrameMutator.Frame;
import dev.parley.fuzz.FrameMutator.FrameKind;
import dev.parley.fuzz.Json.Kind;
import dev.parley.fuzz.Json.Obj;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Frames for the PeerJS endpoint, each with what docs/peerjs.md says happens to it: relayed to {@code dst}
 * with {@code src} set by the server and the payload untouched, or ignored (not a JSON object, unknown
 * type, non-string {@code dst}, binary), or the socket closed (LEAVE without {@code dst}: 1000; over the
 * size limit: 1009). The fuzzing peer addresses mostly itself, so a relay comes straight back and can be
 * compared byte for byte.
 */
public final class PeerJsFrames {

    public enum Outcome {
        /** Nothing comes back to the sender now. */
        IGNORED,
        /** Relayed back to the sender, who addressed itself. */
        ECHO,
        /** Relayed to the partner (nothing comes back to the sender). */
        PARTNER,
        /** The socket is closed. */
        CLOSE
    }

    /**
     * What may happen: one of {@code outcomes}; for ECHO, the type and exact payload text expected back
     * ({@code payload} null when the frame has none); for CLOSE, the code (0: any documented one).
     */
    public record Expect(Set<Outcome> outcomes, String type, String payload, int close) {
        static Expect of(Outcome... outcomes) {
            return new Expect(Set.of(outcomes), null, null, 0);
        }

        static Expect echo(String type, String payload) {
            return new Expect(Set.of(Outcome.ECHO), type, payload, 0);
        }

        static Expect close(int code) {
            return new Expect(Set.of(Outcome.CLOSE), null, null, code);
        }

        Expect orIgnored() {
            Set<Outcome> more = new java.util.HashSet<>(outcomes);
            more.add(Outcome.IGNORED);
            return new Expect(Set.copyOf(more), type, payload, close);
        }

        public boolean closesOnly() {
            return outcomes.equals(Set.of(Outcome.CLOSE));
        }

        @Override
        public String toString() {
            return outcomes + (type != null ? " " + type : "") + (payload != null ? " payload " + FrameMutator.abbreviate(payload) : "")
                    + (close != 0 ? " close " + close : "");
        }
    }

    /** Who the fuzzing peer is and whom it may address. */
    public static final class State {
        public String selfId;
        public String partnerId;
        public List<String> bystanderIds = List.of();
        /** Ids addressed that nobody holds: messages to them wait, then come back as EXPIRE. */
        public final Set<String> absentIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
    }

    static final List<String> RELAYED = List.of("OFFER", "ANSWER", "CANDIDATE", "LEAVE", "EXPIRE");
    static final List<String> TYPES = List.of("OFFER", "ANSWER", "CANDIDATE", "LEAVE", "EXPIRE", "HEARTBEAT");
    private static final int MAX_FRAME = 64 * 1024;
    private static final int MAX_NESTING = 1000;

    private final FrameMutator m;
    private final ProtocolDoc doc;

    public PeerJsFrames(FrameMutator mutator, ProtocolDoc doc) {
        this.m = mutator;
        this.doc = doc;
    }

    public Frame<Expect> next(State s) {
        int c = m.random().nextInt(1000);
        boolean heavy = c >= 800 && c < 880 || c >= 950 && c < 975 || c >= 995;
        if (heavy && m.skipHeavy()) {
            c = m.random().nextInt(550);
        }
        if (c < 250) {
            return frame("valid", valid(s), s);
        }
        if (c < 550) {
            Obj o = valid(s);
            return frame("mutated " + mutate(o), o, s);
        }
        if (c < 620) {
            return sized("truncated", m.truncate(Json.write(valid(s))), Expect.of(Outcome.IGNORED));
        }
        if (c < 660) {
            return sized("trailing text", Json.write(valid(s)) + m.trailing(), Expect.of(Outcome.IGNORED));
        }
        if (c < 700) {
            String soup = m.soup();
            return sized("soup", soup, Expect.of(Outcome.IGNORED));
        }
        if (c < 800) {
            return aimedAtBystander(s);
        }
        if (c < 830) {
            Obj o = valid(s);
            o.set(m.chance(0.5) ? "payload" : m.unknownName(), m.deepOrShallow());
            return frame("deep nesting", o, s);
        }
        if (c < 860) {
            Obj o = valid(s);
            o.set(m.chance(0.7) ? "payload" : m.unknownName(), m.chance(0.7) ? m.hugeNumber() : m.tooLongNumber());
            return frame("huge number", o, s);
        }
        if (c < 880) {
            return nearLimit(s);
        }
        if (c < 910) {
            Obj o = valid(s);
            o.set("payload", Obj.of("sdp", m.unicodeEdge(), "label", m.unicodeEdge()));
            if (m.chance(0.2)) {
                return sized("unicode with a BOM first", "\ufeff" + Json.write(o), Expect.of(Outcome.IGNORED, Outcome.ECHO));
            }
            return frame("unicode", o, s);
        }
        if (c < 950) {
            byte[] data = m.chance(0.5) ? Json.write(valid(s)).getBytes(StandardCharsets.UTF_8)
                    : m.randomBytes(m.chance(0.05) ? 70_000 : m.random().nextInt(300));
            Expect e = data.length > MAX_FRAME ? Expect.close(1009)
                    : doc.binaryFramesIgnored() ? Expect.of(Outcome.IGNORED) : Expect.of(Outcome.IGNORED, Outcome.CLOSE);
            return new Frame<>("binary", FrameKind.BINARY, null, data, null, 0, e);
        }
        if (c < 965) {
            return new Frame<>("invalid UTF-8", FrameKind.TEXT_BYTES, null, m.invalidUtf8(Json.write(valid(s))), null, 0,
                    Expect.close(1007));
        }
        if (c < 975) {
            return new Frame<>("framing violation", FrameKind.VIOLATION, null, null, m.violation(), 0, Expect.close(0));
        }
        if (c < 995) {
            Frame<Expect> whole = frame("fragmented", valid(s), s);
            return new Frame<>(whole.label(), FrameKind.FRAGMENTED, whole.text(), null, null, 2 + m.random().nextInt(4), whole.expect());
        }
        return new Frame<>("broken stream", FrameKind.RAW_ABORT, null, m.brokenStream(), null, 0, null);
    }

    /** A message as PeerJS sends it, addressed mostly to the sender itself. */
    public Obj valid(State s) {
        String type = m.chance(0.08) ? "HEARTBEAT" : m.pick("OFFER", "ANSWER", "CANDIDATE", "CANDIDATE", "OFFER", "LEAVE", "EXPIRE");
        Obj o = Obj.of("type", type);
        if (type.equals("HEARTBEAT")) {
            return o;
        }
        int who = m.random().nextInt(20);
        if (type.equals("LEAVE") && who == 0 && m.chance(0.3)) {
            return o; // leaves the server: the socket closes
        }
        String dst = who < 13 ? s.selfId : who < 16 ? s.partnerId : who < 18 ? absentId(s) : m.chance(0.5) ? "" : "nobody";
        if (!dst.isEmpty() || m.chance(0.5)) {
            o.add("dst", dst);
        }
        if (m.chance(0.15)) {
            o.add("src", m.pick(s.bystanderIds)); // spoofing: the server must write the real sender
        }
        if (!type.equals("LEAVE") && !type.equals("EXPIRE") || m.chance(0.2)) {
            o.add("payload", payload(type));
        }
        return o;
    }

    private String absentId(State s) {
        String id = "absent-" + UUID.randomUUID();
        s.absentIds.add(id);
        return id;
    }

    private Object payload(String type) {
        return switch (type) {
            case "OFFER", "ANSWER" -> Obj.of("sdp", Obj.of("type", type.toLowerCase(), "sdp", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"
                    + m.randomString(30)), "type", "media", "connectionId", "mc_" + m.random().nextInt(1_000_000), "browser", "firefox",
                    "label", m.unicodeEdge(), "metadata", m.anyValue());
            case "CANDIDATE" -> Obj.of("candidate", Obj.of("candidate", "candidate:1 1 udp 2122260223 192.0.2.7 54321 typ host",
                    "sdpMid", "0", "sdpMLineIndex", m.smallInt()), "type", "data", "connectionId", "dc_" + m.random().nextInt(1000));
            default -> m.anyValue();
        };
    }

    String mutate(Obj o) {
        List<String> done = new ArrayList<>();
        int n = 1 + m.random().nextInt(3);
        for (int i = 0; i < n; i++) {
            List<String> names = o.names();
            switch (m.random().nextInt(7)) {
                case 0 -> {
                    if (!names.isEmpty()) {
                        String f = m.pick(names);
                        o.remove(f);
                        done.add("removed '" + f + "'");
                    }
                }
                case 1 -> {
                    o.set("type", m.chance(0.5) ? m.wrongValue(List.of(Kind.STRING))
                            : m.pick("offer", "Offer", "OFFER ", "", "OPEN", "ERROR", "ID-TAKEN", "HEARTBEAT\u0000", m.randomString(8)));
                    done.add("type");
                }
                case 2 -> {
                    if (o.has("dst")) {
                        o.set("dst", m.wrongValue(List.of(Kind.STRING)));
                        done.add("non-string dst");
                    }
                }
                case 3 -> {
                    o.add(m.unknownName(), m.anyValue());
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
                    o.set("payload", m.anyValue());
                    done.add("payload");
                }
                default -> {
                    o.set("type", m.pick(TYPES));
                    done.add("retyped");
                }
            }
        }
        return String.join(", ", done);
    }

    /** Frames with a bystander's id as {@code dst} that the documentation says are ignored: none may reach it. */
    private Frame<Expect> aimedAtBystander(State s) {
        String target = m.pick(s.bystanderIds);
        Obj o = Obj.of("type", m.pick(RELAYED.subList(0, 3)), "dst", target, "src", m.pick(s.bystanderIds), "payload", payload("OFFER"));
        String label;
        String text;
        switch (m.random().nextInt(7)) {
            case 0 -> {
                label = "truncated";
                text = m.truncate(Json.write(o));
            }
            case 1 -> {
                label = "trailing text";
                text = Json.write(o) + m.trailing();
            }
            case 2 -> {
                o.set("dst", m.pick(Json.Arr.of(target), Obj.of("id", target), (Object) 5, true));
                label = "non-string dst";
                text = Json.write(o);
            }
            case 3 -> {
                o.add("dst", m.chance(0.5) ? Json.Arr.of(target) : m.smallInt());
                label = "second, non-string dst";
                text = Json.write(o);
            }
            case 4 -> {
                o.set("type", m.pick("offer", "Offer", "OPEN", "ERROR", "", "LEAVE ", "RELAY", m.randomString(6)));
                label = "unknown type";
                text = Json.write(o);
            }
            case 5 -> {
                o.set("type", m.wrongValue(List.of(Kind.STRING)));
                label = "non-string type";
                text = Json.write(o);
            }
            default -> {
                byte[] data = Json.write(o).getBytes(StandardCharsets.UTF_8);
                return new Frame<>("aimed at a bystander: binary", FrameKind.BINARY, null, data, null, 0, Expect.of(Outcome.IGNORED));
            }
        }
        return sized("aimed at a bystander: " + label, text, Expect.of(Outcome.IGNORED));
    }

    private Frame<Expect> nearLimit(State s) {
        Obj o = Obj.of("type", "OFFER", "dst", s.selfId, "payload", "");
        int overhead = Json.write(o).getBytes(StandardCharsets.UTF_8).length;
        int target = MAX_FRAME + m.pick(-2, -1, 0, 0, 1, 2);
        String unit = m.pick("x", "é", "€", "😀");
        int unitBytes = unit.getBytes(StandardCharsets.UTF_8).length;
        int room = target - overhead;
        String filler = unit.repeat(Math.max(0, room / unitBytes)) + "x".repeat(Math.max(0, room - (room / unitBytes) * unitBytes));
        o.set("payload", filler);
        return frame("near the size limit", o, s);
    }

    public Frame<Expect> frame(String label, Obj o, State s) {
        return sized(label, Json.write(o), expect(o, s));
    }

    public Frame<Expect> sized(String label, String text, Expect otherwise) {
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        return Frame.text(label, text, bytes > MAX_FRAME ? Expect.close(1009) : otherwise);
    }

    /** What docs/peerjs.md says happens to {@code o} sent by the fuzzing peer. */
    public Expect expect(Obj o, State s) {
        if (Json.hasBrokenLiteral(o)) {
            return Expect.of(Outcome.IGNORED);
        }
        Expect e = expectParsed(o, s);
        if (Json.depth(o) > MAX_NESTING) {
            // Still a JSON object, though deeper than parsers like: relaying or ignoring it are both fair.
            e = e.orIgnored();
        }
        return Json.hasDuplicateKeys(o) ? e.orIgnored() : e;
    }

    private Expect expectParsed(Obj o, State s) {
        if (!(o.get("type") instanceof String type) || !TYPES.contains(type)) {
            return Expect.of(Outcome.IGNORED);
        }
        for (var member : o.members()) {
            if (member.getKey().equals("dst") && !(member.getValue() instanceof String) && member.getValue() != Json.NULL) {
                return Expect.of(Outcome.IGNORED);
            }
        }
        if (type.equals("HEARTBEAT")) {
            return Expect.of(Outcome.IGNORED);
        }
        String dst = o.get("dst") instanceof String d && !d.isEmpty() ? d : null;
        if (dst == null) {
            return type.equals("LEAVE") ? Expect.close(1000) : Expect.of(Outcome.IGNORED);
        }
        if (s.bystanderIds.contains(dst)) {
            throw new IllegalStateException("a valid frame for a bystander: " + o);
        }
        if (dst.equals(s.selfId)) {
            Object payload = o.get("payload");
            return Expect.echo(type, payload == null ? null : Json.write(payload));
        }
        if (dst.equals(s.partnerId)) {
            return Expect.of(Outcome.PARTNER);
        }
        return Expect.of(Outcome.IGNORED);
    }
}
