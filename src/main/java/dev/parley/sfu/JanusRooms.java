package dev.parley.sfu;

import dev.parley.security.PasswordHasher;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Janus rooms behind the calls on the SFU: each with the call's id, a pin and a secret derived from
 * the server's key (the same after a restart), made when a call moves there and destroyed when it
 * empties. A call whose room Janus refused stays peer to peer until it empties, rather than retry at
 * every join. Members' sessions end here too.
 */
final class JanusRooms {
    private static final Logger log = LoggerFactory.getLogger(JanusRooms.class);
    private static final int CUT_OFF_LIMIT = 3;

    private final Supplier<JanusAdmin> janus;
    private final int maxPublishers;
    private final byte[] serverKey;
    /** Janus rooms on their way out, by id: a room opened again meanwhile is created after. */
    private final Map<String, CompletableFuture<Void>> destroying = new ConcurrentHashMap<>();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    /** Creations cut off by a lost connection, per room: a few are retried once Janus is back, not forever. */
    private final Map<String, Integer> cutOff = new ConcurrentHashMap<>();

    JanusRooms(Supplier<JanusAdmin> janus, int maxPublishers, byte[] serverKey) {
        this.janus = janus;
        this.maxPublishers = maxPublishers;
        this.serverKey = serverKey;
    }

    /** A call's SFU room, its pin the room password (or a random one). Nothing is asked of Janus yet. */
    SfuRoom open(String roomId, String password) {
        return new SfuRoom(roomId, password != null ? password : PasswordHasher.randomSecret(),
                JanusAdmin.roomSecret(serverKey, roomId));
    }

    /** Makes the Janus room, after the same room's destruction if one is under way (its secret is the old one). */
    CompletableFuture<Void> create(JanusAdmin admin, SfuRoom room) {
        return destroying.getOrDefault(room.id, CompletableFuture.completedFuture(null))
                .thenCompose(ignored -> admin.create(room, maxPublishers));
    }

    void refuse(String roomId) {
        refused.add(roomId);
    }

    boolean refused(String roomId) {
        return refused.contains(roomId);
    }

    /** The call emptied: its next start may try the SFU again. */
    void emptied(String roomId) {
        refused.remove(roomId);
        cutOff.remove(roomId);
    }

    /**
     * Whether a failed creation counts as Janus refusing the call: an answer that said no, or no answer in
     * time. A connection lost on the way counts only once it has happened {@value #CUT_OFF_LIMIT} times,
     * so a room whose creation brings the connection down does not make everyone switch back and forth.
     */
    boolean refusal(String roomId, Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return !(cause instanceof IOException) || cutOff.merge(roomId, 1, Integer::sum) >= CUT_OFF_LIMIT;
    }

    /** Ends a member's Janus session (and with it its handles), if it has one. */
    CompletableFuture<Void> endSession(SfuMember member) {
        JanusAdmin j = janus.get();
        if (j == null || member.session == 0) {
            return CompletableFuture.completedFuture(null);
        }
        return j.connection().destroySession(member.session).handle((ok, error) -> null);
    }

    /**
     * Destroys an emptied call's Janus room once {@code ended} (its members' sessions) is done, if
     * {@code takeOutOfUse} removes the room from use. The destruction is on record before that removal, so
     * the same call opened again at once makes its Janus room after it, never before (the old room would
     * then be taken for one left from an earlier run, replaced, and the new one destroyed).
     */
    void destroyIfTakenOutOfUse(SfuRoom room, CompletableFuture<?> ended, BooleanSupplier takeOutOfUse) {
        CompletableFuture<Boolean> decided = new CompletableFuture<>();
        CompletableFuture<Void> destroyed = destroying.compute(room.id, (id, earlier) ->
                (earlier == null ? CompletableFuture.<Void>completedFuture(null) : earlier)
                        .thenCompose(ignored -> decided)
                        .thenCompose(taken -> taken
                                ? ended.handle((ok, error) -> null).thenCompose(ignored -> destroy(room))
                                : CompletableFuture.<Void>completedFuture(null)));
        destroyed.whenComplete((ok, error) -> destroying.remove(room.id, destroyed));
        decided.complete(takeOutOfUse.getAsBoolean());
    }

    private CompletableFuture<Void> destroy(SfuRoom room) {
        JanusAdmin j = janus.get();
        if (j == null) {
            return CompletableFuture.completedFuture(null);
        }
        log.info("room {} is empty: its Janus room is destroyed", room.id);
        return j.destroy(room).handle((ok, error) -> {
            if (error != null) {
                log.warn("room {}: Janus did not destroy the room: {}", room.id, error.getMessage());
            }
            return null;
        });
    }
}
