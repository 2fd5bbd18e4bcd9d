package dev.parley.peerjs;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Limits and timings of the PeerJS-compatible endpoint at {@code /peerjs}. The defaults are PeerServer's
 * (npm {@code peer} 1.0.2) where it has one; the message and queue limits are ours, since PeerServer has none.
 *
 * @param key              the API key clients must present; {@code peerjs}, PeerJS's own default
 * @param expireTimeout    how long a message for an absent id is kept before its sender gets EXPIRE; 5 s
 * @param aliveTimeout     a peer sending no HEARTBEAT for this long is dropped; 60 s (PeerJS beats every 5 s)
 * @param concurrentLimit  most peers connected at once; 5000
 * @param allowDiscovery   whether {@code GET /peerjs/<key>/peers} lists connected ids; off
 * @param maxMessageBytes  largest text frame a client may send (UTF-8 bytes); 64 KiB, room for a large SDP
 * @param allowedOrigins   browser origins allowed to use the endpoint, e.g. {@code https://app.example};
 *                         empty (the default) allows every origin, as PeerServer does
 * @param maxQueuedPerPeer most messages kept for one absent id; 64, far above one call's offer and candidates
 * @param maxQueuedBytes   most message text kept for all absent ids together; 16 MiB
 */
public record PeerJsConfig(
        String key,
        Duration expireTimeout,
        Duration aliveTimeout,
        int concurrentLimit,
        boolean allowDiscovery,
        int maxMessageBytes,
        Set<String> allowedOrigins,
        int maxQueuedPerPeer,
        long maxQueuedBytes) {

    public static final String DEFAULT_KEY = "peerjs";

    public PeerJsConfig {
        Objects.requireNonNull(key, "key");
        allowedOrigins = Set.copyOf(allowedOrigins);
        if (key.isEmpty()) {
            throw new IllegalArgumentException("the PeerJS key must not be empty");
        }
        requirePositive(expireTimeout, "expire timeout");
        requirePositive(aliveTimeout, "alive timeout");
        if (concurrentLimit < 1 || maxMessageBytes < 1 || maxQueuedPerPeer < 1 || maxQueuedBytes < 1) {
            throw new IllegalArgumentException("PeerJS limits must be positive");
        }
    }

    public static PeerJsConfig defaults() {
        return new PeerJsConfig(DEFAULT_KEY, Duration.ofSeconds(5), Duration.ofSeconds(60), 5000, false,
                64 * 1024, Set.of(), 64, 16L * 1024 * 1024);
    }

    /** True when every origin may connect (no allow-list configured). */
    public boolean anyOrigin() {
        return allowedOrigins.isEmpty();
    }

    /**
     * How often queues and silent peers are checked: a fifth of the shorter timeout, between 10 ms and 1 s,
     * so an expiry or a drop is never late by more than 20% (PeerServer checks every 1 s and 300 ms).
     */
    public Duration sweepInterval() {
        long shorter = Math.min(expireTimeout.toMillis(), aliveTimeout.toMillis());
        return Duration.ofMillis(Math.clamp(shorter / 5, 10, 1000));
    }

    private static void requirePositive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("the PeerJS " + what + " must be positive");
        }
    }
}
