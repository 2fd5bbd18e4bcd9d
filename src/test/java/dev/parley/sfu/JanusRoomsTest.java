package dev.parley.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.janus.JanusConnection;
import dev.parley.janus.JanusException;
import dev.parley.janus.JanusListener;
import dev.parley.sfu.ScriptedJanus.Request;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Which failed creations of a Janus room keep a call off the SFU until it empties, and a room destroyed
 * while its call opens again.
 */
class JanusRoomsTest {
    private final JanusRooms rooms = new JanusRooms(() -> null, 9, new byte[32]);

    @Test
    void janusSayingNoIsARefusalAtOnce() {
        assertThat(rooms.refusal("a", new CompletionException(new JanusException(433, "Unauthorized")))).isTrue();
    }

    @Test
    void noAnswerInTimeIsARefusalAtOnce() {
        // Janus alive but stuck: trying again at every reconnect would not help.
        assertThat(rooms.refusal("a", new CompletionException(new TimeoutException("no answer in 10 s")))).isTrue();
    }

    @Test
    void aLostConnectionIsARefusalOnlyTheThirdTimeForTheSameRoom() {
        IOException lost = new IOException("connection closed");
        assertThat(rooms.refusal("a", new CompletionException(lost))).isFalse();
        assertThat(rooms.refusal("a", lost)).isFalse();
        assertThat(rooms.refusal("b", lost)).as("counted per room").isFalse();
        assertThat(rooms.refusal("a", new CompletionException(lost))).isTrue();
    }

    @Test
    void anEmptiedCallStartsAfresh() {
        IOException lost = new IOException("connection closed");
        rooms.refusal("a", lost);
        rooms.refusal("a", lost);
        rooms.refuse("a");
        assertThat(rooms.refused("a")).isTrue();

        rooms.emptied("a");
        assertThat(rooms.refused("a")).isFalse();
        assertThat(rooms.refusal("a", lost)).as("the count starts again").isFalse();
        assertThat(rooms.refusal("a", lost)).isFalse();
    }

    @Test
    void aCallOpenedAgainWhileItsRoomIsBeingTakenOutOfUseMakesItsRoomAfterTheDestruction() throws Exception {
        String secret = "scripted-secret";
        byte[] serverKey = new byte[32];
        try (ScriptedJanus janus = new ScriptedJanus(secret);
             JanusConnection connection = JanusConnection.connect(janus.url(), secret, new JanusListener() {
                 @Override
                 public void onEvent(JsonNode message) {}

                 @Override
                 public void onClose(int code, String reason) {}
             }).get(5, TimeUnit.SECONDS)) {
            JanusAdmin admin = JanusAdmin.open(connection, null, serverKey).get(5, TimeUnit.SECONDS).orElseThrow();
            JanusRooms janusRooms = new JanusRooms(() -> admin, 9, serverKey);
            SfuRoom first = janusRooms.open("room-a", null);
            janusRooms.create(admin, first).get(5, TimeUnit.SECONDS);

            // The last member's session is still ending when someone opens the same call again, right as the
            // room is taken out of use: the narrowest window there is.
            CompletableFuture<Void> sessionsEnded = new CompletableFuture<>();
            AtomicReference<CompletableFuture<Void>> reopened = new AtomicReference<>();
            janusRooms.destroyIfTakenOutOfUse(first, sessionsEnded, () -> {
                reopened.set(janusRooms.create(admin, janusRooms.open("room-a", null)));
                return true;
            });
            Thread.sleep(200);
            assertThat(reopened.get()).as("the new room waits for the old one's destruction").isNotDone();

            sessionsEnded.complete(null);
            reopened.get().get(5, TimeUnit.SECONDS);
            List<String> steps = janus.requests().stream()
                    .filter(r -> r.janus().equals("message") && r.body().path("room").asText().equals("room-a"))
                    .map(Request::request).toList();
            assertThat(steps).containsExactly("create", "destroy", "create");
            assertThat(janus.hasRoom("room-a")).as("the new call's room is there").isTrue();
        }
    }
}
