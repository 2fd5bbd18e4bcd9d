package dev.parley.sfu;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.janus.JanusConnection;
import dev.parley.janus.JanusException;
import dev.parley.security.PasswordHasher;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live connection to Janus and the session Parley creates and destroys Janus rooms on. A room has
 * the Parley room's id, a pin and a secret. After a lost connection, {@link #reclaim} takes every
 * session over on a new one, so calls go on without touching the browsers' media.
 */
record JanusAdmin(JanusConnection connection, String adminKey, long session, long handle) {
    private static final int ROOM_EXISTS = 427;

    private static final Logger log = LoggerFactory.getLogger(JanusAdmin.class);

    /**
     * Opens the admin session on a fresh connection and checks that Janus can make Parley's rooms.
     * Empty, with the reason logged, if it cannot: then every room stays peer to peer.
     */
    static CompletableFuture<Optional<JanusAdmin>> open(JanusConnection connection, String adminKey, byte[] serverKey) {
        return connection.createSession()
                .thenCompose(session -> connection.attach(session, JanusRequests.PLUGIN)
                        .thenApply(handle -> new JanusAdmin(connection, adminKey, session, handle)))
                .thenCompose(admin -> admin.check(serverKey).handle((ok, refused) -> checked(admin, refused)))
                .exceptionally(error -> {
                    log.warn("Janus is reachable but refused a session: {}", error.getMessage());
                    return Optional.empty();
                });
    }

    private static Optional<JanusAdmin> checked(JanusAdmin admin, Throwable refused) {
        Throwable cause = refused instanceof CompletionException c ? c.getCause() : refused;
        if (cause instanceof JanusException) {
            log.error("Janus cannot make Parley's rooms ({}), so every room stays peer to peer. Its VideoRoom plugin "
                    + "needs string_ids = true, and its admin_key, if it has one, given with --janus-admin-key.",
                    cause.getMessage());
        } else if (cause != null) {
            // Not Janus's answer (the connection dropped, say): the link reconnects and checks again.
            log.warn("Janus could not be checked: {}", cause.getMessage());
        }
        return cause == null ? Optional.of(admin) : Optional.empty();
    }

    /**
     * The secret that destroys a room: derived from the server's key, so this server can still destroy
     * a room it made before a restart (an external Janus keeps them), and nobody else can.
     */
    static String roomSecret(byte[] serverKey, String roomId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(serverKey, "HmacSHA256"));
            byte[] digest = mac.doFinal(("janus-room-secret:" + roomId).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /**
     * Creates the Janus room; one left from before (427: this server made it before a restart, and an
     * external Janus kept it) is destroyed with its secret and made again.
     */
    CompletableFuture<Void> create(SfuRoom room, int maxPublishers) {
        return message(JanusRequests.createRoom(room.id, adminKey, room.pin, room.secret, maxPublishers))
                .exceptionallyCompose(error -> {
                    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                    if (cause instanceof JanusException e && e.code() == ROOM_EXISTS) {
                        return message(JanusRequests.destroyRoom(room.id, room.secret)).thenCompose(ignored ->
                                message(JanusRequests.createRoom(room.id, adminKey, room.pin, room.secret, maxPublishers)));
                    }
                    return CompletableFuture.failedFuture(error);
                })
                .thenApply(ignored -> null);
    }

    /**
     * Makes and destroys a room the way Parley makes rooms (a string id, the admin key, a pin and a
     * secret), so a Janus that cannot hold them is found when Parley connects, not by the first call.
     */
    private CompletableFuture<Void> check(byte[] serverKey) {
        String id = "parley-check-" + UUID.randomUUID();
        String secret = roomSecret(serverKey, id);
        return message(JanusRequests.createRoom(id, adminKey, PasswordHasher.randomSecret(), secret, 1))
                .thenCompose(ignored -> message(JanusRequests.destroyRoom(id, secret)))
                .thenApply(ignored -> null);
    }

    CompletableFuture<Void> destroy(SfuRoom room) {
        return message(JanusRequests.destroyRoom(room.id, room.secret)).thenApply(ignored -> null);
    }

    /** The feeds that publish in a Janus room now: what Parley re-reads after events may have been lost. */
    CompletableFuture<Set<String>> publishers(String roomId) {
        return message(JanusRequests.listParticipants(roomId)).thenApply(reply -> {
            Set<String> feeds = new HashSet<>();
            for (JsonNode p : JanusRequests.data(reply).path("participants")) {
                if (p.path("publisher").asBoolean(false) && p.hasNonNull("id")) {
                    feeds.add(p.get("id").asText());
                }
            }
            return feeds;
        });
    }

    /**
     * Takes this admin session and every member's session over on {@code fresh}, within Janus's
     * reclaim_session_timeout. Completes with the admin on the new connection, or fails if any session
     * is gone (Janus restarted), since half a room on the SFU is no call.
     */
    CompletableFuture<JanusAdmin> reclaim(JanusConnection fresh, Collection<SfuRoom> rooms) {
        List<CompletableFuture<Void>> claims = new ArrayList<>();
        claims.add(fresh.claim(session));
        for (SfuRoom room : rooms) {
            for (SfuMember member : room.members.values()) {
                if (member.session != 0) {
                    claims.add(fresh.claim(member.session));
                }
            }
        }
        return CompletableFuture.allOf(claims.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> new JanusAdmin(fresh, adminKey, session, handle));
    }

    /** Janus ends a session after about a minute without a request: keep the admin's and every member's. */
    void keepAlive(Collection<SfuRoom> rooms) {
        connection.keepalive(session);
        for (SfuRoom room : rooms) {
            for (SfuMember member : room.members.values()) {
                if (member.session != 0) {
                    connection.keepalive(member.session);
                }
            }
        }
    }

    private CompletableFuture<JsonNode> message(com.fasterxml.jackson.databind.node.ObjectNode body) {
        return connection.message(session, handle, body, null);
    }
}
