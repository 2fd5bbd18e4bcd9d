package dev.parley.signaling;

import dev.parley.config.SignalingConfig;
import dev.parley.room.RoomId;
import dev.parley.signaling.Message.ClientMessage;
import dev.parley.signaling.Message.Join;
import dev.parley.signaling.Message.Leave;
import dev.parley.signaling.Message.Ping;
import dev.parley.signaling.Message.Signal;

/** Checks the values of a decoded client message and returns it in normal form. */
public final class MessageValidator {

    /** Names people see on tiles; control characters would let one name spoof another's layout. */
    public static final String DEFAULT_NAME = "Guest";

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
        };
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
        return new Join(join.version(), RoomId.normalize(join.room()), normalizeName(join.name()));
    }

    private String normalizeName(String name) throws ProtocolException {
        if (name == null) {
            return DEFAULT_NAME;
        }
        String clean = name.replaceAll("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]", "").strip();
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
