package dev.parley.signaling.handler;

import dev.parley.signaling.Message.Leave;
import dev.parley.signaling.Presence;
import dev.parley.signaling.ProtocolException;
import dev.parley.signaling.Session;

/** Takes the sender out of its room at once, without waiting for its socket to close. */
public final class LeaveHandler implements MessageHandler<Leave> {
    private final Presence presence;

    public LeaveHandler(Presence presence) {
        this.presence = presence;
    }

    @Override
    public void handle(Session session, Leave leave) throws ProtocolException {
        Memberships.require(session);
        presence.depart(session, "left");
    }
}
