package dev.parley.sfu;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import dev.parley.signaling.Message;

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
    volatile long subscriberHandle;
    volatile Long privateId;
    volatile boolean gone;
    /** Whether joining the Janus room has begun (it waits while a lost connection comes back). */
    private boolean joining;
    /** Requests the lost connection took with it, to send again on the new one. */
    private final List<Runnable> afterReconnect = new java.util.ArrayList<>();
    /** What the member publishes: its camera and microphone, and a shared screen as a second feed. */
    final Feed camera;
    final Feed screen;

    /** One published feed: its Janus publisher id and handle, and the latest answer (resent after a resume). */
    static final class Feed {
        final String id;
        final boolean isScreen;
        volatile long handle;
        volatile boolean published;
        /** Whether the latest offer sends simulcast layers. */
        volatile boolean simulcast;
        volatile Message.SfuPublished lastAnswer;

        Feed(String id, boolean isScreen) {
            this.id = id;
            this.isScreen = isScreen;
        }
    }

    /** Janus publisher ids of screens: the participant's id and this (ids never contain it). */
    static final String SCREEN_SUFFIX = "~screen";

    /** Whose a Janus feed is: the participant behind a camera or screen feed id. */
    static String participantOf(String feed) {
        return feed.endsWith(SCREEN_SUFFIX) ? feed.substring(0, feed.length() - SCREEN_SUFFIX.length()) : feed;
    }

    Feed feed(boolean screen) {
        return screen ? this.screen : camera;
    }

    /** What this member receives: mid → feed (participant id) and kind, from Janus's latest streams list. */
    private final Map<String, Stream> streams = new HashMap<>();
    /** Feeds asked for whose streams Janus has not offered yet. */
    private final Set<String> requested = new HashSet<>();
    /** What this member wants of each participant's video; absent means LOW. */
    private final Map<String, Quality> wanted = new HashMap<>();
    /**
     * What Janus was last told, or is taken to do unasked, for each video stream: null after a failed
     * request, absent before the first. Only changes are sent, since every layer request makes Janus ask
     * the publisher for a key frame, even when nothing changed.
     */
    private final Map<Stream, LayerChange> applied = new HashMap<>();
    /** The browser's answer to the offer in flight, if any, and that offer. */
    private CompletableFuture<String> pendingAnswer;
    private Message.SfuOffer pendingOffer;
    private String lastAnswer;

    record Stream(String mid, String feed, String kind) {}

    /** A layer request for one video stream; {@code layered} if its publisher sends simulcast layers to pick from. */
    record LayerChange(Stream stream, Quality quality, boolean layered) {}

    /** High layer (large tile), low layer (grid), or not sent at all (past last-N). */
    enum Quality { HIGH, LOW, OFF }

    SfuMember(String participantId) {
        this.participantId = participantId;
        this.camera = new Feed(participantId, false);
        this.screen = new Feed(participantId + SCREEN_SUFFIX, true);
    }

    synchronized void setStreams(List<Stream> current) {
        streams.clear();
        current.forEach(s -> streams.put(s.mid(), s));
        current.forEach(s -> requested.remove(s.feed()));
        // A mid Janus gives to another feed is a new stream, with Janus's default layer.
        applied.keySet().retainAll(streams.values());
    }

    /**
     * The video streams whose wanted layer Janus has not been told yet; they count as told from now. A
     * publisher without simulcast has one layer, so for its video only on or off matters: Janus sends a
     * new stream without being asked, and a request for the high layer would only cost a key frame.
     * @param layered whether a feed's publisher sends simulcast layers
     */
    synchronized List<LayerChange> layerChanges(Predicate<String> layered) {
        List<LayerChange> changed = new java.util.ArrayList<>();
        for (Stream s : streams.values()) {
            if (!s.kind().equals("video")) {
                continue;
            }
            boolean simulcast = layered.test(s.feed());
            Quality q = wanted.getOrDefault(s.feed(), Quality.LOW);
            if (!simulcast && q == Quality.HIGH) {
                q = Quality.LOW;
            }
            LayerChange change = new LayerChange(s, q, simulcast);
            boolean told = applied.containsKey(s);
            LayerChange before = applied.put(s, change);
            if (told ? !change.equals(before) : simulcast || q != Quality.LOW) {
                changed.add(change);
            }
        }
        return changed;
    }

    /** Janus did not take these layer requests: they are sent again next time. */
    synchronized void layersUnknown(List<LayerChange> changes) {
        changes.forEach(c -> applied.put(c.stream(), null));
    }

    /** A new subscriber handle starts from Janus's default layers. */
    synchronized void allLayersUnknown() {
        applied.clear();
    }

    /** The feeds this member receives or has asked Janus for (it may still be adding them: "updating"). */
    synchronized Set<String> subscribedFeeds() {
        Set<String> feeds = new HashSet<>(requested);
        streams.values().forEach(s -> feeds.add(s.feed()));
        return feeds;
    }

    synchronized void requested(Set<String> feeds) {
        requested.addAll(feeds);
    }

    /** A request failed, or the feed ended before it arrived: it may be asked for again. */
    synchronized void notRequested(Set<String> feeds) {
        requested.removeAll(feeds);
    }

    synchronized void want(String feed, Quality quality) {
        wanted.put(feed, quality);
    }

    synchronized CompletableFuture<String> awaitAnswer(Message.SfuOffer offer) {
        pendingAnswer = new CompletableFuture<>();
        pendingOffer = offer;
        return pendingAnswer;
    }

    /** What a resumed socket must hear again: the publishing answer, and an offer still waiting for its answer. */
    synchronized List<Message> unanswered() {
        List<Message> again = new java.util.ArrayList<>();
        for (Feed f : List.of(camera, screen)) {
            if (f.lastAnswer != null) {
                again.add(f.lastAnswer);
            }
        }
        if (pendingAnswer != null && !pendingAnswer.isDone()) {
            again.add(pendingOffer);
        }
        return again;
    }

    /**
     * False when no offer is waiting for an answer, unless this is the answer already taken again (a
     * page resending it after a resume, which is harmless).
     */
    synchronized boolean answer(String sdp) {
        if (pendingAnswer == null || pendingAnswer.isDone()) {
            return sdp.equals(lastAnswer);
        }
        lastAnswer = sdp;
        pendingAnswer.complete(sdp);
        return true;
    }

    /** True for the one caller that gets to join the Janus room. */
    synchronized boolean startJoining() {
        if (joining) {
            return false;
        }
        joining = true;
        return true;
    }

    synchronized boolean joining() {
        return joining;
    }

    /** The connection went while joining: start over (with a new session) once it is back. */
    synchronized void joinLost() {
        joining = false;
        session = 0;
        camera.handle = 0;
    }

    synchronized void afterReconnect(Runnable request) {
        afterReconnect.add(request);
    }

    synchronized List<Runnable> takeAfterReconnect() {
        List<Runnable> taken = List.copyOf(afterReconnect);
        afterReconnect.clear();
        return taken;
    }

    synchronized void abandon() {
        afterReconnect.clear();
        gone = true;
        if (pendingAnswer != null) {
            pendingAnswer.cancel(false);
        }
    }
}
