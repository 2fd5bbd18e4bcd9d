package dev.parley.signaling.handler;

import dev.parley.signaling.Message.Ping;
import dev.parley.signaling.Message.Pong;
import dev.parley.signaling.MessageCodec;
import dev.parley.signaling.Session;

/** Answers a heartbeat; the endpoint has already refreshed the session's liveness. */
public final class PingHandler implements MessageHandler<Ping> {
    private final String pong;

    public PingHandler(MessageCodec codec) {
        this.pong = codec.encode(new Pong());
    }

    @Override
    public void handle(Session session, Ping ping) {
        session.transport().send(pong);
    }
}
