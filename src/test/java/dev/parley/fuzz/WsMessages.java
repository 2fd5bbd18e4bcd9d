package dev.parley.fuzz;

import dev.parley.fuzz.Json.Kind;
import dev.parley.fuzz.Json.Obj;
import dev.parley.fuzz.Json.Raw;
import dev.parley.fuzz.WsFrames.State;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Messages for {@code /ws}: valid ones that fit the fuzzing connection's state (joins, signals to the
 * partner, chat, resume tokens live, used and forged), and mutations of them aimed by {@link WsOracle#SCHEMA}.
 */
final class WsMessages {
    private final FrameMutator m;
    private final Set<String> clientTypes;
    private final Set<String> serverTypes;

    WsMessages(FrameMutator mutator, Set<String> clientTypes, Set<String> serverTypes) {
        this.m = mutator;
        this.clientTypes = clientTypes;
        this.serverTypes = serverTypes;
    }

    /** A valid message for the connection's state: mostly join when out of a room, anything when in one. */
    Obj valid(State s) {
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
            case 9 -> m.chance(0.85) ? Obj.of("type", "reaction", "emoji", m.chance(0.8) ? m.pick(WsOracle.REACTIONS) : m.unicodeEdge())
                    : Obj.of("type", "moderate", "action", m.pick(WsOracle.MODERATOR_ACTIONS), "target", s.partnerId == null ? "x" : s.partnerId);
            default -> Obj.of("type", "signal", "to", s.partnerId == null ? randomId(s) : s.partnerId,
                    "data", Obj.of("candidate", Obj.of("candidate", "candidate:1 1 udp 2122260223 192.0.2.7 54321 typ host",
                            "sdpMid", "0", "sdpMLineIndex", m.smallInt())));
        };
    }

    String ownRoom(State s) {
        return s.partnerRoom != null && m.chance(0.8) ? (m.chance(0.1) ? s.partnerRoom.toUpperCase() : s.partnerRoom)
                : UUID.randomUUID().toString();
    }

    Obj join(State s, String room) {
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
    String forgedToken(String participantId, String room) {
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

    Obj signalData() {
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

    Obj withMutation(State s) {
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
            Map<String, List<Kind>> schema = type == null ? Map.of() : WsOracle.SCHEMA.getOrDefault(type, Map.of());
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
                    List<Kind> allowed = f.equals("type") ? WsOracle.STR : f.equals("data") ? List.of(Kind.OBJECT) : schema.get(f);
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
                    List<String> strings = schema.entrySet().stream().filter(e -> e.getValue() == WsOracle.STR).map(Map.Entry::getKey).toList();
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
}
