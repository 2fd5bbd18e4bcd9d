package dev.parley.janus;

/**
 * Janus refused a request: either the core answered {@code error} (code and reason from its
 * {@code error} object) or a plugin reported {@code error_code} and {@code error} in its data, as the
 * VideoRoom does (for example 426 no such room, 429 missing pin, 433 wrong pin).
 */
public final class JanusException extends RuntimeException {
    private final int code;
    private final String reason;

    /** A refusal with Janus's numeric code and its explanation. */
    public JanusException(int code, String reason) {
        super("Janus error " + code + ": " + reason);
        this.code = code;
        this.reason = reason;
    }

    /** Janus's numeric error code. */
    public int code() {
        return code;
    }

    /** Janus's explanation. */
    public String reason() {
        return reason;
    }
}
