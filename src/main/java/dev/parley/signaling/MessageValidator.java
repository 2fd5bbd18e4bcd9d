package dev.parley.signaling;

import dev.parley.config.SignalingConfig;
import dev.parley.room.RoomId;
import dev.parley.signaling.Message.Chat;
import dev.parley.signaling.Message.ClientMessage;
import dev.parley.signaling.Message.Hand;
import dev.parley.signaling.Message.Join;
import dev.parley.signaling.Message.Leave;
import dev.parley.signaling.Message.MediaState;
import dev.parley.signaling.Message.Moderate;
import dev.parley.signaling.Message.Ping;
import dev.parley.signaling.Message.Reaction;
import dev.parley.signaling.Message.IceCandidate;
import dev.parley.signaling.Message.SfuAnswer;
import dev.parley.signaling.Message.SfuCandidate;
import dev.parley.signaling.Message.SfuPublish;
import dev.parley.signaling.Message.SfuQuality;
import dev.parley.signaling.Message.Signal;
import java.util.List;

/** Checks the values of a decoded client message and returns it in normal form. */
public final class MessageValidator {

    /** Names people see on tiles; control characters would let one name spoof another's layout. */
    public static final String DEFAULT_NAME = "Guest";

    /** The reactions offered in the UI; anything else could be arbitrary text shown on everyone's screen. */
    public static final List<String> REACTIONS = List.of("👍", "❤️", "😂", "🎉", "👏", "😮");

    public static final List<String> MODERATOR_ACTIONS = List.of("mute", "remove", "lock", "unlock", "end");
    private static final int MAX_SECRET_LENGTH = 256;
    /** An ICE candidate line is about 100 characters; a generous bound. */
    private static final int MAX_CANDIDATE_LENGTH = 512;
    /** Media ids are short tokens ("0", "1", "audio"). */
    private static final int MAX_MID_LENGTH = 32;
    /** Sources of sfu-candidate: the two publishing connections and the receiving one. */
    private static final List<String> CANDIDATE_SOURCES = List.of("camera", "screen", "receive");

    private final SignalingConfig config;

    public MessageValidator(SignalingConfig config) {
        this.config = config;
    }

    public ClientMessage validate(ClientMessage message) throws ProtocolException {
        return switch (message) {
            case Join join -> validateJoin(join);
            case Signal signal -> validateSignal(signal);
            case Ping ping -> ping;
            case Leave leave -> leave;
            case MediaState state -> validateMediaState(state);
            case Chat chat -> validateChat(chat);
            case Hand hand -> validateHand(hand);
            case Reaction reaction -> validateReaction(reaction);
            case Moderate moderate -> validateModerate(moderate);
            case SfuPublish publish -> new SfuPublish(sdp(publish.sdp(), "sfu-publish"), source(publish.source()));
            case SfuAnswer answer -> new SfuAnswer(sdp(answer.sdp(), "sfu-answer"));
            case SfuQuality quality -> validateQuality(quality);
            case SfuCandidate candidate -> validateCandidate(candidate);
        };
    }

    /** Only the shape is checked here; the media server parses the rest and its refusal comes back as sfu-failed. */
    private static String sdp(String sdp, String type) throws ProtocolException {
        if (sdp == null || !sdp.startsWith("v=0")) {
            throw invalid(type + " needs 'sdp', a session description starting with v=0");
        }
        return sdp;
    }

    private static String source(String source) throws ProtocolException {
        if (source == null) {
            return "camera";
        }
        if (!source.equals("camera") && !source.equals("screen")) {
            throw invalid("sfu-publish 'source' must be camera or screen");
        }
        return source;
    }

    private static SfuQuality validateQuality(SfuQuality quality) throws ProtocolException {
        if (quality.participant() == null || quality.participant().isBlank()) {
            throw invalid("sfu-quality needs 'participant', a participant id");
        }
        if (!List.of("high", "low", "off").contains(quality.quality())) {
            throw invalid("sfu-quality needs 'quality': high, low or off");
        }
        return quality;
    }

    private static SfuCandidate validateCandidate(SfuCandidate message) throws ProtocolException {
        if (message.source() == null || !CANDIDATE_SOURCES.contains(message.source())) {
            throw invalid("sfu-candidate needs 'source': camera, screen or receive");
        }
        IceCandidate c = message.candidate();
        if (c == null) {
            return message;
        }
        if (c.candidate() == null || !c.candidate().startsWith("candidate:") || c.candidate().length() > MAX_CANDIDATE_LENGTH
                || c.candidate().chars().anyMatch(ch -> ch < 0x20)) {
            throw invalid("sfu-candidate 'candidate.candidate' must be one ICE candidate line (candidate:…), at most "
                    + MAX_CANDIDATE_LENGTH + " characters");
        }
        if (c.sdpMid() == null && c.sdpMLineIndex() == null) {
            throw invalid("sfu-candidate needs 'candidate.sdpMid' or 'candidate.sdpMLineIndex'");
        }
        if (c.sdpMid() != null && (c.sdpMid().isEmpty() || c.sdpMid().length() > MAX_MID_LENGTH
                || c.sdpMid().chars().anyMatch(ch -> ch <= 0x20))) {
            throw invalid("sfu-candidate 'candidate.sdpMid' must be a media id of at most " + MAX_MID_LENGTH + " characters");
        }
        if (c.sdpMLineIndex() != null && (c.sdpMLineIndex() < 0 || c.sdpMLineIndex() > 1023)) {
            throw invalid("sfu-candidate 'candidate.sdpMLineIndex' must be 0 to 1023");
        }
        return message;
    }

    private static Moderate validateModerate(Moderate moderate) throws ProtocolException {
        if (moderate.action() == null || !MODERATOR_ACTIONS.contains(moderate.action())) {
            throw invalid("moderate needs 'action': one of " + String.join(", ", MODERATOR_ACTIONS));
        }
        boolean targeted = moderate.action().equals("mute") || moderate.action().equals("remove");
        if (targeted && (moderate.target() == null || moderate.target().isBlank())) {
            throw invalid(moderate.action() + " needs 'target', a participant id");
        }
        return new Moderate(moderate.action(), targeted ? moderate.target() : null);
    }

    private static String limited(String secret, String field) throws ProtocolException {
        if (secret != null && secret.length() > MAX_SECRET_LENGTH) {
            throw invalid(field + " is too long");
        }
        return secret;
    }

    private static MediaState validateMediaState(MediaState state) throws ProtocolException {
        if (state.audio() == null || state.video() == null || state.screen() == null) {
            throw invalid("media-state needs 'audio', 'video' and 'screen', each true or false");
        }
        return new MediaState(null, state.audio(), state.video(), state.screen(), null);
    }

    private Chat validateChat(Chat chat) throws ProtocolException {
        if (chat.text() == null) {
            throw invalid("chat needs 'text'");
        }
        // Line breaks are kept; other control characters are not.
        String text = chat.text().replaceAll("[\\p{Cc}&&[^\\n\\t]]", "").strip();
        if (text.isEmpty()) {
            throw invalid("chat message is empty");
        }
        if (text.codePointCount(0, text.length()) > config.maxChatLength()) {
            throw new ProtocolException(ErrorCode.TOO_LONG,
                    "chat message is longer than " + config.maxChatLength() + " characters");
        }
        return new Chat(null, null, text, null);
    }

    private static Hand validateHand(Hand hand) throws ProtocolException {
        if (hand.raised() == null) {
            throw invalid("hand needs 'raised', true or false");
        }
        return new Hand(null, hand.raised());
    }

    private static Reaction validateReaction(Reaction reaction) throws ProtocolException {
        if (reaction.emoji() == null || !REACTIONS.contains(reaction.emoji())) {
            throw invalid("reaction must be one of " + String.join(" ", REACTIONS));
        }
        return new Reaction(null, reaction.emoji());
    }

    private Join validateJoin(Join join) throws ProtocolException {
        if (join.version() == null) {
            throw invalid("join needs 'version'");
        }
        if (join.version() != Message.VERSION) {
            throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION,
                    "protocol version " + join.version() + " is not supported; this server speaks " + Message.VERSION);
        }
        if (join.room() == null) {
            throw invalid("join needs 'room'");
        }
        if (!RoomId.isValid(join.room())) {
            throw new ProtocolException(ErrorCode.BAD_ROOM, "room id must be a UUID");
        }
        return new Join(join.version(), RoomId.normalize(join.room()), normalizeName(join.name()),
                join.audio() == null || join.audio(), join.video() == null || join.video(), join.resume(),
                limited(join.password(), "password"), limited(join.moderatorKey(), "moderatorKey"));
    }

    private String normalizeName(String name) throws ProtocolException {
        if (name == null) {
            return DEFAULT_NAME;
        }
        // Invisible formatting goes; control characters (a tab, a newline) and every kind of space,
        // no-break ones included, become one space, so no name is blank to look at or glued together.
        String clean = name.replaceAll("\\p{Cf}", "").replaceAll("[\\p{Cc}\\p{Z}]+", " ").strip();
        if (clean.codePointCount(0, clean.length()) > config.maxNameLength()) {
            throw invalid("name is longer than " + config.maxNameLength() + " characters");
        }
        return clean.isEmpty() ? DEFAULT_NAME : clean;
    }

    private static Signal validateSignal(Signal signal) throws ProtocolException {
        if (signal.to() == null || signal.to().isBlank()) {
            throw invalid("signal needs 'to', the id of a participant");
        }
        if (signal.data() == null || !signal.data().isObject()) {
            throw invalid("signal needs 'data', an object");
        }
        return signal;
    }

    private static ProtocolException invalid(String message) {
        return new ProtocolException(ErrorCode.INVALID_MESSAGE, message);
    }
}
