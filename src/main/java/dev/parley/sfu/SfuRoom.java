package dev.parley.sfu;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** A Parley room that runs through Janus: its Janus room (same id, with a pin) and its members. */
final class SfuRoom {
    final String id;
    /** Janus's room pin: the room password when there is one, else random. Every join must carry it. */
    final String pin;
    /** Janus's room secret, needed to destroy the room. */
    final String secret;
    /** Completes once the Janus room exists. */
    final CompletableFuture<Void> created = new CompletableFuture<>();
    final Map<String, SfuMember> members = new ConcurrentHashMap<>();
    /** Participants whose publishing Janus accepted. */
    final Set<String> publishers = ConcurrentHashMap.newKeySet();
    /** Feeds whose publisher offered simulcast layers: only their subscribers have a layer to pick. */
    final Set<String> simulcastFeeds = ConcurrentHashMap.newKeySet();
    /** Janus events already acted on: it repeats some (such as "unpublished"), on every member's handle. */
    final Set<String> seenEvents = ConcurrentHashMap.newKeySet();

    SfuRoom(String id, String pin, String secret) {
        this.id = id;
        this.pin = pin;
        this.secret = secret;
    }

    /** A feed's connection is up: others may subscribe to it. */
    void published(SfuMember.Feed feed) {
        publishers.add(feed.id);
        if (feed.simulcast) {
            simulcastFeeds.add(feed.id);
        } else {
            simulcastFeeds.remove(feed.id);
        }
    }

    /** A feed stopped publishing, or its member left. */
    void unpublished(String feed) {
        publishers.remove(feed);
        simulcastFeeds.remove(feed);
    }
}
