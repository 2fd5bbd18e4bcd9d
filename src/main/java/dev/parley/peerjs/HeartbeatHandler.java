package dev.parley.peerjs;

import java.time.InstantSource;

/** HEARTBEAT proves the peer is alive; it gets no reply. Only heartbeats count, as with PeerServer. */
final class HeartbeatHandler implements MessageHandler {
    private final InstantSource clock;

    HeartbeatHandler(InstantSource clock) {
        this.clock = clock;
    }

    @Override
    public void handle(Peer sender, ClientFrame frame) {
        sender.heartbeat(clock.millis());
    }
}
