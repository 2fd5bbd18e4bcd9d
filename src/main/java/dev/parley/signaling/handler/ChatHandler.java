package dev.parley.signaling.handler;

import dev.parley.chat.ChatEntry;
import dev.parley.room.Participant;
import dev.parley.room.Room;
import dev.parley.signaling.ErrorCode;
import dev.parley.signaling.Message.Chat;
import dev.parley.signaling.ProtocolException;
import dev.parley.signaling.Session;
import dev.parley.signaling.Session.Membership;
import java.time.InstantSource;

/** Stamps a chat message with its sender and time, keeps it for late joiners, and sends it to the room. */
public final class ChatHandler implements MessageHandler<Chat> {
    private final RoomAnnouncer announcer;
    private final ChatBudget budget;
    private final InstantSource clock;

    public ChatHandler(RoomAnnouncer announcer, ChatBudget budget, InstantSource clock) {
        this.announcer = announcer;
        this.budget = budget;
        this.clock = clock;
    }

    @Override
    public void handle(Session session, Chat chat) throws ProtocolException {
        Membership me = Memberships.require(session);
        budget.spend(session);
        Room room = announcer.roomOf(me);
        Participant sender = room.find(me.participantId())
                .orElseThrow(() -> new ProtocolException(ErrorCode.NOT_JOINED, "join a room first"));
        ChatEntry entry = new ChatEntry(sender.id(), sender.name(), chat.text(), clock.millis());
        room.postChat(entry, announcer.codec().encode(toMessage(entry)));
    }

    static Chat toMessage(ChatEntry entry) {
        return new Chat(entry.from(), entry.name(), entry.text(), entry.ts());
    }
}
