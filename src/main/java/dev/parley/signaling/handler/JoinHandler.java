package dev.parley.signaling.handler;

import dev.parley.config.SignalingConfig;
import dev.parley.ice.IceServers;
import dev.parley.room.Participant;
import dev.parley.room.ParticipantState;
import dev.parley.room.Room;
import dev.parley.room.RoomFullException;
import dev.parley.room.RoomRegistry;
import dev.parley.room.RoomSettings;
import dev.parley.room.RoomSettingsStore;
import dev.parley.signaling.ErrorCode;
import dev.parley.signaling.Ids;
import dev.parley.signaling.Message;
import dev.parley.signaling.Message.Chat;
import dev.parley.signaling.Message.ChatHistory;
import dev.parley.signaling.Message.IceServer;
import dev.parley.signaling.Message.Join;
import dev.parley.signaling.Message.Joined;
import dev.parley.signaling.Message.ParticipantInfo;
import dev.parley.signaling.Message.ParticipantJoined;
import dev.parley.signaling.MessageCodec;
import dev.parley.signaling.Presence;
import dev.parley.signaling.ProtocolException;
import dev.parley.signaling.ResumeTokens;
import dev.parley.signaling.ResumeTokens.Claim;
import dev.parley.signaling.RoomMedia;
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
    private final RoomGate gate;
    private final RoomSettingsStore settings;
    private final IceServers ice;
    private final RoomMedia media;

    public JoinHandler(RoomRegistry rooms, MessageCodec codec, SignalingConfig config, Presence presence,
            ResumeTokens tokens, RoomGate gate, RoomSettingsStore settings, IceServers ice) {
        this(rooms, codec, config, presence, tokens, gate, settings, ice, RoomMedia.MESH);
    }

    public JoinHandler(RoomRegistry rooms, MessageCodec codec, SignalingConfig config, Presence presence,
            ResumeTokens tokens, RoomGate gate, RoomSettingsStore settings, IceServers ice, RoomMedia media) {
        this.media = media;
        this.ice = ice;
        this.gate = gate;
        this.settings = settings;
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
            boolean moderator = gate.admit(session, join);
            admit(session, join, Ids.participantId(), false, moderator);
        } else {
            Claim claim = tokens.redeem(join.resume(), join.room()).orElseThrow(() -> new ProtocolException(
                    ErrorCode.RESUME_FAILED, "this session cannot be resumed; join without a resume token"));
            boolean moderator = gate.readmit(session, join, claim.participantId());
            Optional<Room> room = rooms.find(join.room());
            if (room.isEmpty() || !takeOver(session, room.get(), claim.participantId())) {
                admit(session, join, claim.participantId(), true, moderator);
            }
        }
        if (session.isClosed()) {
            // The socket closed while we were joining, after its own departure found nothing to remove.
            presence.depart(session, "closed");
        }
    }

    private void admit(Session session, Join join, String id, boolean resumed, boolean moderator)
            throws ProtocolException {
        Participant me = new Participant(id, join.name(), session.transport(),
                ParticipantState.INITIAL.withMedia(join.audio(), join.video(), false), moderator);
        List<IceServer> iceServers = iceServersFor(id);
        try {
            rooms.join(join.room(), me, config.maxParticipants(), admission -> {
                String mode = media.admitted(admission.room(), me, join.password());
                welcome(session, admission.room(), me, admission.present(), resumed, mode, iceServers);
                admission.room().broadcast(codec.encode(new ParticipantJoined(info(me))), me.id());
            });
        } catch (RoomFullException e) {
            throw new ProtocolException(e.serverWide() ? ErrorCode.SERVER_FULL : ErrorCode.ROOM_FULL, e.getMessage());
        }
    }

    /** The participant is still present (its old socket is dying or dead): move it to this session. */
    private boolean takeOver(Session session, Room room, String id) {
        Optional<Session> previous = presence.sessionOf(id);
        List<IceServer> iceServers = iceServersFor(id);
        boolean moved = room.rebind(id, session.transport(), (me, others) -> {
            previous.ifPresent(presence::detach);
            welcome(session, room, me, others, true, media.resumed(room.id(), id), iceServers);
        });
        if (moved) {
            previous.ifPresent(old -> {
                old.markClosed();
                old.transport().close(4002, "resumed on another connection");
            });
        }
        return moved;
    }

    /** Worked out before the participant enters the room, so a failure here leaves nothing half done. */
    private List<IceServer> iceServersFor(String participantId) {
        return ice.forParticipant(participantId).stream().map(s -> new IceServer(s.urls(), s.username(), s.credential()))
                .toList();
    }

    private void welcome(Session session, Room room, Participant me, List<Participant> others, boolean resumed,
            String mode, List<IceServer> iceServers) {
        String id = me.id();
        presence.bind(session, new Session.Membership(room.id(), id));
        List<ParticipantInfo> present = others.stream().map(JoinHandler::info).toList();
        boolean locked = settings.find(room.id()).map(RoomSettings::locked).orElse(false);
        session.transport().send(codec.encode(new Joined(Message.VERSION, id, room.id(), present,
                config.heartbeatInterval().toMillis(), tokens.issue(id, room.id()), resumed, me.moderator(), locked,
                iceServers, ice.transportPolicy(), mode)));
        List<Chat> history = room.chat().snapshot().stream().map(ChatHandler::toMessage).toList();
        session.transport().send(codec.encode(new ChatHistory(history)));
    }

    static ParticipantInfo info(Participant p) {
        ParticipantState s = p.state();
        return new ParticipantInfo(p.id(), p.name(), s.audio(), s.video(), s.screen(), s.hand(), p.moderator(),
                screenOrder(s));
    }

    /** The state's screen order for the wire: absent while not presenting. */
    static Long screenOrder(ParticipantState s) {
        return s.screen() ? s.screenOrder() : null;
    }
}
