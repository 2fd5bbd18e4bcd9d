package dev.parley.sfu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.janus.JanusConnection;
import dev.parley.signaling.Message;
import dev.parley.signaling.Message.SfuOffer;
import dev.parley.signaling.Message.SfuStream;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each member receives: one subscriber handle per member, subscribed to every other publisher.
 * Janus offers, the browser answers (through Parley), Janus starts; one step at a time per member.
 * Janus's unsolicited events are matched to members here, and its repeats are ignored.
 */
final class SfuReceiving {
    private static final Logger log = LoggerFactory.getLogger(SfuReceiving.class);
    /** How long a browser has to answer an offer before the round is abandoned (the next change retries). */
    private static final long ANSWER_TIMEOUT_SECONDS = 20;

    interface Sender {
        void send(String roomId, String participantId, Message message);
    }

    private final Sender sender;
    private final Supplier<JanusAdmin> janus;

    SfuReceiving(Sender sender, Supplier<JanusAdmin> janus) {
        this.sender = sender;
        this.janus = janus;
    }

    /** Subscribes a member to every publisher it does not receive yet (none but itself: nothing to do). */
    void subscribeAll(SfuRoom room, SfuMember member) {
        member.receiving.then(() -> member.ready.thenCompose(ignored -> {
            Set<String> wanted = new TreeSet<>(room.publishers);
            wanted.remove(member.camera.id);
            wanted.remove(member.screen.id);
            wanted.removeAll(member.subscribedFeeds());
            if (member.gone || wanted.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            JanusConnection c = connection();
            boolean fresh = member.subscriberHandle == 0;
            member.requested(wanted);
            log.debug("room {}: {} subscribes to {}{}", room.id, member.participantId, wanted, fresh ? " (new handle)" : "");
            CompletableFuture<JsonNode> reply = fresh
                    ? c.attach(member.session, JanusRequests.PLUGIN).thenCompose(handle -> {
                        member.subscriberHandle = handle;
                        member.allLayersUnknown();
                        return c.message(member.session, handle,
                                JanusRequests.joinAsSubscriber(room.id, room.pin, member.privateId, wanted), null);
                    })
                    : c.message(member.session, member.subscriberHandle, JanusRequests.subscribe(wanted), null);
            return reply.handle((r, error) -> {
                if (error != null) {
                    member.notRequested(wanted);
                }
                if (error != null && fresh) {
                    // The handle never joined; a later attempt starts over with a new one.
                    long handle = member.subscriberHandle;
                    member.subscriberHandle = 0;
                    if (handle != 0) {
                        c.detach(member.session, handle);
                    }
                }
                return error == null ? negotiate(room, member, r, fresh) : CompletableFuture.<Void>failedFuture(error);
            }).thenCompose(step -> step);
        })).exceptionally(error -> {
            log.warn("room {}: subscribing {} failed: {}", room.id, member.participantId, error.getMessage());
            return null;
        });
    }

    /**
     * One ICE candidate of the member's receiving connection, after its answer on the same queue. One
     * that cannot be delivered is dropped: Janus learns the address from the connectivity checks too.
     */
    void trickle(SfuMember member, ObjectNode candidate) {
        member.receiving.then(() -> member.subscriberHandle == 0 || member.gone
                        ? CompletableFuture.<Void>completedFuture(null)
                        : connection().trickle(member.session, member.subscriberHandle, candidate))
                .exceptionally(error -> {
                    log.debug("{}: a receiving candidate was not delivered: {}", member.participantId, error.getMessage());
                    return null;
                });
    }

    /** Asks for the high or low simulcast layer of one participant's video, or for none of it. */
    void setQuality(SfuRoom room, SfuMember member, String feed, SfuMember.Quality quality) {
        member.want(feed, quality);
        member.receiving.then(() -> applyLayers(room, member)).exceptionally(error -> null);
    }

    /**
     * A publisher's connection came up (others may now subscribe to it) or went down. True if the
     * message was about a publisher handle and handled here.
     */
    boolean mediaEvent(Collection<SfuRoom> rooms, JsonNode message) {
        String kind = message.path("janus").asText();
        if (!kind.equals("webrtcup") && !kind.equals("hangup")) {
            return false;
        }
        long handle = message.path("sender").asLong();
        for (SfuRoom room : rooms) {
            for (SfuMember member : room.members.values()) {
                SfuMember.Feed feed = member.camera.handle == handle ? member.camera
                        : member.screen.handle == handle ? member.screen : null;
                if (feed != null && handle != 0) {
                    log.debug("room {}: {}'s publishing connection: {}", room.id, feed.id, kind);
                    if (kind.equals("webrtcup")) {
                        room.published(feed);
                        // A feed published again (a second screen share) will end again: that is news, not a repeat.
                        room.seenEvents.removeIf(seen -> seen.startsWith(feed.id + "/"));
                        room.members.values().forEach(other -> subscribeAll(room, other));
                    } else {
                        ended(room, feed.id);
                        feed.published = false;
                        feed.lastAnswer = null;
                    }
                    return true;
                }
            }
        }
        return false;
    }

    /** An event Janus sent on its own: a subscriber's new offer (someone left), or news about publishers. */
    void event(Collection<SfuRoom> rooms, JsonNode message) {
        long handle = message.path("sender").asLong();
        JsonNode data = JanusRequests.data(message);
        for (SfuRoom room : rooms) {
            for (SfuMember member : room.members.values()) {
                if (handle == member.subscriberHandle && member.subscriberHandle != 0) {
                    String sdp = JanusRequests.sdp(message);
                    if (sdp != null) {
                        member.receiving.then(() -> negotiate(room, member, message, false)).exceptionally(error -> null);
                    }
                    return;
                }
                if (handle != 0 && (handle == member.camera.handle || handle == member.screen.handle)) {
                    publisherEvent(room, member, data);
                    return;
                }
            }
        }
    }

    private void publisherEvent(SfuRoom room, SfuMember member, JsonNode data) {
        for (String kind : List.of("unpublished", "leaving")) {
            JsonNode who = data.get(kind);
            if (who != null && !who.isNull() && !"ok".equals(who.asText())) {
                // Each member's handle hears the same news; act once per publisher and kind.
                if (room.seenEvents.add(who.asText() + "/" + kind)) {
                    log.debug("room {}: {} {}", room.id, who.asText(), kind);
                    ended(room, who.asText());
                }
            }
        }
    }

    /** A feed stopped publishing: nobody subscribes to it any more, and a pending request for it is void. */
    private static void ended(SfuRoom room, String feed) {
        room.unpublished(feed);
        room.members.values().forEach(m -> m.notRequested(Set.of(feed)));
    }

    /** Sends Janus's offer to the browser, waits for its answer, and starts the streams. */
    private CompletableFuture<Void> negotiate(SfuRoom room, SfuMember member, JsonNode reply, boolean fresh) {
        String offer = JanusRequests.sdp(reply);
        List<SfuMember.Stream> streams = JanusRequests.streams(reply);
        if (!streams.isEmpty() || offer != null) {
            member.setStreams(streams);
        }
        if (offer == null || member.gone) {
            return CompletableFuture.completedFuture(null);
        }
        SfuOffer message = new SfuOffer(offer, streams.stream().map(s -> new SfuStream(s.mid(),
                SfuMember.participantOf(s.feed()), s.kind(), s.feed().endsWith(SfuMember.SCREEN_SUFFIX) ? "screen" : "camera"))
                .toList(), fresh);
        CompletableFuture<String> answer = member.awaitAnswer(message);
        log.debug("room {}: offering {} streams to {}", room.id, streams.size(), member.participantId);
        sender.send(room.id, member.participantId, message);
        return answer.orTimeout(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                // The connection of the moment: it may have been replaced while the browser answered.
                .thenCompose(sdp -> connection().message(member.session, member.subscriberHandle, JanusRequests.start(),
                        JanusRequests.jsep("answer", sdp)))
                .thenCompose(started -> {
                    log.debug("room {}: {} receives {} streams", room.id, member.participantId, streams.size());
                    return applyLayers(room, member);
                });
    }

    /** Tells Janus the layers that changed since it was last told (after a negotiation: the new streams). */
    private CompletableFuture<Void> applyLayers(SfuRoom room, SfuMember member) {
        if (member.subscriberHandle == 0 || member.gone) {
            return CompletableFuture.completedFuture(null);
        }
        JanusConnection c = connection();
        List<SfuMember.LayerChange> changed = member.layerChanges(room.simulcastFeeds::contains);
        if (changed.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return c.message(member.session, member.subscriberHandle, JanusRequests.layers(changed), null)
                .whenComplete((reply, error) -> {
                    if (error != null) {
                        member.layersUnknown(changed);
                    }
                })
                .thenApply(ignored -> null);
    }

    private JanusConnection connection() {
        JanusAdmin j = janus.get();
        if (j == null) {
            throw new java.io.UncheckedIOException(new java.io.IOException("Janus is not connected"));
        }
        return j.connection();
    }
}
