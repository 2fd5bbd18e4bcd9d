package dev.parley.peerjs;

/**
 * The PeerJS wire vocabulary in one place: message types, error texts and the close codes we use.
 * The texts are the ones PeerServer sends, because PeerJS apps show them to users and some match on them.
 */
final class Wire {
    private Wire() {}

    /** Every message type of the protocol; the first five are relayed between peers. */
    enum Type {
        OFFER, ANSWER, CANDIDATE, LEAVE, EXPIRE,
        HEARTBEAT,
        OPEN, ERROR, ID_TAKEN("ID-TAKEN");

        private final String text;

        Type() {
            this.text = name();
        }

        Type(String text) {
            this.text = text;
        }

        String text() {
            return text;
        }

        /** The type a client named, or null for one we do not handle (ignored, as PeerServer does). */
        static Type fromClient(String text) {
            // A switch on strings hashes once and allocates nothing: this runs for every frame.
            return switch (text) {
                case "OFFER" -> OFFER;
                case "ANSWER" -> ANSWER;
                case "CANDIDATE" -> CANDIDATE;
                case "LEAVE" -> LEAVE;
                case "EXPIRE" -> EXPIRE;
                case "HEARTBEAT" -> HEARTBEAT;
                default -> null;
            };
        }
    }

    /** Refusals sent as {@code ERROR} before closing the socket; a PeerJS client aborts on any of them. */
    enum Error {
        INVALID_WS_PARAMETERS("No id, token, or key supplied to websocket server"),
        INVALID_KEY("Invalid key provided"),
        CONNECTION_LIMIT_EXCEED("Server has reached its concurrent user limit");

        private final String text;

        Error(String text) {
            this.text = text;
        }

        String text() {
            return text;
        }
    }

    /** Payload text of {@code ID-TAKEN}. */
    static final String ID_TAKEN_TEXT = "ID is taken";

    /** After an answer that ends the conversation (ERROR, ID-TAKEN) or a LEAVE without destination. */
    static final int CLOSE_NORMAL = 1000;
    /** No HEARTBEAT within the alive timeout; same code as the room protocol's heartbeat timeout. */
    static final int CLOSE_SILENT = 4000;
    /** A newer socket with the same id and token took over. */
    static final int CLOSE_REPLACED = 4001;
    /** A message could not be delivered to this socket. */
    static final int CLOSE_UNREACHABLE = 4002;
}
