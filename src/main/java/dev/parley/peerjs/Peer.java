package dev.parley.peerjs;

/**
 * A registered id and the socket currently serving it. Immutable apart from liveness: a reconnection
 * with the same token registers a new Peer in place of this one, so a stale socket's close or frames
 * can be recognized by identity and never touch its successor.
 */
final class Peer {
    private final String id;
    private final String token;
    /** The id as a JSON string literal, escaped once here instead of on every relayed message. */
    private final String idJson;
    private final Transport transport;
    private volatile long lastHeartbeat;
    private volatile boolean active = true;
    private volatile boolean ready;
    /**
     * Held while messages go to this peer: the queued ones are flushed under it as the peer becomes ready,
     * so a message relayed live meanwhile waits for them and each sender's messages arrive in order.
     */
    final Object delivery = new Object();

    Peer(String id, String token, Transport transport, long now) {
        this.id = id;
        this.token = token;
        this.idJson = FrameCodec.quote(id);
        this.transport = transport;
        this.lastHeartbeat = now;
    }

    String id() {
        return id;
    }

    String token() {
        return token;
    }

    String idJson() {
        return idJson;
    }

    Transport transport() {
        return transport;
    }

    long lastHeartbeat() {
        return lastHeartbeat;
    }

    void heartbeat(long now) {
        lastHeartbeat = now;
    }

    /** False once removed or replaced; frames still in flight from its socket are then ignored. */
    boolean active() {
        return active;
    }

    void retire() {
        active = false;
    }

    /**
     * True once OPEN has been sent. Until then messages for this id are queued rather than sent, so OPEN
     * is always the first frame a client sees even when a message races with its registration.
     */
    boolean ready() {
        return ready;
    }

    void markReady() {
        ready = true;
    }

    @Override
    public String toString() {
        return "Peer[" + id + "]";
    }
}
