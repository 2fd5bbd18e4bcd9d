package dev.parley.peerjs;

/**
 * A well-formed frame from a client, read without building a tree: the payload is kept as a slice of the
 * original text so relaying copies it verbatim.
 *
 * @param type         the message type
 * @param dst          the destination id, or null when absent, null or empty (all "no destination" to PeerServer)
 * @param text         the frame as received
 * @param payloadStart where the payload's JSON value starts in {@code text}, or -1 when there is none
 * @param payloadEnd   where it ends (exclusive)
 */
record ClientFrame(Wire.Type type, String dst, String text, int payloadStart, int payloadEnd) {

    boolean hasPayload() {
        return payloadStart >= 0;
    }

    /** The payload as its own string, for the rare frames that must be kept (queued for an absent peer). */
    String payload() {
        return hasPayload() ? text.substring(payloadStart, payloadEnd) : null;
    }
}
