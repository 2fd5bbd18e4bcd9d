package dev.parley.janus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.janus.JanusTesting.Recorder;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API client against a real Janus (one per class): rooms, pins, events, keepalive, close and claim. */
class JanusConnectionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VIDEOROOM = "janus.plugin.videoroom";
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String PIN = "2468";
    private static final String SECRET = "room-secret";

    @TempDir
    static Path dir;
    private static JanusProcess janus;
    private final List<JanusConnection> opened = new ArrayList<>();

    @BeforeAll
    static void startJanus() throws IOException {
        janus = JanusTesting.start(dir);
    }

    @AfterAll
    static void stopJanus() {
        if (janus != null) {
            janus.close();
        }
    }

    @AfterEach
    void closeConnections() {
        opened.forEach(JanusConnection::close);
    }

    /** A connection with a session and a VideoRoom handle. */
    private record Client(JanusConnection connection, Recorder events, long session, long handle) {
        JsonNode send(ObjectNode body) throws Exception {
            return await(connection.message(session, handle, body, null));
        }

        CompletableFuture<JsonNode> sendAsync(ObjectNode body) {
            return connection.message(session, handle, body, null);
        }
    }

    private JanusConnection connect(JanusListener listener, Duration timeout) throws Exception {
        JanusConnection connection = await(JanusConnection.connect(URI.create(janus.url()), janus.apiSecret(),
                listener, timeout));
        opened.add(connection);
        return connection;
    }

    private Client client() throws Exception {
        Recorder events = new Recorder();
        JanusConnection connection = connect(events, JanusConnection.DEFAULT_TIMEOUT);
        long session = await(connection.createSession());
        long handle = await(connection.attach(session, VIDEOROOM));
        return new Client(connection, events, session, handle);
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The cause the future failed with. */
    private static Throwable failure(CompletableFuture<?> future) throws Exception {
        try {
            future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        return fail("expected a failure, got success");
    }

    private static int refusalCode(CompletableFuture<?> future) throws Exception {
        Throwable cause = failure(future);
        assertThat(cause).isInstanceOf(JanusException.class);
        return ((JanusException) cause).code();
    }

    private static ObjectNode body(String request, String room) {
        return JSON.createObjectNode().put("request", request).put("room", room);
    }

    private static ObjectNode join(String room, String display, String pinOrNull) {
        ObjectNode join = body("join", room).put("ptype", "publisher").put("display", display);
        return pinOrNull == null ? join : join.put("pin", pinOrNull);
    }

    private static JsonNode data(JsonNode answer) {
        return answer.path("plugindata").path("data");
    }

    private String createRoom(Client admin) throws Exception {
        String room = "room-" + UUID.randomUUID();
        JsonNode created = admin.send(body("create", room).put("admin_key", janus.adminKey()).put("pin", PIN)
                .put("secret", SECRET).put("publishers", 16).put("is_private", true).put("notify_joining", true));
        assertThat(data(created).path("videoroom").asText()).isEqualTo("created");
        assertThat(data(created).path("room").asText()).isEqualTo(room);
        return room;
    }

    @Test
    void aRoomIsCreatedWithPinAndSecretGuardsItsDoorAndIsDestroyedWithTheSecret() throws Exception {
        Client admin = client();
        String room = createRoom(admin);
        assertThat(data(admin.send(body("exists", room))).path("exists").asBoolean()).isTrue();

        Client guest = client();
        assertThat(refusalCode(guest.sendAsync(join(room, "no pin", null)))).isEqualTo(429);
        assertThat(refusalCode(guest.sendAsync(join(room, "wrong pin", "1357")))).isEqualTo(433);
        JsonNode joined = guest.send(join(room, "right pin", PIN));
        assertThat(joined.path("janus").asText()).isEqualTo("event");
        assertThat(data(joined).path("videoroom").asText()).isEqualTo("joined");
        assertThat(data(joined).path("id").asText()).isNotEmpty();
        assertThat(data(joined).path("private_id").canConvertToLong()).isTrue();

        assertThat(refusalCode(admin.sendAsync(body("destroy", room).put("secret", "wrong")))).isEqualTo(433);
        admin.send(body("destroy", room).put("secret", SECRET));
        assertThat(data(admin.send(body("exists", room))).path("exists").asBoolean()).isFalse();
        assertThat(refusalCode(guest.sendAsync(join(room, "again", PIN)))).as("already joined").isEqualTo(425);
        assertThat(refusalCode(client().sendAsync(join(room, "late", PIN)))).as("no such room").isEqualTo(426);
    }

    @Test
    void othersJoiningAndLeavingReachTheListenerAsUnsolicitedEvents() throws Exception {
        Client admin = client();
        String room = createRoom(admin);
        Client first = client();
        first.send(join(room, "first", PIN));
        Client second = client();
        String secondId = data(second.send(join(room, "second", PIN))).path("id").asText();

        JsonNode joining = first.events().await(m -> data(m).has("joining"), WAIT);
        assertThat(joining.path("janus").asText()).isEqualTo("event");
        assertThat(joining.path("sender").asLong()).isEqualTo(first.handle());
        assertThat(data(joining).path("joining").path("id").asText()).isEqualTo(secondId);
        assertThat(data(joining).path("joining").path("display").asText()).isEqualTo("second");

        second.send(JSON.createObjectNode().put("request", "leave"));
        JsonNode leaving = first.events().await(m -> data(m).has("leaving"), WAIT);
        assertThat(data(leaving).path("leaving").asText()).isEqualTo(secondId);
        admin.send(body("destroy", room).put("secret", SECRET));
    }

    @Test
    void keepaliveIsAnsweredAndSessionRequestsAreChecked() throws Exception {
        Client client = client();
        await(client.connection().keepalive(client.session()));
        assertThat(refusalCode(client.connection().keepalive(client.session() + 1))).isEqualTo(458);
        await(client.connection().detach(client.session(), client.handle()));
        assertThat(refusalCode(client.connection().attach(client.session(), "janus.plugin.nope"))).isEqualTo(460);
        await(client.connection().destroySession(client.session()));
        assertThat(refusalCode(client.connection().keepalive(client.session()))).isEqualTo(458);
        assertThat(client.connection().pendingCount()).isZero();
    }

    @Test
    void aWrongApiSecretIsRefused() throws Exception {
        JanusConnection connection = await(JanusConnection.connect(URI.create(janus.url()), "not-the-secret",
                new Recorder()));
        opened.add(connection);
        assertThat(refusalCode(connection.createSession())).isEqualTo(403);
    }

    @Test
    void closingFailsPendingRequestsTellsTheListenerOnceAndAFreshConnectionClaimsTheSession() throws Exception {
        Client admin = client();
        String room = createRoom(admin);
        Client old = client();
        CompletableFuture<Void> pending;
        JanusTesting.signal(janus.pid(), "STOP"); // Janus hangs, so the next request stays unanswered
        try {
            pending = old.connection().keepalive(old.session());
            Thread.sleep(100);
            assertThat(pending).isNotDone();
            old.connection().close();
            assertThat(failure(pending)).isInstanceOf(IOException.class);
            assertThat(old.events().closes.get()).isEqualTo(1);
            assertThat(old.connection().isOpen()).isFalse();
            assertThat(failure(old.connection().keepalive(old.session()))).isInstanceOf(IOException.class);
        } finally {
            JanusTesting.signal(janus.pid(), "CONT");
        }
        old.connection().close();
        assertThat(old.events().closes.get()).isEqualTo(1);

        Recorder events = new Recorder();
        JanusConnection fresh = connect(events, JanusConnection.DEFAULT_TIMEOUT);
        await(fresh.claim(old.session()));
        await(fresh.keepalive(old.session()));
        // the handle survived with the session: it can still join the room
        JsonNode joined = await(fresh.message(old.session(), old.handle(), join(room, "reclaimed", PIN), null));
        assertThat(data(joined).path("videoroom").asText()).isEqualTo("joined");
        assertThat(refusalCode(fresh.claim(old.session() + 1))).isEqualTo(458);
        admin.send(body("destroy", room).put("secret", SECRET));
    }

    @Test
    void anUnansweredRequestTimesOutAndItsLateAnswerGoesToTheListener() throws Exception {
        Recorder events = new Recorder();
        JanusConnection connection = connect(events, Duration.ofMillis(300));
        long noSuchSession = 4242;
        JanusTesting.signal(janus.pid(), "STOP");
        try {
            assertThat(failure(connection.keepalive(noSuchSession))).isInstanceOf(TimeoutException.class)
                    .hasMessageContaining("keepalive");
        } finally {
            JanusTesting.signal(janus.pid(), "CONT");
        }
        JsonNode late = events.await(m -> m.path("janus").asText().equals("error"), WAIT);
        assertThat(late.path("error").path("code").asInt()).isEqualTo(458);
        assertThat(connection.pendingCount()).isZero();
    }
}
