package dev.parley.peerjs;

import java.time.InstantSource;
import java.util.EnumMap;
import java.util.Map;

/** Handles one message type from a registered peer. */
@FunctionalInterface
interface MessageHandler {
    void handle(Peer sender, ClientFrame frame);

    /** The handler of every type a client may send; types absent here are ignored. */
    static Map<Wire.Type, MessageHandler> all(PeerRegistry peers, Relay relay, InstantSource clock) {
        Map<Wire.Type, MessageHandler> handlers = new EnumMap<>(Wire.Type.class);
        MessageHandler signal = new SignalHandler(relay);
        handlers.put(Wire.Type.OFFER, signal);
        handlers.put(Wire.Type.ANSWER, signal);
        handlers.put(Wire.Type.CANDIDATE, signal);
        handlers.put(Wire.Type.LEAVE, new LeaveHandler(peers, relay));
        handlers.put(Wire.Type.EXPIRE, new ExpireHandler(relay));
        handlers.put(Wire.Type.HEARTBEAT, new HeartbeatHandler(clock));
        return handlers;
    }
}
