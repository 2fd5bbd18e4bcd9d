package dev.parley.signaling;

/** The stable error codes of the {@code error} message, listed in PROTOCOL.md. */
public enum ErrorCode {
    BAD_JSON("bad-json"),
    UNKNOWN_TYPE("unknown-type"),
    INVALID_MESSAGE("invalid-message"),
    UNEXPECTED_TYPE("unexpected-type"),
    TOO_LARGE("too-large"),
    TOO_LONG("too-long"),
    RATE_LIMITED("rate-limited"),
    UNSUPPORTED_VERSION("unsupported-version"),
    BAD_ROOM("bad-room"),
    ROOM_FULL("room-full"),
    SERVER_FULL("server-full"),
    NOT_JOINED("not-joined"),
    ALREADY_JOINED("already-joined"),
    RESUME_FAILED("resume-failed"),
    UNKNOWN_PEER("unknown-peer"),
    PASSWORD_REQUIRED("password-required"),
    BAD_PASSWORD("bad-password"),
    ROOM_LOCKED("room-locked"),
    REMOVED("removed"),
    NOT_MODERATOR("not-moderator"),
    NOT_SFU("not-sfu"),
    SFU_FAILED("sfu-failed"),
    INTERNAL("internal");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    /** The code as written in the {@code code} field. */
    public String wire() {
        return wire;
    }
}
