package dev.parley.peerjs;

import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PeerJS signaling protocol apart from its sockets: sockets open with the query parameters the
 * client sent, then deliver text until they close. Time comes from the injected clock and moves on only
 * through {@link #sweep()}, so tests can drive expiry and liveness without waiting.
 */
public final class PeerJsService {
    private static final Logger log = LoggerFactory.getLogger(PeerJsService.class);

    private final PeerJsConfig config;
    private final InstantSource clock;
    private final PeerRegistry peers;
    private final PendingMessages pending;
    private final Relay relay;
    private final Map<Wire.Type, MessageHandler> handlers;

    public PeerJsService(PeerJsConfig config, InstantSource clock) {
        this.config = config;
        this.clock = clock;
        this.peers = new PeerRegistry(config.concurrentLimit());
        this.pending = new PendingMessages(config.maxQueuedPerPeer(), config.maxQueuedBytes());
        this.relay = new Relay(peers, pending, clock);
        this.handlers = MessageHandler.all(peers, relay, clock);
    }

    public PeerJsConfig config() {
        return config;
    }

    /**
     * A socket opened with these query parameters. Answers OPEN and delivers queued messages, or answers
     * ERROR / ID-TAKEN and closes.
     *
     * @return the registration to pass to {@link #receive} and {@link #closed}, or null if refused
     */
    Peer open(String key, String id, String token, Transport transport) {
        if (isMissing(id) || isMissing(token) || isMissing(key)) {
            refuse(transport, FrameCodec.error(Wire.Error.INVALID_WS_PARAMETERS));
            return null;
        }
        if (!key.equals(config.key())) {
            refuse(transport, FrameCodec.error(Wire.Error.INVALID_KEY));
            return null;
        }
        PeerRegistry.Registration registration = peers.register(id, token, transport, clock.millis());
        switch (registration.outcome()) {
            case ID_TAKEN -> {
                refuse(transport, FrameCodec.idTaken());
                return null;
            }
            case FULL -> {
                refuse(transport, FrameCodec.error(Wire.Error.CONNECTION_LIMIT_EXCEED));
                return null;
            }
            case REPLACED -> registration.replaced().transport().close(Wire.CLOSE_REPLACED, "replaced by a newer socket");
            case OPENED -> log.debug("peer {} connected", id);
        }
        Peer peer = registration.peer();
        // PeerServer sends OPEN only to a new id; a replacing socket gets it too, so a client's reconnect
        // sees 'open' even if the server had not yet noticed its old socket closing.
        transport.send(FrameCodec.OPEN);
        synchronized (peer.delivery) {
            peer.markReady();
            relay.flush(peer);
        }
        return peer;
    }

    /** A text frame from a registered peer. Frames that are not valid messages are ignored. */
    void receive(Peer peer, String text) {
        if (!peer.active()) {
            return; // removed or replaced while this frame was in flight
        }
        ClientFrame frame = FrameCodec.read(text);
        MessageHandler handler = frame == null ? null : handlers.get(frame.type());
        if (handler == null) {
            if (log.isDebugEnabled()) {
                log.debug("ignored a frame from {}: {}", peer.id(), text.length() > 200 ? text.substring(0, 200) + "..." : text);
            }
            return;
        }
        try {
            handler.handle(peer, frame);
        } catch (RuntimeException e) {
            // A bug must not cost the socket its connection, nor reach the other peers.
            log.error("failed to handle a {} from {}", frame.type(), peer.id(), e);
        }
    }

    /** The peer's socket closed; forget the id unless a newer socket already took it over. */
    void closed(Peer peer) {
        if (peers.remove(peer)) {
            log.debug("peer {} disconnected", peer.id());
        }
    }

    /** Expires queued messages and drops silent peers; returns how many peers were dropped. */
    public int sweep() {
        long now = clock.millis();
        relay.expire(now - config.expireTimeout().toMillis());
        long silentSince = now - config.aliveTimeout().toMillis();
        int dropped = 0;
        for (Peer peer : peers.all()) {
            if (peer.lastHeartbeat() <= silentSince && peers.drop(peer, Wire.CLOSE_SILENT, "no heartbeat")) {
                pending.drain(peer.id()); // as PeerServer does; nothing should wait for a connected id anyway
                dropped++;
                log.debug("peer {} dropped after {} without heartbeat", peer.id(), config.aliveTimeout());
            }
        }
        return dropped;
    }

    /** A fresh id no connected peer uses, for {@code GET /peerjs/<key>/id}. */
    public String newId() {
        while (true) {
            String id = UUID.randomUUID().toString();
            if (!peers.contains(id)) {
                return id;
            }
        }
    }

    public List<String> peerIds() {
        return peers.ids();
    }

    public int peerCount() {
        return peers.size();
    }

    public int queuedCount() {
        return pending.size();
    }

    private static void refuse(Transport transport, String answer) {
        transport.send(answer);
        transport.close(Wire.CLOSE_NORMAL, "refused");
    }

    private static boolean isMissing(String s) {
        return s == null || s.isEmpty();
    }
}
