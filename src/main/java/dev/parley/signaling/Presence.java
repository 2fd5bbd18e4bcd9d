package dev.parley.signaling;

import dev.parley.room.Participant;
import dev.parley.room.Room;
import dev.parley.room.RoomRegistry;
import dev.parley.room.RoomSettings;
import dev.parley.room.RoomSettingsStore;
import dev.parley.signaling.Message.ParticipantLeft;
import dev.parley.signaling.Message.RoomState;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is connected as whom: binds sessions to participants, and takes a session out of its room
 * (telling the others) on leave, on socket close and on heartbeat expiry. A lock needs a host to let
 * people in: when the last moderator leaves, a locked room unlocks, and those still in it are told.
 */
public final class Presence {
    private final RoomRegistry rooms;
    private final MessageCodec codec;
    private final RoomMedia media;
    private final RoomSettingsStore settings;
    private final Map<String, Session> byParticipant = new ConcurrentHashMap<>();

    public Presence(RoomRegistry rooms, MessageCodec codec, RoomSettingsStore settings) {
        this(rooms, codec, RoomMedia.MESH, settings);
    }

    public Presence(RoomRegistry rooms, MessageCodec codec, RoomMedia media, RoomSettingsStore settings) {
        this.rooms = rooms;
        this.codec = codec;
        this.media = media;
        this.settings = settings;
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
                    unlockIfHostless(m.roomId(), room);
                }
            });
        });
    }

    /**
     * After a restart no departure is seen for a host who never came back: once the others have had time
     * to resume, a lock with no host in its room is lifted as if the host had left.
     */
    public void releaseHostlessLocks() {
        settings.lockedRooms().forEach(roomId -> unlockIfHostless(roomId, rooms.find(roomId)));
    }

    /** Nobody left could let people in (or the room is empty): a lock would keep everyone out for good. */
    private void unlockIfHostless(String roomId, Optional<Room> room) {
        if (room.map(r -> r.participants().stream().anyMatch(Participant::moderator)).orElse(false)
                || !settings.find(roomId).map(RoomSettings::locked).orElse(false)) {
            return;
        }
        settings.update(roomId, s -> s.withLocked(false));
        room.ifPresent(r -> r.broadcast(codec.encode(new RoomState(false)), null));
    }
}
