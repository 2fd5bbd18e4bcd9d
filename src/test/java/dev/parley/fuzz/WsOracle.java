package dev.parley.fuzz;

import static dev.parley.fuzz.WsFrames.ANY;
import static dev.parley.fuzz.WsFrames.JOINED;
import static dev.parley.fuzz.WsFrames.PONG;
import static dev.parley.fuzz.WsFrames.SILENT;

import dev.parley.fuzz.Json.Kind;
import dev.parley.fuzz.Json.Obj;
import dev.parley.fuzz.Json.Raw;
import dev.parley.fuzz.WsFrames.Expect;
import dev.parley.fuzz.WsFrames.State;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The oracle for {@code /ws}: what PROTOCOL.md says must happen to a message (field types, validation
 * order, error codes), from the documented rules alone and the fuzzing connection's state. Also the
 * message schema, which the generator uses to aim its mutations.
 */
final class WsOracle {

    /** The fields a client message may carry and their JSON types, for the types whose rules this oracle knows. */
    static final Map<String, Map<String, List<Kind>>> SCHEMA = new LinkedHashMap<>();
    static final List<Kind> STR = List.of(Kind.STRING);
    private static final List<Kind> INT = List.of(Kind.INT);
    private static final List<Kind> LONG = List.of(Kind.INT, Kind.LONG);
    private static final List<Kind> BOOL = List.of(Kind.BOOL);
    private static final List<Kind> ANY_KIND = List.of(Kind.values());
    /** Fields the server stamps itself: a client's value is ignored, or refused if it has the wrong type. */
    private static final Set<String> SERVER_OWNED = Set.of("from", "ts", "screenOrder");

    static {
        SCHEMA.put("join", Map.of("version", INT, "room", STR, "name", STR, "audio", BOOL, "video", BOOL, "resume", STR,
                "password", STR, "moderatorKey", STR));
        SCHEMA.put("signal", Map.of("from", STR, "to", STR, "data", ANY_KIND));
        SCHEMA.put("ping", Map.of());
        SCHEMA.put("leave", Map.of());
        SCHEMA.put("media-state", Map.of("from", STR, "audio", BOOL, "video", BOOL, "screen", BOOL, "screenOrder", LONG));
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
    private static final int MAX_NESTING = 1000;

    private final ProtocolDoc doc;
    private final Set<String> clientTypes;
    private final Set<String> serverTypes;

    WsOracle(ProtocolDoc doc, Set<String> clientTypes, Set<String> serverTypes) {
        this.doc = doc;
        this.clientTypes = clientTypes;
        this.serverTypes = serverTypes;
    }

    /** What PROTOCOL.md says happens to message {@code o} from a connection in state {@code s}. */
    Expect expect(Obj o, State s) {
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
            String clean = name.replaceAll("\\p{Cf}", "").replaceAll("[\\p{Cc}\\p{Z}]+", " ").strip();
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