package dev.parley.sfu;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One participant of an SFU room, as Janus knows it: its session, the handle it publishes on, and the
 * handle it receives everyone else on. Publishing and receiving each have their own queue.
 */
final class SfuMember {
    final String participantId;
    /** Session creation, publisher join and publishing, in order. */
    final SerialQueue publishing = new SerialQueue();
    /** Subscribing, the offer/answer round trips with the browser, and layer changes, in order. */
    final SerialQueue receiving = new SerialQueue();
    /** Completes once the session exists and the publisher has joined the Janus room. */
    final CompletableFuture<Void> ready = new CompletableFuture<>();

    volatile long session;
    volatile long publisherHandle;
    volatile long subscriberHandle;
    volatile Long privateId;
    volatile boolean published;
    volatile boolean gone;

    /** What this member receives: mid → feed (participant id) and kind, from Janus's latest streams list. */
    private final Map<String, Stream> streams = new HashMap<>();
    /** Participants whose video this member wants in high quality. */
    private final Set<String> high = new HashSet<>();
    /** The browser's answer to the offer in flight, if any. */
    private CompletableFuture<String> pendingAnswer;

    record Stream(String mid, String feed, String kind) {}

    SfuMember(String participantId) {
        this.participantId = participantId;
    }

    synchronized void setStreams(List<Stream> current) {
        streams.clear();
        current.forEach(s -> streams.put(s.mid(), s));
    }

    synchronized Set<String> subscribedFeeds() {
        Set<String> feeds = new HashSet<>();
        streams.values().forEach(s -> feeds.add(s.feed()));
        return feeds;
    }

    synchronized List<Stream> videoStreams() {
        return streams.values().stream().filter(s -> s.kind().equals("video")).toList();
    }

    synchronized void wantHigh(String feed, boolean on) {
        if (on) {
            high.add(feed);
        } else {
            high.remove(feed);
        }
    }

    synchronized boolean wantsHigh(String feed) {
        return high.contains(feed);
    }

    synchronized CompletableFuture<String> awaitAnswer() {
        pendingAnswer = new CompletableFuture<>();
        return pendingAnswer;
    }

    /** False when no offer is waiting for an answer. */
    synchronized boolean answer(String sdp) {
        if (pendingAnswer == null || pendingAnswer.isDone()) {
            return false;
        }
        pendingAnswer.complete(sdp);
        return true;
    }

    synchronized void abandon() {
        gone = true;
        if (pendingAnswer != null) {
            pendingAnswer.cancel(false);
        }
    }
}
