package dev.parley.signaling.handler;

import dev.parley.signaling.Message.Reaction;
import dev.parley.signaling.ProtocolException;
import dev.parley.signaling.Session;
import dev.parley.signaling.Session.Membership;

/** Shows a reaction to everyone; nothing is kept, a reaction is a moment. */
public final class ReactionHandler implements MessageHandler<Reaction> {
    private final RoomAnnouncer announcer;
    private final ChatBudget budget;

    public ReactionHandler(RoomAnnouncer announcer, ChatBudget budget) {
        this.announcer = announcer;
        this.budget = budget;
    }

    @Override
    public void handle(Session session, Reaction reaction) throws ProtocolException {
        Membership me = Memberships.require(session);
        budget.spend(session);
        announcer.toEveryone(announcer.roomOf(me), new Reaction(me.participantId(), reaction.emoji()));
    }
}
