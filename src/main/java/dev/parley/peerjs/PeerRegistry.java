package dev.parley.peerjs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Connected peers by id. Lock-free: every change is one atomic map operation checked by identity. */
final class PeerRegistry {

    enum Outcome { OPENED, REPLACED, ID_TAKEN, FULL }

    /** What {@link #register} did; {@code peer} is the new registration, {@code replaced} the one it displaced. */
    record Registration(Outcome outcome, Peer peer, Peer replaced) {}

    private final ConcurrentHashMap<String, Peer> peers = new ConcurrentHashMap<>();
    /** Kept beside the map so the limit is exact under concurrent opens (the map's size is only an estimate). */
    private final AtomicInteger count = new AtomicInteger();
    private final int limit;

    PeerRegistry(int limit) {
        this.limit = limit;
    }

    /**
     * Registers {@code id}: taken by another token gives ID_TAKEN; the same token replaces the old socket
     * (a client reconnecting before its old socket's close was seen); a new id counts against the limit.
     */
    Registration register(String id, String token, Transport transport, long now) {
        while (true) {
            Peer existing = peers.get(id);
            if (existing != null) {
                if (!sameToken(existing.token(), token)) {
                    return new Registration(Outcome.ID_TAKEN, null, existing);
                }
                Peer fresh = new Peer(id, token, transport, now);
                if (peers.replace(id, existing, fresh)) {
                    existing.retire();
                    return new Registration(Outcome.REPLACED, fresh, existing);
                }
                continue; // it changed under us: decide again
            }
            if (count.incrementAndGet() > limit) {
                count.decrementAndGet();
                return new Registration(Outcome.FULL, null, null);
            }
            Peer fresh = new Peer(id, token, transport, now);
            if (peers.putIfAbsent(id, fresh) == null) {
                return new Registration(Outcome.OPENED, fresh, null);
            }
            count.decrementAndGet(); // lost a race for this id: decide again
        }
    }

    Peer get(String id) {
        return peers.get(id);
    }

    /** Unregisters exactly this registration (not a successor); true if it was registered. */
    boolean remove(Peer peer) {
        peer.retire();
        if (peers.remove(peer.id(), peer)) {
            count.decrementAndGet();
            return true;
        }
        return false;
    }

    /** Unregisters the peer and closes its socket. */
    boolean drop(Peer peer, int code, String reason) {
        boolean removed = remove(peer);
        peer.transport().close(code, reason);
        return removed;
    }

    Collection<Peer> all() {
        return peers.values();
    }

    List<String> ids() {
        return List.copyOf(peers.keySet());
    }

    boolean contains(String id) {
        return peers.containsKey(id);
    }

    int size() {
        return count.get();
    }

    /** Constant-time, so response timing does not help guess another client's token. */
    private static boolean sameToken(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
