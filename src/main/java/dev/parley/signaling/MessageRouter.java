package dev.parley.signaling;

import dev.parley.config.SignalingConfig;
import dev.parley.room.RoomRegistry;
import dev.parley.signaling.Message.ClientMessage;
import dev.parley.signaling.Message.Join;
import dev.parley.signaling.Message.Leave;
import dev.parley.signaling.Message.Ping;
import dev.parley.signaling.Message.Signal;
import dev.parley.signaling.handler.JoinHandler;
import dev.parley.signaling.handler.LeaveHandler;
import dev.parley.signaling.handler.MessageHandler;
import dev.parley.signaling.handler.PingHandler;
import dev.parley.signaling.handler.SignalHandler;

/** Hands each client message to the one handler for its type. */
public final class MessageRouter {
    private final MessageHandler<Join> join;
    private final MessageHandler<Signal> signal;
    private final MessageHandler<Ping> ping;
    private final MessageHandler<Leave> leave;

    public MessageRouter(RoomRegistry rooms, MessageCodec codec, SignalingConfig config, Presence presence) {
        this.join = new JoinHandler(rooms, codec, config, presence);
        this.signal = new SignalHandler(rooms, codec);
        this.ping = new PingHandler(codec);
        this.leave = new LeaveHandler(presence);
    }

    public void route(Session session, ClientMessage message) throws ProtocolException {
        switch (message) {
            case Join m -> join.handle(session, m);
            case Signal m -> signal.handle(session, m);
            case Ping m -> ping.handle(session, m);
            case Leave m -> leave.handle(session, m);
        }
    }
}
