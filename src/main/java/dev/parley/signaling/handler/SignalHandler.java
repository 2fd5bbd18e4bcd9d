package dev.parley.signaling.handler;

import dev.parley.room.Participant;
import dev.parley.room.RoomRegistry;
import dev.parley.signaling.ErrorCode;
import dev.parley.signaling.Message.Signal;
import dev.parley.signaling.MessageCodec;
import dev.parley.signaling.ProtocolException;
import dev.parley.signaling.Session;
import dev.parley.signaling.Session.Membership;

/** Relays an SDP description or ICE candidate to one participant of the sender's own room. */
public final class SignalHandler implements MessageHandler<Signal> {
    private final RoomRegistry rooms;
    private final MessageCodec codec;

    public SignalHandler(RoomRegistry rooms, MessageCodec codec) {
        this.rooms = rooms;
        this.codec = codec;
    }

    @Override
    public void handle(Session session, Signal signal) throws ProtocolException {
        Membership me = Memberships.require(session);
        // Only the sender's own room is searched, so ids from other rooms are as unknown as made-up ones.
        Participant target = rooms.find(me.roomId())
                .flatMap(room -> room.find(signal.to()))
                .filter(p -> !p.id().equals(me.participantId()))
                .orElseThrow(() -> new ProtocolException(ErrorCode.UNKNOWN_PEER,
                        "no participant '" + signal.to() + "' in this room"));
        // The sender is stamped here; whatever 'from' the client wrote is dropped.
        target.connection().send(codec.encode(new Signal(me.participantId(), target.id(), signal.data())));
    }
}
