package dev.parley.signaling;

import dev.parley.room.Connection;
import java.util.Optional;

/**
 * One client's WebSocket as the signaling layer sees it: how to reach it, when it was last heard,
 * and which room it has joined, if any.
 */
public final class Session {

    /** Where a joined session sits. */
    public record Membership(String roomId, String participantId) {}

    /** The socket side of a session, so handlers and tests need no real socket. */
    public interface Transport extends Connection {
        /** Closes the socket with a WebSocket close code and reason. */
        void close(int code, String reason);
    }

    private final String connectionId;
    private final String address;
    private final Transport transport;
    private final TokenBucket rateLimit;
    private final TokenBucket chatBudget;
    private volatile long lastSeenMillis;
    private volatile Membership membership;
    private volatile boolean closed;

    public Session(String connectionId, Transport transport, TokenBucket rateLimit, TokenBucket chatBudget,
            long nowMillis) {
        this(connectionId, "unknown", transport, rateLimit, chatBudget, nowMillis);
    }

    public Session(String connectionId, String address, Transport transport, TokenBucket rateLimit,
            TokenBucket chatBudget, long nowMillis) {
        this.connectionId = connectionId;
        this.address = address;
        this.transport = transport;
        this.rateLimit = rateLimit;
        this.chatBudget = chatBudget;
        this.lastSeenMillis = nowMillis;
    }

    public String connectionId() {
        return connectionId;
    }

    /** The client's network address, for limits that reconnecting must not reset. */
    public String address() {
        return address;
    }

    public Transport transport() {
        return transport;
    }

    public TokenBucket rateLimit() {
        return rateLimit;
    }

    /** The tighter allowance for chat and reactions, which everyone in the room sees. */
    public TokenBucket chatBudget() {
        return chatBudget;
    }

    public void touch(long nowMillis) {
        lastSeenMillis = nowMillis;
    }

    public long lastSeenMillis() {
        return lastSeenMillis;
    }

    /** Marks the socket gone; called before the session departs so a join racing with the close can notice. */
    public void markClosed() {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }

    public Optional<Membership> membership() {
        return Optional.ofNullable(membership);
    }

    public void bind(Membership joined) {
        membership = joined;
    }

    /** Forgets the membership and returns it, once: a second call returns empty. */
    public synchronized Optional<Membership> release() {
        Membership previous = membership;
        membership = null;
        return Optional.ofNullable(previous);
    }
}
