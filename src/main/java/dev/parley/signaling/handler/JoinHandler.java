package dev.parley.signaling.handler;

import dev.parley.config.SignalingConfig;
import dev.parley.room.Participant;
import dev.parley.room.ParticipantState;
import dev.parley.room.RoomFullException;
import dev.parley.room.RoomRegistry;
import dev.parley.room.RoomRegistry.Admission;
import dev.parley.signaling.ErrorCode;
import dev.parley.signaling.Ids;
import dev.parley.signaling.Message;
import dev.parley.signaling.Message.Chat;
import dev.parley.signaling.Message.ChatHistory;
import dev.parley.signaling.Message.Join;
import dev.parley.signaling.Message.Joined;
import dev.parley.signaling.Message.ParticipantInfo;
import dev.parley.signaling.Message.ParticipantJoined;
import dev.parley.signaling.MessageCodec;
import dev.parley.signaling.Presence;
import dev.parley.signaling.ProtocolException;
import dev.parley.signaling.Session;
import java.util.List;

/**
 * Admits a session to a room. The reply lists everyone already present; the newcomer then offers to
 * each of them, and they only answer, so two peers never offer to each other at the same time.
 */
public final class JoinHandler implements MessageHandler<Join> {
    private final RoomRegistry rooms;
    private final MessageCodec codec;
    private final SignalingConfig config;
    private final Presence presence;

    public JoinHandler(RoomRegistry rooms, MessageCodec codec, SignalingConfig config, Presence presence) {
        this.rooms = rooms;
        this.codec = codec;
        this.config = config;
        this.presence = presence;
    }

    @Override
    public void handle(Session session, Join join) throws ProtocolException {
        if (session.membership().isPresent()) {
            throw new ProtocolException(ErrorCode.ALREADY_JOINED, "this connection has already joined a room");
        }
        Participant me = new Participant(Ids.participantId(), join.name(), session.transport(),
                ParticipantState.INITIAL.withMedia(join.audio(), join.video(), false));
        try {
            rooms.join(join.room(), me, config.maxParticipants(), admission -> welcome(session, me, admission));
        } catch (RoomFullException e) {
            throw new ProtocolException(ErrorCode.ROOM_FULL, e.getMessage());
        }
        if (session.isClosed()) {
            // The socket closed while we were joining, after its own departure found nothing to remove.
            presence.depart(session, "closed");
        }
    }

    private void welcome(Session session, Participant me, Admission admission) {
        session.bind(new Session.Membership(admission.room().id(), me.id()));
        List<ParticipantInfo> present = admission.present().stream().map(JoinHandler::info).toList();
        session.transport().send(codec.encode(new Joined(Message.VERSION, me.id(), admission.room().id(),
                present, config.heartbeatInterval().toMillis())));
        List<Chat> history = admission.room().chat().snapshot().stream().map(ChatHandler::toMessage).toList();
        session.transport().send(codec.encode(new ChatHistory(history)));
        admission.room().broadcast(codec.encode(new ParticipantJoined(info(me))), me.id());
    }

    static ParticipantInfo info(Participant p) {
        ParticipantState s = p.state();
        return new ParticipantInfo(p.id(), p.name(), s.audio(), s.video(), s.screen(), s.hand());
    }
}
