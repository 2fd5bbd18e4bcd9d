package dev.parley.peerjs;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Messages waiting for an id that is not connected. Each queue changes only inside the map's atomic
 * per-key operations, so adding, draining and expiring never lose a message to a race and need no lock.
 * Bounded per id and in total, since any client can address any id (PeerServer has no bound).
 */
final class PendingMessages {

    /** A queued relay; the payload is kept as text, ready to be copied into the envelope. */
    record Pending(Wire.Type type, String senderId, String senderJson, String payload, long queuedAt) {
        /** Rough size in bytes, counting characters as bytes plus a fixed overhead. */
        long weight() {
            return 64L + senderJson.length() + (payload == null ? 0 : payload.length());
        }
    }

    /** The sender of messages to {@code missingId} that expired, to be told once. */
    record Expired(String missingId, String senderId) {}

    private final ConcurrentHashMap<String, ArrayDeque<Pending>> queues = new ConcurrentHashMap<>();
    private final AtomicLong weight = new AtomicLong();
    private final AtomicInteger count = new AtomicInteger();
    private final int perPeerLimit;
    private final long totalLimit;

    PendingMessages(int perPeerLimit, long totalLimit) {
        this.perPeerLimit = perPeerLimit;
        this.totalLimit = totalLimit;
    }

    /** Queues a message for {@code dst}; false (and nothing kept) when a limit is reached. */
    boolean add(String dst, Pending message) {
        long w = message.weight();
        if (weight.addAndGet(w) > totalLimit) {
            weight.addAndGet(-w);
            return false;
        }
        boolean[] added = {false};
        queues.compute(dst, (id, queue) -> {
            ArrayDeque<Pending> q = queue != null ? queue : new ArrayDeque<>(4);
            if (q.size() < perPeerLimit) {
                q.add(message);
                added[0] = true;
            }
            return q;
        });
        if (added[0]) {
            count.incrementAndGet();
        } else {
            weight.addAndGet(-w);
        }
        return added[0];
    }

    /** Removes and returns everything queued for {@code dst}, oldest first. */
    Collection<Pending> drain(String dst) {
        ArrayDeque<Pending> queue = queues.remove(dst);
        if (queue == null) {
            return List.of();
        }
        for (Pending p : queue) {
            weight.addAndGet(-p.weight());
        }
        count.addAndGet(-queue.size());
        return queue;
    }

    /**
     * Drops what waited too long. Once a sender's oldest message to an id was queued at or before
     * {@code cutoff}, all its messages to that id go (the later ones, ICE candidates mostly, belong to
     * the same failed attempt), and the sender is told once, as PeerServer tells it once per queue.
     */
    List<Expired> expire(long cutoff) {
        List<Expired> expired = new ArrayList<>();
        for (String dst : queues.keySet()) {
            queues.computeIfPresent(dst, (id, queue) -> {
                Set<String> late = new HashSet<>();
                for (Pending p : queue) {
                    if (p.queuedAt() <= cutoff) {
                        late.add(p.senderId());
                    }
                }
                if (late.isEmpty()) {
                    return queue;
                }
                for (Iterator<Pending> it = queue.iterator(); it.hasNext(); ) {
                    Pending p = it.next();
                    if (late.contains(p.senderId())) {
                        it.remove();
                        weight.addAndGet(-p.weight());
                        count.decrementAndGet();
                    }
                }
                late.forEach(sender -> expired.add(new Expired(id, sender)));
                return queue.isEmpty() ? null : queue;
            });
        }
        return expired;
    }

    /** Queued messages in total. */
    int size() {
        return count.get();
    }

    long weight() {
        return weight.get();
    }
}
