package dev.parley.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.Parley;
import dev.parley.sfu.ScriptedJanus.Request;
import dev.parley.support.TempDirs;
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
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Parley in SFU mode against a {@link ScriptedJanus}, with stand-ins for browsers: each test makes Janus's
 * events, replies and overlaps happen on cue, and checks both what Parley tells the browsers and what it
 * asks Janus. The subclasses group the tests by topic.
 */
abstract class ScriptedSfuTest {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(5);
    static final String API_SECRET = "scripted-secret";

    final List<AutoCloseable> open = new ArrayList<>();
    final List<Person> people = new ArrayList<>();
    private final AtomicInteger sdps = new AtomicInteger();
    Path dataDir;
    ScriptedJanus janus;
    Parley parley;
    String room;

    @BeforeEach
    void start() throws IOException {
        dataDir = Files.createTempDirectory("parley-scripted-janus-");
        janus = new ScriptedJanus(API_SECRET);
        open.add(janus);
        beforeParleyStarts();
        parley = Parley.start(new String[] {"--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir.toString(),
                "--janus-url", janus.url().toString(), "--janus-api-secret", API_SECRET, "--media-mode", "sfu"});
        open.add(parley);
        awaitParleyReady();
        room = newRoom();
    }

    /** What the scripted Janus is told before Parley first reaches it. */
    void beforeParleyStarts() {}

    void awaitParleyReady() {
        await("Parley reaches the scripted Janus", () -> parley.sfu().orElseThrow().available());
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        TempDirs.deleteQuietly(dataDir);
    }

    /** Someone in the room on the SFU, whose Janus publisher handle has joined the Janus room. */
    Person enter(String name) {
        Person p = join(name);
        JsonNode joined = p.next("joined");
        assertThat(joined.path("mode").asText()).isEqualTo("sfu");
        p.id = joined.path("id").asText();
        assertThat(p.next("media-mode").path("mode").asText()).isEqualTo("sfu");
        await(name + " joins the Janus room", () -> janus.publisher(p.id) != null);
        return p;
    }

    /** Someone who has asked to join the room; nothing is awaited. */
    Person join(String name) {
        Person p = new Person(name, WsClient.connect(URI.create("ws://127.0.0.1:" + parley.port() + "/ws")));
        p.send(Map.of("type", "join", "version", 1, "room", room, "name", name));
        return p;
    }

    /** Sends a camera or screen offer and waits for Janus's answer; returns the handle it published on. */
    long publish(Person p, String source) {
        return publish(p, source, false);
    }

    /** As {@link #publish(Person, String)}, the camera offering simulcast layers if {@code layers}. */
    long publish(Person p, String source, boolean layers) {
        String sdp = sdp(p.name + " " + source) + (layers ? "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rid:h send\r\n"
                + "a=rid:m send\r\na=rid:l send\r\na=simulcast:send h;m;l\r\n" : "");
        p.send(Map.of("type", "sfu-publish", "sdp", sdp, "source", source));
        JsonNode published = p.next("sfu-published");
        assertThat(published.path("source").asText()).isEqualTo(source);
        assertThat(published.path("sdp").asText()).startsWith("v=0");
        return janus.publisher(source.equals("screen") ? p.id + SfuMember.SCREEN_SUFFIX : p.id).id;
    }

    /** Answers each offer until one carries exactly these participants' cameras. */
    void receiveUntil(Person p, String... participants) {
        JsonNode offer;
        do {
            offer = p.next("sfu-offer");
            answer(p, offer);
        } while (!feedsOf(offer).equals(Set.of(participants)));
    }

    /** Answers an offer and waits until Janus has the answer, in a {@code start} on the subscriber handle. */
    String answer(Person p, JsonNode offer) {
        String sdp = sdp(p.name + " answers");
        p.send(Map.of("type", "sfu-answer", "sdp", sdp));
        await("Janus starts " + p.name + "'s streams", () -> janus.messages(janus.subscriber(p.id).id, "start")
                .stream().anyMatch(r -> sdp.equals(r.sdp())));
        return sdp;
    }

    /** The mid of one participant's video in the latest offer a person received. */
    static String videoMid(Person p, String participant) {
        for (JsonNode stream : p.all("sfu-offer").getLast().path("streams")) {
            if (stream.path("participant").asText().equals(participant) && stream.path("kind").asText().equals("video")) {
                return stream.path("mid").asText();
            }
        }
        throw new AssertionError(participant + "'s video is not in " + p.name + "'s latest offer");
    }

    /** Every video mid named in the layer requests on a subscriber handle, in order, repeats included. */
    List<String> configuredMids(long handle) {
        List<String> mids = new ArrayList<>();
        janus.messages(handle, "configure").forEach(r -> r.body().path("streams").forEach(st -> mids.add(st.path("mid").asText())));
        return mids;
    }

    /** A newcomer's first offer, checked against what its subscriber joined Janus with; its feeds. */
    Set<String> firstOfferFeeds(Person p) {
        JsonNode offer = p.next("sfu-offer");
        assertThat(offer.path("fresh").asBoolean()).isTrue();
        assertThat(subscribedFeeds(p)).isEqualTo(feedsOf(offer));
        return feedsOf(offer);
    }

    /** The Janus feeds an offer's streams come from: a participant id, or it + ~screen. */
    static Set<String> feedsOf(JsonNode offer) {
        Set<String> feeds = new LinkedHashSet<>();
        offer.path("streams").forEach(s -> feeds.add(s.path("participant").asText()
                + (s.path("source").asText().equals("screen") ? SfuMember.SCREEN_SUFFIX : "")));
        return feeds;
    }

    /** Every feed a participant's subscriber handle asked Janus for, in its join and its subscribes. */
    Set<String> subscribedFeeds(Person p) {
        ScriptedJanus.Handle handle = janus.subscriber(p.id);
        Set<String> feeds = new LinkedHashSet<>();
        if (handle != null) {
            Stream.concat(janus.messages(handle.id, "join").stream(), janus.messages(handle.id, "subscribe").stream())
                    .forEach(r -> feeds.addAll(r.feeds()));
        }
        return feeds;
    }

    List<Request> roomRequests(String request) {
        return janus.requests().stream().filter(r -> r.janus().equals("message") && r.request().equals(request)
                && r.body().path("room").asText().equals(room)).toList();
    }

    long sessionDestroys(long session) {
        return janus.requests().stream().filter(r -> r.janus().equals("destroy") && r.session() == session).count();
    }

    /** Subscriber joins, subscribes and starts sent for anyone but {@code except}. */
    long negotiationsOutside(Person except) {
        long session = except == null ? -1 : janus.publisher(except.id).session;
        return janus.requests().stream().filter(r -> r.session() != session && r.janus().equals("message")
                && Set.of("join", "subscribe", "start").contains(r.request())
                && !r.body().path("ptype").asText().equals("publisher")).count();
    }

    int offersOf(Person p) {
        return p.taken.getOrDefault("sfu-offer", 0);
    }

    private String sdp(String label) {
        return "v=0\r\no=- " + sdps.incrementAndGet() + " 2 IN IP4 127.0.0.1\r\ns=" + label + "\r\nt=0 0\r\n";
    }

    static ObjectNode data(String videoroom) {
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

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            pause();
        }
    }

    /** Checks that something stays true for a while: the only way to see that nothing is sent. */
    static void holds(String what, Duration window, BooleanSupplier condition) {
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
    final class Person implements AutoCloseable {
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
