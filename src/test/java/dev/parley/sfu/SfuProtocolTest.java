package dev.parley.sfu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.Parley;
import dev.parley.janus.JanusConnection;
import dev.parley.janus.JanusException;
import dev.parley.janus.JanusListener;
import dev.parley.janus.JanusProcess;
import dev.parley.support.JanusInstalled;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Parley's SFU orchestration against a real Janus started with {@code --sfu}, over real WebSockets:
 * modes and the move past the mesh limit, the room pin, room clean-up, refusals, and losing Janus.
 */
class SfuProtocolTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final List<AutoCloseable> open = new ArrayList<>();
    private Path dataDir;

    @BeforeEach
    void needsJanus() throws IOException {
        JanusInstalled.require();
        dataDir = Files.createTempDirectory("parley-sfu-test-");
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        TempDirs.deleteQuietly(dataDir);
    }

    @Test
    void aRoomMovesToTheSfuWhenItGrowsPastTheMeshLimit() {
        Parley parley = start("--sfu", "--mesh-limit", "2");
        String room = newRoom(parley, Map.of());
        WsClient ada = join(parley, room, "Ada", null);
        assertThat(ada.next("joined").path("mode").asText()).isEqualTo("mesh");
        WsClient bob = join(parley, room, "Bob", null);
        assertThat(bob.next("joined").path("mode").asText()).isEqualTo("mesh");
        WsClient cy = join(parley, room, "Cy", null);
        JsonNode cyJoined = cy.next("joined");
        assertThat(cyJoined.path("mode").asText()).as("the third person is past the limit of 2").isEqualTo("sfu");
        assertThat(nextOf(cy, "media-mode").path("mode").asText()).isEqualTo("sfu");
        // Asking not to receive someone's video (last-N) is accepted: the only error is the bad request after it.
        String adaId = cyJoined.path("participants").get(0).path("id").asText();
        cy.send(Map.of("type", "sfu-quality", "participant", adaId, "quality", "off"));
        cy.send(Map.of("type", "sfu-quality", "participant", adaId, "quality", "best"));
        JsonNode error = nextOf(cy, "error");
        assertThat(error.path("code").asText()).isEqualTo("invalid-message");
        assertThat(error.path("message").asText()).contains("high, low or off");
        for (WsClient present : List.of(ada, bob)) {
            // Told who arrived first, then that the call moves, with a reason people can read.
            assertThat(nextOf(present, "participant-joined").path("participant").path("name").asText()).isIn("Bob", "Cy");
            JsonNode mode = nextOf(present, "media-mode");
            assertThat(mode.path("mode").asText()).isEqualTo("sfu");
            assertThat(mode.path("reason").asText()).contains("3 people");
        }
        // The Janus room exists, named after the Parley room.
        assertThat(janusRoomExists(parley, room)).isTrue();
    }

    @Test
    void aPasswordRoomsJanusRoomRefusesJoinsWithoutThePinAndIsDestroyedWhenEmpty() throws Exception {
        Parley parley = start("--sfu", "--media-mode", "sfu");
        String room = newRoom(parley, Map.of("password", "open sesame"));
        WsClient ada = join(parley, room, "Ada", "open sesame");
        assertThat(ada.next("joined").path("mode").asText()).isEqualTo("sfu");
        assertThat(nextOf(ada, "media-mode").path("mode").asText()).isEqualTo("sfu");
        await("the Janus room exists", () -> janusRoomExists(parley, room));

        JanusConnection janus = direct(parley);
        long session = janus.createSession().get(10, TimeUnit.SECONDS);
        long handle = janus.attach(session, "janus.plugin.videoroom").get(10, TimeUnit.SECONDS);
        ObjectNode noPin = JSON.createObjectNode().put("request", "join").put("ptype", "publisher").put("room", room);
        assertThat(janusError(() -> janus.message(session, handle, noPin, null).join())).as("no pin").isEqualTo(429);
        ObjectNode wrongPin = noPin.deepCopy().put("pin", "guess");
        assertThat(janusError(() -> janus.message(session, handle, wrongPin, null).join())).as("wrong pin").isEqualTo(433);
        ObjectNode rightPin = noPin.deepCopy().put("pin", "open sesame");
        JsonNode joined = janus.message(session, handle, rightPin, null).get(10, TimeUnit.SECONDS);
        assertThat(joined.path("plugindata").path("data").path("videoroom").asText()).isEqualTo("joined");
        janus.destroySession(session).get(10, TimeUnit.SECONDS);

        ada.send(Map.of("type", "leave"));
        await("the empty room's Janus room is destroyed", () -> !janusRoomExists(parley, room));
    }

    @Test
    void sfuMessagesAreRefusedWhereThereIsNoSfuAndAnAnswerNeedsAnOffer() {
        Parley mesh = start();
        String room = newRoom(mesh, Map.of());
        WsClient ada = join(mesh, room, "Ada", null);
        assertThat(ada.next("joined").path("mode").asText()).isEqualTo("mesh");
        ada.send(Map.of("type", "sfu-publish", "sdp", "v=0\r\n"));
        assertThat(nextOf(ada, "error").path("code").asText()).isEqualTo("not-sfu");
        ada.send(Map.of("type", "sfu-publish", "sdp", "hello"));
        assertThat(nextOf(ada, "error").path("code").asText()).isEqualTo("invalid-message");
        ada.send(Map.of("type", "sfu-quality", "participant", "x", "quality", "best"));
        assertThat(nextOf(ada, "error").path("code").asText()).isEqualTo("invalid-message");

        Parley sfu = start("--sfu", "--media-mode", "sfu");
        String big = newRoom(sfu, Map.of());
        WsClient bob = join(sfu, big, "Bob", null);
        assertThat(bob.next("joined").path("mode").asText()).isEqualTo("sfu");
        bob.send(Map.of("type", "sfu-answer", "sdp", "v=0\r\n"));
        assertThat(nextOf(bob, "error").path("code").asText()).as("an answer with no offer pending").isEqualTo("invalid-message");
        bob.send(Map.of("type", "sfu-quality", "participant", "nobody", "quality", "high"));
        assertThat(nextOf(bob, "error").path("code").asText()).isEqualTo("unknown-peer");
    }

    @Test
    void aDroppedConnectionToJanusIsTakenOverAndTheRoomStaysOnTheSfu() throws Exception {
        Parley parley = start("--sfu", "--media-mode", "sfu");
        SfuCoordinator sfu = parley.sfu().orElseThrow();
        String room = newRoom(parley, Map.of());
        WsClient ada = join(parley, room, "Ada", null);
        assertThat(ada.next("joined").path("mode").asText()).isEqualTo("sfu");
        nextOf(ada, "media-mode");
        WsClient bob = join(parley, room, "Bob", null);
        assertThat(bob.next("joined").path("mode").asText()).isEqualTo("sfu");
        nextOf(bob, "media-mode");
        nextOf(ada, "participant-joined");
        await("both members have joined the Janus room", () -> sfu.room(room).map(r -> r.members.size() == 2
                && r.members.values().stream().allMatch(m -> m.ready.isDone() && !m.ready.isCompletedExceptionally()))
                .orElse(false));
        Map<String, Long> before = sessions(sfu, room);

        JanusConnection first = sfu.link().orElseThrow().connection().orElseThrow();
        first.close();
        await("Parley is connected to Janus again", () -> sfu.available()
                && sfu.link().orElseThrow().connection().filter(c -> c != first).isPresent());
        // The same sessions, claimed on the new connection: nothing for the browsers to redo, so nothing said.
        assertThat(sessions(sfu, room)).isEqualTo(before);
        ada.expectSilence(Duration.ofMillis(500));
        bob.expectSilence(Duration.ofMillis(500));
        WsClient cy = join(parley, room, "Cy", null);
        assertThat(cy.next("joined").path("mode").asText()).as("a newcomer after the take-over").isEqualTo("sfu");
        await("Cy has joined the Janus room", () -> sfu.room(room).map(r -> r.members.size() == 3
                && r.members.values().stream().allMatch(m -> m.ready.isDone() && !m.ready.isCompletedExceptionally()))
                .orElse(false));

        for (WsClient c : List.of(ada, bob, cy)) {
            c.send(Map.of("type", "leave"));
        }
        await("the emptied room is destroyed through the new connection", () -> !janusRoomExists(parley, room));
    }

    /** Each member's Janus session id, by participant id (0 while it is being created). */
    private static Map<String, Long> sessions(SfuCoordinator sfu, String room) {
        Map<String, Long> sessions = new java.util.TreeMap<>();
        sfu.room(room).ifPresent(r -> r.members.forEach((id, member) -> sessions.put(id, member.session)));
        return sessions;
    }

    @Test
    void losingJanusMovesRoomsBackToMeshWithAReasonAndItComesBack() throws Exception {
        Parley parley = start("--sfu");
        // A large meeting: on the SFU from its first person, and back on it once Janus is.
        String room = newRoom(parley, Map.of("large", true));
        WsClient ada = join(parley, room, "Ada", null);
        assertThat(ada.next("joined").path("mode").asText()).isEqualTo("sfu");
        nextOf(ada, "media-mode");
        JanusProcess janus = parley.sfu().orElseThrow().link().orElseThrow().process().orElseThrow();
        janus.kill();
        JsonNode mesh = nextOf(ada, "media-mode");
        assertThat(mesh.path("mode").asText()).isEqualTo("mesh");
        assertThat(mesh.path("reason").asText()).contains("media server");
        // Parley starts Janus again and reconnects: the call goes back to it (one that belongs there would
        // otherwise stay a mesh, however large), and new rooms use it.
        await("the SFU is available again", () -> parley.sfu().orElseThrow().available());
        JsonNode back = nextOf(ada, "media-mode");
        assertThat(back.path("mode").asText()).isEqualTo("sfu");
        assertThat(back.path("reason").asText()).isEqualTo("This call now goes through the media server");
        await("the call's Janus room is made again", () -> janusRoomExists(parley, room));
        String later = newRoom(parley, Map.of("large", true));
        WsClient bob = join(parley, later, "Bob", null);
        assertThat(bob.next("joined").path("mode").asText()).isEqualTo("sfu");
    }

    private Parley start(String... extra) {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir.toString()));
        args.addAll(List.of(extra));
        Parley parley = Parley.start(args.toArray(String[]::new));
        open.add(parley);
        if (args.contains("--sfu")) {
            await("Parley reaches Janus", () -> parley.sfu().orElseThrow().available());
        }
        return parley;
    }

    private String newRoom(Parley parley, Map<String, Object> body) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + parley.port() + "/api/rooms"))
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(201);
            return JSON.readTree(response.body()).path("id").asText();
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private WsClient join(Parley parley, String room, String name, String password) {
        WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + parley.port() + "/ws"));
        open.add(client);
        ObjectNode join = JSON.createObjectNode().put("type", "join").put("version", 1).put("room", room).put("name", name);
        if (password != null) {
            join.put("password", password);
        }
        client.send(join.toString());
        return client;
    }

    /** The next message of a type, skipping others (chat history, presence). */
    private static JsonNode nextOf(WsClient client, String type) {
        for (int i = 0; i < 20; i++) {
            JsonNode m = client.next();
            if (type.equals(m.path("type").asText())) {
                return m;
            }
        }
        throw new AssertionError("no '" + type + "' among the next 20 messages");
    }

    private JanusConnection direct(Parley parley) throws Exception {
        JanusProcess process = parley.sfu().orElseThrow().link().orElseThrow().process().orElseThrow();
        JanusConnection connection = JanusConnection.connect(URI.create(process.url()), process.apiSecret(), new JanusListener() {
            @Override
            public void onEvent(JsonNode message) {}

            @Override
            public void onClose(int code, String reason) {}
        }).get(10, TimeUnit.SECONDS);
        open.add(connection);
        return connection;
    }

    private boolean janusRoomExists(Parley parley, String room) {
        try {
            JanusConnection janus = direct(parley);
            long session = janus.createSession().get(10, TimeUnit.SECONDS);
            long handle = janus.attach(session, "janus.plugin.videoroom").get(10, TimeUnit.SECONDS);
            JsonNode reply = janus.message(session, handle, JSON.createObjectNode().put("request", "exists").put("room", room), null)
                .get(10, TimeUnit.SECONDS);
            janus.destroySession(session).get(10, TimeUnit.SECONDS);
            return reply.path("plugindata").path("data").path("exists").asBoolean();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static int janusError(Runnable request) {
        try {
            request.run();
        } catch (CompletionException e) {
            if (e.getCause() instanceof JanusException janus) {
                return janus.code();
            }
            throw e;
        }
        throw new AssertionError("Janus accepted the request");
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
