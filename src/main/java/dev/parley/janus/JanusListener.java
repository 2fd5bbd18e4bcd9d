package dev.parley.janus;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Hears what Janus says on a {@link JanusConnection} without being asked. Both methods run on the
 * connection's receiving thread, in order, so they must return quickly and never wait on a request.
 */
public interface JanusListener {

    /**
     * A message that answers no pending request: an unsolicited plugin {@code event}, {@code webrtcup},
     * {@code media}, {@code slowlink}, {@code hangup}, {@code detached}, {@code timeout} and the like.
     */
    void onEvent(JsonNode message);

    /** The connection closed or was lost; called once, after every pending request has failed. */
    default void onClose(int code, String reason) {
    }
}
