package dev.parley.sfu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.janus.JanusConnection;
import dev.parley.signaling.ErrorCode;
import dev.parley.signaling.Message.ErrorReply;
import dev.parley.signaling.Message.SfuPublished;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each member sends: its Janus session, the publisher handle its camera and microphone go out on,
 * and a second one for a shared screen. One step at a time per member, on its publishing queue.
 */
final class SfuPublishing {
    private static final Logger log = LoggerFactory.getLogger(SfuPublishing.class);

    private final SfuReceiving.Sender sender;
    private final Supplier<JanusAdmin> janus;
    private final SfuReceiving receiving;

    SfuPublishing(SfuReceiving.Sender sender, Supplier<JanusAdmin> janus, SfuReceiving receiving) {
        this.sender = sender;
        this.janus = janus;
        this.receiving = receiving;
    }

    /** Opens the member's session and joins the Janus room as a publisher; then it can receive the others. */
    void join(SfuRoom room, SfuMember member) {
        if (!member.startJoining()) {
            return;
        }
        String participantId = member.participantId;
        JanusConnection c = connection();
        // Not on the publishing queue: a publish queued there waits for this join ("ready").
        room.created
                .thenCompose(ignored -> c.createSession())
                .thenCompose(session -> {
                    member.session = session;
                    return c.attach(session, JanusRequests.PLUGIN);
                })
                .thenCompose(handle -> {
                    member.camera.handle = handle;
                    return c.message(member.session, handle,
                            JanusRequests.joinAsPublisher(room.id, room.pin, participantId), null);
                }).whenComplete((reply, error) -> {
                    if (error != null && connectionLost(error) && !member.gone) {
                        // Joined again once the connection is back: resync, after the coordinator reclaims the sessions.
                        log.info("room {}: {} joins the Janus room again once the connection is back", room.id, participantId);
                        member.joinLost();
                        return;
                    }
                    if (error != null) {
                        member.ready.completeExceptionally(error);
                        if (member.gone) {
                            return; // left, or the room went back to a mesh and said so
                        }
                        log.warn("room {}: {} could not join the Janus room: {}", room.id, participantId, error.getMessage());
                        sender.send(room.id, participantId, ErrorReply.of(ErrorCode.SFU_FAILED,
                                "could not reach the media server"));
                        return;
                    }
                    JsonNode privateId = JanusRequests.data(reply).path("private_id");
                    member.privateId = privateId.canConvertToLong() ? privateId.asLong() : null;
                    member.ready.complete(null);
                    receiving.subscribeAll(room, member);
                });
    }

    /** Sends the browser's offer for its camera or screen to Janus, and Janus's answer back. */
    void publish(SfuRoom room, SfuMember member, String sdp, boolean screen) {
        SfuMember.Feed feed = member.feed(screen);
        log.debug("room {}: {} publishes {}", room.id, member.participantId, feed.id);
        feed.simulcast = sdp.contains("\na=simulcast:");
        member.publishing.then(() -> member.ready.thenCompose(ignored -> screenHandle(room, member, feed))
                        .thenCompose(handle -> connection().message(member.session, handle,
                                JanusRequests.publish(feed.published), JanusRequests.jsep("offer", sdp))))
                .whenComplete((reply, error) -> {
                    String answer = reply == null ? null : JanusRequests.sdp(reply);
                    if (error != null && connectionLost(error) && !member.gone) {
                        member.afterReconnect(() -> publish(room, member, sdp, screen));
                        return;
                    }
                    if (member.gone) {
                        return; // left, or the room went back to a mesh and said so
                    }
                    if (error != null || answer == null) {
                        log.warn("room {}: Janus refused {}'s offer: {}", room.id, member.participantId,
                                error != null ? error.getMessage() : reply);
                        sender.send(room.id, member.participantId, ErrorReply.of(ErrorCode.SFU_FAILED,
                                "the media server did not accept what you send"));
                        return;
                    }
                    log.debug("room {}: {} published", room.id, member.participantId);
                    SfuPublished published = new SfuPublished(answer, screen ? "screen" : "camera");
                    feed.lastAnswer = published;
                    sender.send(room.id, member.participantId, published);
                    feed.published = true;
                    // Others subscribe once the media is up ("webrtcup"): Janus knows no feed before.
                });
    }

    /**
     * One ICE candidate of the browser's camera or screen connection, after its offer on the same queue
     * (Janus would otherwise have no connection to add it to). One that cannot be delivered is dropped:
     * Janus still learns the address from the browser's connectivity checks.
     */
    void trickle(SfuMember member, boolean screen, ObjectNode candidate) {
        SfuMember.Feed feed = member.feed(screen);
        member.publishing.then(() -> member.ready.thenCompose(ignored -> feed.handle == 0 || member.gone
                        ? CompletableFuture.<Void>completedFuture(null)
                        : connection().trickle(member.session, feed.handle, candidate)))
                .exceptionally(error -> {
                    log.debug("{}: a candidate for {} was not delivered: {}", member.participantId, feed.id, error.getMessage());
                    return null;
                });
    }

    /** The handle a feed publishes on; a screen gets its own, joined as a second publisher, on first use. */
    private CompletableFuture<Long> screenHandle(SfuRoom room, SfuMember member, SfuMember.Feed feed) {
        if (feed.handle != 0) {
            return CompletableFuture.completedFuture(feed.handle);
        }
        JanusConnection c = connection();
        return c.attach(member.session, JanusRequests.PLUGIN).thenCompose(handle -> {
            feed.handle = handle;
            return c.message(member.session, handle, JanusRequests.joinAsPublisher(room.id, room.pin, feed.id), null)
                    .thenApply(joined -> handle);
        });
    }

    /** A request that failed because the connection went (not because Janus said no). */
    private static boolean connectionLost(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        return cause instanceof java.io.IOException || cause instanceof java.io.UncheckedIOException;
    }

    private JanusConnection connection() {
        JanusAdmin j = janus.get();
        if (j == null) {
            throw new java.io.UncheckedIOException(new java.io.IOException("Janus is not connected"));
        }
        return j.connection();
    }

    /** After a reclaim: events may have been lost, so re-read who publishes and bring every member up to date. */
    void resync(SfuRoom room, JanusAdmin admin) {
        admin.publishers(room.id).whenComplete((feeds, error) -> {
            if (error != null) {
                log.warn("room {}: cannot list its publishers after reconnecting: {}", room.id, error.getMessage());
                return;
            }
            room.publishers.retainAll(feeds);
            room.publishers.addAll(feeds);
            for (SfuMember member : room.members.values()) {
                if (!member.joining()) {
                    join(room, member);
                } else {
                    receiving.subscribeAll(room, member);
                }
                member.takeAfterReconnect().forEach(Runnable::run);
            }
        });
    }
}
