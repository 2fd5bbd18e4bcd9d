package dev.parley.signaling.handler;

import dev.parley.room.Room;
import dev.parley.room.RoomRegistry;
import dev.parley.signaling.ErrorCode;
import dev.parley.signaling.Message;
import dev.parley.signaling.MessageCodec;
import dev.parley.signaling.ProtocolException;
import dev.parley.signaling.Session.Membership;

/** Finds the sender's room and tells everyone in it something, the sender included. */
public final class RoomAnnouncer {
    private final RoomRegistry rooms;
    private final MessageCodec codec;

    public RoomAnnouncer(RoomRegistry rooms, MessageCodec codec) {
        this.rooms = rooms;
        this.codec = codec;
    }

    Room roomOf(Membership membership) throws ProtocolException {
        return rooms.find(membership.roomId())
                .orElseThrow(() -> new ProtocolException(ErrorCode.NOT_JOINED, "join a room first"));
    }

    void toEveryone(Room room, Message message) {
        room.broadcast(codec.encode(message), null);
    }

    MessageCodec codec() {
        return codec;
    }
}
