package dev.parley.signaling.handler;

import dev.parley.config.SignalingConfig;
import dev.parley.room.Participant;
import dev.parley.room.ParticipantState;
import dev.parley.room.Room;
import dev.parley.room.RoomFullException;
import dev.parley.room.RoomRegistry;
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
import dev.parley.signaling.ResumeTokens;
import dev.parley.signaling.ResumeTokens.Claim;
import dev.parley.signaling.Session;
import java.util.List;
import java.util.Optional;

/**
 * Admits a session to a room. The reply lists everyone already present; the newcomer then offers to
 * each of them, and they only answer, so two peers never offer to each other at the same time.
 * A join with a resume token comes back as the same participant: silently if it is still present
 * (its socket dropped), or announced again if the server no longer knows it (it restarted).
 */
public final class JoinHandler implements MessageHandler<Join> {
    private final RoomRegistry rooms;
    private final MessageCodec codec;
    private final SignalingConfig config;
    private final Presence presence;
    private final ResumeTokens tokens;

    public JoinHandler(RoomRegistry rooms, MessageCodec codec, SignalingConfig config, Presence presence,
            ResumeTokens tokens) {
        this.rooms = rooms;
        this.codec = codec;
        this.config = config;
        this.presence = presence;
        this.tokens = tokens;
    }

    @Override
    public void handle(Session session, Join join) throws ProtocolException {
        if (session.membership().isPresent()) {
            throw new ProtocolException(ErrorCode.ALREADY_JOINED, "this connection has already joined a room");
        }
        if (join.resume() == null) {
            admit(session, join, Ids.participantId(), false);
        } else {
            Claim claim = tokens.redeem(join.resume(), join.room()).orElseThrow(() -> new ProtocolException(
                    ErrorCode.RESUME_FAILED, "this session cannot be resumed; join without a resume token"));
            Optional<Room> room = rooms.find(join.room());
            if (room.isEmpty() || !takeOver(session, room.get(), claim.participantId())) {
                admit(session, join, claim.participantId(), true);
            }
        }
        if (session.isClosed()) {
            // The socket closed while we were joining, after its own departure found nothing to remove.
            presence.depart(session, "closed");
        }
    }

    private void admit(Session session, Join join, String id, boolean resumed) throws ProtocolException {
        Participant me = new Participant(id, join.name(), session.transport(),
                ParticipantState.INITIAL.withMedia(join.audio(), join.video(), false));
        try {
            rooms.join(join.room(), me, config.maxParticipants(), admission -> {
                welcome(session, admission.room(), id, admission.present(), resumed);
                admission.room().broadcast(codec.encode(new ParticipantJoined(info(me))), me.id());
            });
        } catch (RoomFullException e) {
            throw new ProtocolException(e.serverWide() ? ErrorCode.SERVER_FULL : ErrorCode.ROOM_FULL, e.getMessage());
        }
    }

    /** The participant is still present (its old socket is dying or dead): move it to this session. */
    private boolean takeOver(Session session, Room room, String id) {
        Optional<Session> previous = presence.sessionOf(id);
        boolean moved = room.rebind(id, session.transport(), others -> {
            previous.ifPresent(presence::detach);
            welcome(session, room, id, others, true);
        });
        if (moved) {
            previous.ifPresent(old -> {
                old.markClosed();
                old.transport().close(4002, "resumed on another connection");
            });
        }
        return moved;
    }

    private void welcome(Session session, Room room, String id, List<Participant> others, boolean resumed) {
        presence.bind(session, new Session.Membership(room.id(), id));
        List<ParticipantInfo> present = others.stream().map(JoinHandler::info).toList();
        session.transport().send(codec.encode(new Joined(Message.VERSION, id, room.id(), present,
                config.heartbeatInterval().toMillis(), tokens.issue(id, room.id()), resumed)));
        List<Chat> history = room.chat().snapshot().stream().map(ChatHandler::toMessage).toList();
        session.transport().send(codec.encode(new ChatHistory(history)));
    }

    static ParticipantInfo info(Participant p) {
        ParticipantState s = p.state();
        return new ParticipantInfo(p.id(), p.name(), s.audio(), s.video(), s.screen(), s.hand());
    }
}
