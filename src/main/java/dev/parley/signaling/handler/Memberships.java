package dev.parley.signaling.handler;

import dev.parley.signaling.ErrorCode;
import dev.parley.signaling.ProtocolException;
import dev.parley.signaling.Session;
import dev.parley.signaling.Session.Membership;

/** Guards for handlers that need a joined session. */
final class Memberships {
    private Memberships() {}

    static Membership require(Session session) throws ProtocolException {
        return session.membership().orElseThrow(
                () -> new ProtocolException(ErrorCode.NOT_JOINED, "join a room first"));
    }
}
