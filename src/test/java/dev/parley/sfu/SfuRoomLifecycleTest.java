package dev.parley.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.janus.JanusConnection;
import dev.parley.janus.JanusListener;
import dev.parley.security.ServerSecret;
import dev.parley.sfu.ScriptedJanus.Request;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A Janus room's life: destroyed with its secret and every session when the call empties, replaced when
 * an earlier run left it, and a call Janus refuses to open stays peer to peer.
 */
class SfuRoomLifecycleTest extends ScriptedSfuTest {
    @Test
    void aCallJanusWillNotOpenGoesBackToPeerToPeerAndSaysWhy() {
        janus.refuseRooms(room::equals, 433, "Unauthorized (wrong admin_key)");
        Person ada = join("Ada");
        JsonNode joined = ada.next("joined");
        assertThat(joined.path("mode").asText()).as("this server puts every room on the SFU").isEqualTo("sfu");
        assertThat(ada.next("media-mode").path("mode").asText()).isEqualTo("sfu");
        JsonNode back = ada.next("media-mode");
        assertThat(back.path("mode").asText()).isEqualTo("mesh");
        assertThat(back.path("reason").asText()).isEqualTo("The media server could not take this call; it continues peer to peer");
        assertThat(parley.sfu().orElseThrow().room(room)).as("Parley's SFU room is gone").isEmpty();
        // A candidate still on its way from the publishing she had started is dropped without a word.
        ada.send(Map.of("type", "sfu-candidate", "source", "camera", "candidate",
                Map.of("candidate", "candidate:1 1 udp 2122260223 192.0.2.10 54321 typ host", "sdpMid", "0")));
        holds("no error on top of it, and no Janus session for Ada", Duration.ofMillis(300),
                () -> ada.all("error").isEmpty() && janus.publisher(joined.path("id").asText()) == null);

        // The call stays peer to peer rather than try the media server again at every join.
        Person bob = join("Bob");
        assertThat(bob.next("joined").path("mode").asText()).isEqualTo("mesh");
        holds("nobody is moved again", Duration.ofMillis(300),
                () -> bob.all("media-mode").isEmpty() && ada.all("media-mode").size() == 2);
        assertThat(roomRequests("create")).as("one try").hasSize(1);

        // Once it has emptied, the same link tries again.
        ada.send(Map.of("type", "leave"));
        bob.send(Map.of("type", "leave"));
        await("the room is empty", () -> parley.rooms().find(room).isEmpty());
        janus.refuseRooms(id -> false, 0, "");
        Person cy = enter("Cy");
        assertThat(cy.all("error")).isEmpty();
    }

    @Test
    void aRoomLostWithTheConnectionWhileBeingMadeIsMadeOnceJanusIsBackNotRefusedForGood() {
        // The connection drops on the very request that makes the room: no answer from Janus, so no refusal.
        janus.dropConnectionOn(r -> r.janus().equals("message") && r.request().equals("create"));
        Person ada = join("Ada");
        assertThat(ada.next("joined").path("mode").asText()).isEqualTo("sfu");
        assertThat(ada.next("media-mode").path("mode").asText()).isEqualTo("sfu");
        assertThat(ada.next("media-mode").path("mode").asText()).as("meanwhile, peer to peer").isEqualTo("mesh");
        JsonNode back = ada.next("media-mode");
        assertThat(back.path("mode").asText()).as("back once Parley has reconnected").isEqualTo("sfu");
        assertThat(back.path("reason").asText()).isEqualTo("This call now goes through the media server");
        await("the room is made on Janus", () -> janus.hasRoom(room));
        assertThat(parley.sfu().orElseThrow().room(room)).isPresent();
    }

    @Test
    void aRoomWhoseEveryCreationCutsTheConnectionStaysPeerToPeerAfterThreeTries() {
        // Only this call's room: the check Parley makes on each new connection also creates one.
        janus.dropConnectionOnEvery(r -> r.janus().equals("message") && r.request().equals("create")
                && r.body().path("room").asText().equals(room));
        Person ada = join("Ada");
        assertThat(ada.next("joined").path("mode").asText()).isEqualTo("sfu");
        JsonNode mesh = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            assertThat(ada.next("media-mode").path("mode").asText()).as("try %d", attempt).isEqualTo("sfu");
            mesh = ada.next("media-mode");
            assertThat(mesh.path("mode").asText()).as("after try %d", attempt).isEqualTo("mesh");
        }
        assertThat(mesh.path("reason").asText()).as("the third cut-off counts as a refusal")
                .isEqualTo("The media server could not take this call; it continues peer to peer");
        await("Parley is connected again", () -> parley.sfu().orElseThrow().available());
        holds("no fourth try once the connection is back", Duration.ofMillis(500),
                () -> ada.all("media-mode").size() == 6 && roomRequests("create").size() == 3);
        Person bob = join("Bob");
        assertThat(bob.next("joined").path("mode").asText()).as("the call stays peer to peer").isEqualTo("mesh");
        assertThat(ada.all("error")).isEmpty();
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
}
