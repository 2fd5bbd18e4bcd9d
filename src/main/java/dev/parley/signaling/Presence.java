package dev.parley.signaling;

import dev.parley.room.Room;
import dev.parley.room.RoomRegistry;
import dev.parley.signaling.Message.ParticipantLeft;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is connected as whom: binds sessions to participants, and takes a session out of its room
 * (telling the others) on leave, on socket close and on heartbeat expiry. A host's departure goes to
 * {@link HostlessLocks}.
 */
public final class Presence {
    private final RoomRegistry rooms;
    private final MessageCodec codec;
    private final RoomMedia media;
    private final HostlessLocks locks;
    private final Map<String, Session> byParticipant = new ConcurrentHashMap<>();

    public Presence(RoomRegistry rooms, MessageCodec codec, HostlessLocks locks) {
        this(rooms, codec, RoomMedia.MESH, locks);
    }

    public Presence(RoomRegistry rooms, MessageCodec codec, RoomMedia media, HostlessLocks locks) {
        this.rooms = rooms;
        this.codec = codec;
        this.media = media;
        this.locks = locks;
    }

    /** Records that a session now speaks for a participant. */
    public void bind(Session session, Session.Membership membership) {
        session.bind(membership);
        byParticipant.put(membership.participantId(), session);
    }

    /** The session currently speaking for a participant, if any. */
    public Optional<Session> sessionOf(String participantId) {
        return Optional.ofNullable(byParticipant.get(participantId));
    }

    /**
     * Detaches a session from its participant without anyone leaving: used when a resumed session
     * takes the participant over.
     */
    public void detach(Session session) {
        session.release().ifPresent(m -> byParticipant.remove(m.participantId(), session));
    }

    /** Idempotent: a session that already left is ignored, so close-after-leave sends nothing twice. */
    public void depart(Session session, String reason) {
        session.release().ifPresent(m -> {
            byParticipant.remove(m.participantId(), session);
            rooms.leave(m.roomId(), m.participantId()).ifPresent(gone -> {
                Optional<Room> room = rooms.find(m.roomId());
                room.ifPresent(r -> r.broadcast(codec.encode(new ParticipantLeft(gone.id(), reason)), gone.id()));
                media.departed(m.roomId(), gone.id());
                if (gone.moderator()) {
                    locks.hostLeft(m.roomId());
                }
            });
        });
    }
}
