package dev.parley.signaling.handler;

import dev.parley.signaling.ErrorCode;
import dev.parley.signaling.ProtocolException;
import dev.parley.signaling.Session;
import java.time.InstantSource;

/** The per-connection allowance for things everyone sees (chat and reactions), tighter than the general one. */
public final class ChatBudget {
    private final InstantSource clock;

    public ChatBudget(InstantSource clock) {
        this.clock = clock;
    }

    void spend(Session session) throws ProtocolException {
        if (!session.chatBudget().tryTake(clock.millis())) {
            throw new ProtocolException(ErrorCode.RATE_LIMITED, "You're sending messages too fast. Wait a moment.");
        }
    }
}
