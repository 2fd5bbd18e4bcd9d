package dev.parley.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.Parley;
import dev.parley.janus.JanusConnection;
import dev.parley.janus.JanusListener;
import dev.parley.security.ServerSecret;
import dev.parley.sfu.ScriptedJanus.Request;
import dev.parley.support.WsClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Parley's SFU orchestration against a {@link ScriptedJanus}: Janus's repeated events, feeds that come
 * back, renegotiations that overlap and "updating" replies, made to happen on cue; what Parley tells the
 * browsers and what it asks Janus are both checked.
 */
class SfuJanusEventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String API_SECRET = "scripted-secret";

    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<Person> people = new ArrayList<>();
    private final AtomicInteger sdps = new AtomicInteger();
    private Path dataDir;
    private ScriptedJanus janus;
    private Parley parley;
    private String room;

    @BeforeEach
    void start() throws IOException {
        dataDir = Files.createTempDirectory("parley-scripted-janus-");
        janus = new ScriptedJanus(API_SECRET);
        open.add(janus);
        parley = Parley.start(new String[] {"--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir.toString(),
                "--janus-url", janus.url().toString(), "--janus-api-secret", API_SECRET, "--media-mode", "sfu"});
        open.add(parley);
        await("Parley reaches the scripted Janus", () -> parley.sfu().orElseThrow().available());
        room = newRoom();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        try (Stream<Path> paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void repeatedUnpublishedAndLeavingEventsAreToleratedAndActedOnOnce() {
        Person ada = enter("Ada");
        Person bob = enter("Bob");
        Person cy = enter("Cy");
        for (Person p : List.of(ada, bob, cy)) {
            janus.webrtcup(publish(p, "camera"));
        }
        receiveUntil(ada, bob.id, cy.id);
        receiveUntil(bob, ada.id, cy.id);
        receiveUntil(cy, ada.id, bob.id);
        long negotiationsBefore = negotiationsOutside(null);

        // Cy's tab closed: every other participant's handle hears "unpublished" twice, then "leaving". Cy's
        // Parley socket stays open, so only Janus's news can take the feed away.
        ObjectNode unpublished = data("event").put("unpublished", cy.id);
        janus.toOthers(cy.id, unpublished);
        janus.toOthers(cy.id, unpublished);
        janus.toOthers(cy.id, data("event").put("leaving", cy.id));

        Person dan = enter("Dan");
        JsonNode offer = dan.next("sfu-offer");
        assertThat(feedsOf(offer)).containsExactlyInAnyOrder(ada.id, bob.id);
        answer(dan, offer);
        assertThat(subscribedFeeds(dan)).as("what Dan's subscriber asked Janus for").containsExactlyInAnyOrder(ada.id, bob.id);
        // The news itself made Parley renegotiate with no one else.
        assertThat(negotiationsOutside(dan)).isEqualTo(negotiationsBefore);
        for (Person p : List.of(ada, bob, cy)) {
            assertThat(p.all("sfu-offer")).as(p.name + "'s offers").hasSize(offersOf(p));
        }
        people.forEach(p -> assertThat(p.all("error")).as(p.name + "'s errors").isEmpty());
    }

    @Test
    void aScreenPublishedAgainAfterItEndedIsNewsNotADuplicate() {
        Person ada = enter("Ada");
        janus.webrtcup(publish(ada, "camera"));
        String screen = ada.id + SfuMember.SCREEN_SUFFIX;
        for (int round = 1; round <= 2; round++) {
            long handle = publish(ada, "screen");
            janus.webrtcup(handle);
            Person during = enter("Newcomer during share " + round);
            assertThat(firstOfferFeeds(during)).as("share " + round + " is on").containsExactlyInAnyOrder(ada.id, screen);

            // Every other participant hears the news. The screen's own hangup comes last: it alone ends the
            // feed too, and would hide an "unpublished" wrongly ignored as a repeat.
            janus.toOthers(screen, data("event").put("unpublished", screen));
            Person after = enter("Newcomer after share " + round);
            assertThat(firstOfferFeeds(after)).as("share " + round + " is over").containsExactly(ada.id);
            janus.hangup(handle);
        }
        people.forEach(p -> assertThat(p.all("error")).as(p.name + "'s errors").isEmpty());
    }

    @Test
    void whileAnAnswerIsPendingJanusIsAskedNothingMoreForThatReceiver() {
        Person ada = enter("Ada");
        Person bob = enter("Bob");
        janus.webrtcup(publish(ada, "camera"));
        JsonNode first = bob.next("sfu-offer");
        assertThat(feedsOf(first)).containsExactly(ada.id);
        long bobs = janus.subscriber(bob.id).id;

        Person cy = enter("Cy");
        janus.webrtcup(publish(cy, "camera"));
        // Cy's webrtcup subscribes everyone at once: once Ada is asked for, Bob would have been too.
        await("Ada's subscriber is asked for Cy", () -> subscribedFeeds(ada).contains(cy.id));
        holds("Bob's subscriber handle gets no subscribe and no start", Duration.ofMillis(300),
                () -> janus.messages(bobs, "subscribe").isEmpty() && janus.messages(bobs, "start").isEmpty());
        assertThat(bob.all("sfu-offer")).as("one offer at a time").hasSize(1);

        String answer = answer(bob, first);
        Request start = janus.messages(bobs, "start").getFirst();
        assertThat(start.jsep().path("type").asText()).isEqualTo("answer");
        assertThat(start.sdp()).isEqualTo(answer);
        JsonNode second = bob.next("sfu-offer");
        assertThat(second.path("fresh").asBoolean()).isFalse();
        assertThat(feedsOf(second)).containsExactlyInAnyOrder(ada.id, cy.id);
        List<Request> subscribes = janus.messages(bobs, "subscribe");
        assertThat(subscribes).hasSize(1);
        assertThat(subscribes.getFirst().feeds()).containsExactly(cy.id);
        assertThat(janus.requests().indexOf(subscribes.getFirst())).as("subscribed after the start")
                .isGreaterThan(janus.requests().indexOf(start));
        people.forEach(p -> assertThat(p.all("error")).as(p.name + "'s errors").isEmpty());
    }

    @Test
    void anUpdatingReplyIsFollowedByOneOfferWithTheMergedStreams() {
        Updating u = bobSubscribesToCyWhileJanusIsUpdating();
        Person ada = u.ada();
        Person bob = u.bob();
        Person cy = u.cy();
        long bobs = u.bobs();
        assertThat(u.call().request().feeds()).containsExactly(cy.id);
        String merged = janus.pushUpdate(bobs);

        // Had the "updating" reply made an offer, this one would be it (and the merged one would wait).
        JsonNode offer = bob.next("sfu-offer");
        assertThat(offer.path("sdp").asText()).isEqualTo(merged);
        assertThat(offer.path("fresh").asBoolean()).isFalse();
        assertThat(feedsOf(offer)).containsExactlyInAnyOrder(ada.id, cy.id);
        String answer = answer(bob, offer);
        assertThat(janus.messages(bobs, "start")).extracting(Request::sdp).hasSize(2).last().isEqualTo(answer);
        assertThat(bob.all("sfu-offer")).hasSize(2);
        people.forEach(p -> assertThat(p.all("error")).as(p.name + "'s errors").isEmpty());
    }

    @Test
    void feedsJanusIsStillUpdatingAreNotAskedForAgain() {
        Updating u = bobSubscribesToCyWhileJanusIsUpdating();
        Person bob = u.bob();
        Person cy = u.cy();
        long bobs = u.bobs();

        // Another publisher comes up before Janus has sent the merged offer.
        Person dee = enter("Dee");
        janus.webrtcup(publish(dee, "camera"));
        await("Bob's subscriber is asked for Dee", () -> subscribedFeeds(bob).contains(dee.id));
        List<Request> subscribes = janus.messages(bobs, "subscribe");
        assertThat(subscribes).extracting(Request::feeds).as("each feed asked for once")
                .containsExactly(List.of(cy.id), List.of(dee.id));
    }

    @Test
    void janusIsToldOnlyTheLayersThatChange() {
        Person ada = enter("Ada");
        Person bob = enter("Bob");
        Person cy = enter("Cy");
        janus.webrtcup(publish(ada, "camera"));
        janus.webrtcup(publish(cy, "camera"));
        receiveUntil(bob, ada.id, cy.id);
        long bobs = janus.subscriber(bob.id).id;
        String adaVideo = videoMid(bob, ada.id);
        String cyVideo = videoMid(bob, cy.id);
        await("Bob's grid layers are set", () -> configuredMids(bobs).containsAll(List.of(adaVideo, cyVideo)));
        assertThat(configuredMids(bobs)).as("each new stream's layer set once").containsExactlyInAnyOrder(adaVideo, cyVideo);

        // Every layer request makes Janus ask the publisher for a key frame: unchanged layers are not repeated.
        bob.send(Map.of("type", "sfu-quality", "participant", ada.id, "quality", "high"));
        await("Ada's high layer is asked for", () -> configuredMids(bobs).size() == 3);
        List<Request> configures = janus.messages(bobs, "configure");
        JsonNode last = configures.getLast().body().path("streams");
        assertThat(last).hasSize(1);
        assertThat(last.get(0).path("mid").asText()).isEqualTo(adaVideo);
        assertThat(last.get(0).path("substream").asInt()).isEqualTo(2);

        bob.send(Map.of("type", "sfu-quality", "participant", ada.id, "quality", "high"));
        bob.send(Map.of("type", "sfu-quality", "participant", cy.id, "quality", "low"));
        holds("the same layers again ask Janus nothing", Duration.ofMillis(300), () -> configuredMids(bobs).size() == 3);
        people.forEach(p -> assertThat(p.all("error")).as(p.name + "'s errors").isEmpty());
    }

    @Test
    void whenTheLastPersonLeavesJanusDestroysTheRoomWithItsSecretAndEverySession() {
        Person ada = enter("Ada");
        Person bob = enter("Bob");
        janus.webrtcup(publish(ada, "camera"));
        answer(bob, bob.next("sfu-offer"));
        long adaSession = janus.publisher(ada.id).session;
        long bobSession = janus.publisher(bob.id).session;
        List<Request> created = roomRequests("create");
        assertThat(created).hasSize(1);
        String secret = created.getFirst().body().path("secret").asText();
        assertThat(secret).isNotBlank();
        assertThat(janus.hasRoom(room)).isTrue();

        ada.send(Map.of("type", "leave"));
        await("Ada's session is destroyed", () -> sessionDestroys(adaSession) == 1);
        assertThat(roomRequests("destroy")).as("Bob is still in the room").isEmpty();

        bob.send(Map.of("type", "leave"));
        // The scripted Janus, like Janus, destroys a room only when given its secret.
        await("the Janus room is destroyed", () -> !janus.hasRoom(room));
        assertThat(roomRequests("destroy")).hasSize(1);
        Request destroy = roomRequests("destroy").getFirst();
        assertThat(destroy.body().path("secret").asText()).isEqualTo(secret);
        assertThat(sessionDestroys(adaSession)).isEqualTo(1);
        assertThat(sessionDestroys(bobSession)).isEqualTo(1);
        Request bobsEnd = janus.requests().stream()
                .filter(r -> r.janus().equals("destroy") && r.session() == bobSession).findFirst().orElseThrow();
        assertThat(janus.requests().indexOf(destroy)).as("the room goes after its last session")
                .isGreaterThan(janus.requests().indexOf(bobsEnd));
    }

    @Test
    void aJanusRoomLeftFromAnEarlierRunIsDestroyedWithItsSecretAndMadeAgain() throws Exception {
        // An external Janus keeps rooms when Parley restarts; this server made that one (same key, same secret).
        String secret = JanusAdmin.roomSecret(ServerSecret.load(dataDir), room);
        JanusConnection direct = JanusConnection.connect(janus.url(), API_SECRET, new JanusListener() {
            @Override
            public void onEvent(JsonNode message) {}

            @Override
            public void onClose(int code, String reason) {}
        }).get(5, TimeUnit.SECONDS);
        open.add(direct);
        long session = direct.createSession().get(5, TimeUnit.SECONDS);
        long handle = direct.attach(session, JanusRequests.PLUGIN).get(5, TimeUnit.SECONDS);
        direct.message(session, handle, JSON.createObjectNode().put("request", "create").put("room", room)
                .put("secret", secret).put("pin", "an old pin"), null).get(5, TimeUnit.SECONDS);

        Person ada = enter("Ada");
        assertThat(roomRequests("create")).as("the first refused (427), the second made the room").hasSize(3);
        assertThat(roomRequests("destroy")).hasSize(1);
        assertThat(roomRequests("destroy").getFirst().body().path("secret").asText()).isEqualTo(secret);
        assertThat(ada.all("error")).isEmpty();
    }

    /** Someone in the room on the SFU, whose Janus publisher handle has joined the Janus room. */
    /** Bob receives Ada; then Cy publishes, and Janus answers Bob's subscribe to Cy with "updating". */
    private Updating bobSubscribesToCyWhileJanusIsUpdating() {
        Person ada = enter("Ada");
        Person bob = enter("Bob");
        janus.webrtcup(publish(ada, "camera"));
        answer(bob, bob.next("sfu-offer"));
        long bobs = janus.subscriber(bob.id).id;
        // Janus busy with a renegotiation of its own: it says "updating" now and offers everything later.
        CompletableFuture<ScriptedJanus.Call> updating = new CompletableFuture<>();
        janus.interceptNext(r -> r.handle() == bobs && r.request().equals("subscribe"), call -> {
            call.reply(data("updating"), null);
            updating.complete(call);
        });
        Person cy = enter("Cy");
        janus.webrtcup(publish(cy, "camera"));
        await("Janus answered Bob's subscribe to Cy with 'updating'", updating::isDone);
        return new Updating(ada, bob, cy, bobs, updating.join());
    }

    private record Updating(Person ada, Person bob, Person cy, long bobs, ScriptedJanus.Call call) {}

    private Person enter(String name) {
        Person p = new Person(name, WsClient.connect(URI.create("ws://127.0.0.1:" + parley.port() + "/ws")));
        p.send(Map.of("type", "join", "version", 1, "room", room, "name", name));
        JsonNode joined = p.next("joined");
        assertThat(joined.path("mode").asText()).isEqualTo("sfu");
        p.id = joined.path("id").asText();
        assertThat(p.next("media-mode").path("mode").asText()).isEqualTo("sfu");
        await(name + " joins the Janus room", () -> janus.publisher(p.id) != null);
        return p;
    }

    /** Sends a camera or screen offer and waits for Janus's answer; returns the handle it published on. */
    private long publish(Person p, String source) {
        p.send(Map.of("type", "sfu-publish", "sdp", sdp(p.name + " " + source), "source", source));
        JsonNode published = p.next("sfu-published");
        assertThat(published.path("source").asText()).isEqualTo(source);
        assertThat(published.path("sdp").asText()).startsWith("v=0");
        return janus.publisher(source.equals("screen") ? p.id + SfuMember.SCREEN_SUFFIX : p.id).id;
    }

    /** Answers each offer until one carries exactly these participants' cameras. */
    private void receiveUntil(Person p, String... participants) {
        JsonNode offer;
        do {
            offer = p.next("sfu-offer");
            answer(p, offer);
        } while (!feedsOf(offer).equals(Set.of(participants)));
    }

    /** Answers an offer and waits until Janus has the answer, in a {@code start} on the subscriber handle. */
    private String answer(Person p, JsonNode offer) {
        String sdp = sdp(p.name + " answers");
        p.send(Map.of("type", "sfu-answer", "sdp", sdp));
        await("Janus starts " + p.name + "'s streams", () -> janus.messages(janus.subscriber(p.id).id, "start")
                .stream().anyMatch(r -> sdp.equals(r.sdp())));
        return sdp;
    }

    /** The mid of one participant's video in the latest offer a person received. */
    private static String videoMid(Person p, String participant) {
        for (JsonNode stream : p.all("sfu-offer").getLast().path("streams")) {
            if (stream.path("participant").asText().equals(participant) && stream.path("kind").asText().equals("video")) {
                return stream.path("mid").asText();
            }
        }
        throw new AssertionError(participant + "'s video is not in " + p.name + "'s latest offer");
    }

    /** Every video mid named in the layer requests on a subscriber handle, in order, repeats included. */
    private List<String> configuredMids(long handle) {
        List<String> mids = new ArrayList<>();
        janus.messages(handle, "configure").forEach(r -> r.body().path("streams").forEach(st -> mids.add(st.path("mid").asText())));
        return mids;
    }

    /** A newcomer's first offer, checked against what its subscriber joined Janus with; its feeds. */
    private Set<String> firstOfferFeeds(Person p) {
        JsonNode offer = p.next("sfu-offer");
        assertThat(offer.path("fresh").asBoolean()).isTrue();
        assertThat(subscribedFeeds(p)).isEqualTo(feedsOf(offer));
        return feedsOf(offer);
    }

    /** The Janus feeds an offer's streams come from: a participant id, or it + ~screen. */
    private static Set<String> feedsOf(JsonNode offer) {
        Set<String> feeds = new LinkedHashSet<>();
        offer.path("streams").forEach(s -> feeds.add(s.path("participant").asText()
                + (s.path("source").asText().equals("screen") ? SfuMember.SCREEN_SUFFIX : "")));
        return feeds;
    }

    /** Every feed a participant's subscriber handle asked Janus for, in its join and its subscribes. */
    private Set<String> subscribedFeeds(Person p) {
        ScriptedJanus.Handle handle = janus.subscriber(p.id);
        Set<String> feeds = new LinkedHashSet<>();
        if (handle != null) {
            Stream.concat(janus.messages(handle.id, "join").stream(), janus.messages(handle.id, "subscribe").stream())
                    .forEach(r -> feeds.addAll(r.feeds()));
        }
        return feeds;
    }

    private List<Request> roomRequests(String request) {
        return janus.requests().stream().filter(r -> r.janus().equals("message") && r.request().equals(request)
                && r.body().path("room").asText().equals(room)).toList();
    }

    private long sessionDestroys(long session) {
        return janus.requests().stream().filter(r -> r.janus().equals("destroy") && r.session() == session).count();
    }

    /** Subscriber joins, subscribes and starts sent for anyone but {@code except}. */
    private long negotiationsOutside(Person except) {
        long session = except == null ? -1 : janus.publisher(except.id).session;
        return janus.requests().stream().filter(r -> r.session() != session && r.janus().equals("message")
                && Set.of("join", "subscribe", "start").contains(r.request())
                && !r.body().path("ptype").asText().equals("publisher")).count();
    }

    private int offersOf(Person p) {
        return p.taken.getOrDefault("sfu-offer", 0);
    }

    private String sdp(String label) {
        return "v=0\r\no=- " + sdps.incrementAndGet() + " 2 IN IP4 127.0.0.1\r\ns=" + label + "\r\nt=0 0\r\n";
    }

    private static ObjectNode data(String videoroom) {
        return JSON.createObjectNode().put("videoroom", videoroom);
    }

    private String newRoom() {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + parley.port() + "/api/rooms"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(201);
            return JSON.readTree(response.body()).path("id").asText();
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            pause();
        }
    }

    /** Checks that something stays true for a while: the only way to see that nothing is sent. */
    private static void holds(String what, Duration window, BooleanSupplier condition) {
        long end = System.nanoTime() + window.toNanos();
        do {
            assertThat(condition.getAsBoolean()).as(what).isTrue();
            pause();
        } while (System.nanoTime() < end);
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A browser stand-in: everything it receives is kept, and taken by type in order of arrival. */
    private final class Person implements AutoCloseable {
        final String name;
        final WsClient ws;
        final List<JsonNode> received = new CopyOnWriteArrayList<>();
        final Map<String, Integer> taken = new HashMap<>();
        volatile boolean closed;
        String id;

        Person(String name, WsClient ws) {
            this.name = name;
            this.ws = ws;
            open.add(this);
            people.add(this);
            Thread.ofVirtual().start(() -> {
                while (!closed) {
                    try {
                        received.add(ws.next());
                    } catch (AssertionError quiet) {
                        // nothing within WsClient's wait: keep listening
                    }
                }
            });
        }

        void send(Object message) {
            ws.send(message);
        }

        /** The next message of this type not taken yet, waiting for it. */
        JsonNode next(String type) {
            int index = taken.merge(type, 1, Integer::sum) - 1;
            await(name + " gets " + type + " #" + (index + 1), () -> all(type).size() > index);
            return all(type).get(index);
        }

        List<JsonNode> all(String type) {
            return received.stream().filter(m -> m.path("type").asText().equals(type)).toList();
        }

        @Override
        public void close() {
            closed = true;
            ws.close();
        }
    }
}
