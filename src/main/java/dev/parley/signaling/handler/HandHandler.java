package dev.parley.signaling.handler;

import dev.parley.signaling.Message.Hand;
import dev.parley.signaling.ProtocolException;
import dev.parley.signaling.Session;
import dev.parley.signaling.Session.Membership;

/** Raises or lowers a hand; the state is kept so late joiners see raised hands too. */
public final class HandHandler implements MessageHandler<Hand> {
    private final RoomAnnouncer announcer;

    public HandHandler(RoomAnnouncer announcer) {
        this.announcer = announcer;
    }

    @Override
    public void handle(Session session, Hand hand) throws ProtocolException {
        Membership me = Memberships.require(session);
        announcer.roomOf(me).updateAndBroadcast(me.participantId(),
                s -> s.withHand(hand.raised()),
                p -> announcer.codec().encode(new Hand(p.id(), hand.raised())));
    }
}
