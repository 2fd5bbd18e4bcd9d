package dev.parley.signaling;

/** A client message was refused; becomes an {@code error} reply to that client only. */
public final class ProtocolException extends Exception {
    private final ErrorCode code;

    public ProtocolException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public Message.ErrorReply toReply() {
        return Message.ErrorReply.of(code, getMessage());
    }
}
