package dev.parley.signaling;

import dev.parley.room.RoomRegistry;
import dev.parley.signaling.Message.ParticipantLeft;

/** Takes a session out of its room and tells the others; shared by leave, socket close and heartbeat expiry. */
public final class Presence {
    private final RoomRegistry rooms;
    private final MessageCodec codec;

    public Presence(RoomRegistry rooms, MessageCodec codec) {
        this.rooms = rooms;
        this.codec = codec;
    }

    /** Idempotent: a session that already left is ignored, so close-after-leave sends nothing twice. */
    public void depart(Session session, String reason) {
        session.release().ifPresent(m -> rooms.leave(m.roomId(), m.participantId()).ifPresent(gone ->
                rooms.find(m.roomId()).ifPresent(room ->
                        room.broadcast(codec.encode(new ParticipantLeft(gone.id(), reason)), gone.id()))));
    }
}
