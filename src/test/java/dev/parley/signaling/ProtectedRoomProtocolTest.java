package dev.parley.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.Parley;
import dev.parley.support.TestServer;
import dev.parley.support.WsClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Passwords and the moderator's powers, over real WebSockets against rooms made with POST /api/rooms. */
class ProtectedRoomProtocolTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode createRoom(Parley parley, String body) {
        try {
            HttpRequest post = HttpRequest.newBuilder(TestServer.http(parley, "/api/rooms"))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<String> response = HttpClient.newHttpClient().send(post, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(201);
            return JSON.readTree(response.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static WsClient connect(Parley parley) {
        return WsClient.connect(TestServer.ws(parley, "/ws"));
    }

    private static Map<String, Object> join(String room, String name, String... extra) {
        Map<String, Object> join = new HashMap<>(Map.of("type", "join", "version", 1, "room", room, "name", name));
        for (int i = 0; i < extra.length; i += 2) {
            join.put(extra[i], extra[i + 1]);
        }
        return join;
    }

    private static JsonNode joined(WsClient client) {
        JsonNode joined = client.next("joined");
        client.next("chat-history");
        return joined;
    }

    @Test
    void aPasswordRoomAdmitsOnlyWithThePasswordAndTheModeratorWithItsKey() {
        TestServer.with(parley -> {
            JsonNode room = createRoom(parley, "{\"password\":\"correct horse\"}");
            String id = room.path("id").asText();
            assertThat(room.path("password").asBoolean()).isTrue();
            try (WsClient host = connect(parley); WsClient guest = connect(parley)) {
                JsonNode hostJoined = joined(host.send(join(id, "Host", "moderatorKey", room.path("moderatorKey").asText())));
                assertThat(hostJoined.path("moderator").asBoolean()).isTrue();

                assertThat(guest.send(join(id, "Guest")).next("error").path("code").asText()).isEqualTo("password-required");
                assertThat(guest.send(join(id, "Guest", "password", "battery staple")).next("error").path("code").asText())
                        .isEqualTo("bad-password");
                assertThat(guest.send(join(id, "Guest", "moderatorKey", "guessed")).next("error").path("code").asText())
                        .isEqualTo("password-required");
                host.expectSilence(Duration.ofMillis(200));

                JsonNode guestJoined = joined(guest.send(join(id, "Guest", "password", "correct horse")));
                assertThat(guestJoined.path("moderator").asBoolean()).isFalse();
                assertThat(guestJoined.path("participants").get(0).path("moderator").asBoolean()).isTrue();
                assertThat(host.next("participant-joined").path("participant").path("name").asText()).isEqualTo("Guest");
            }
        });
    }

    @Test
    void passwordGuessesAreLimitedPerAddressEvenAcrossSockets() {
        TestServer.with(parley -> {
            String id = createRoom(parley, "{\"password\":\"secret\"}").path("id").asText();
            int refused = 0;
            for (int i = 0; i < 7; i++) {
                try (WsClient guesser = connect(parley)) {
                    String code = guesser.send(join(id, "G", "password", "guess" + i)).next("error").path("code").asText();
                    assertThat(code).isIn("bad-password", "rate-limited");
                    refused += code.equals("rate-limited") ? 1 : 0;
                }
            }
            assertThat(refused).isEqualTo(2);
            try (WsClient late = connect(parley)) {
                assertThat(late.send(join(id, "G", "password", "secret")).next("error").path("code").asText())
                        .isEqualTo("rate-limited");
            }
        });
    }

    @Test
    void rightPasswordsFromOneAddressAreNotLimitedEvenAllAtOnceButWrongHostKeysAre() {
        TestServer.with(parley -> {
            JsonNode room = createRoom(parley, "{\"password\":\"secret\"}");
            String id = room.path("id").asText();
            JsonNode open = createRoom(parley, "");
            // Eight colleagues behind one office address, each with the right password, all at the same moment.
            List<WsClient> colleagues = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    colleagues.add(connect(parley).send(join(id, "C" + i, "password", "secret")));
                }
                for (WsClient colleague : colleagues) {
                    assertThat(colleague.next().path("type").asText()).isEqualTo("joined");
                }
            } finally {
                colleagues.forEach(WsClient::close);
            }
            // Made-up host keys cost a slow hash each: they are guesses, limited like passwords.
            for (int i = 0; i < 5; i++) {
                try (WsClient guesser = connect(parley)) {
                    assertThat(guesser.send(join(id, "K", "moderatorKey", "made-up-" + i)).next("error").path("code").asText())
                            .isEqualTo("password-required");
                }
            }
            try (WsClient host = connect(parley); WsClient guest = connect(parley); WsClient openHost = connect(parley)) {
                String key = room.path("moderatorKey").asText();
                assertThat(host.send(join(id, "Host", "moderatorKey", key)).next("error").path("code").asText())
                        .as("with this address's guesses spent, a key is not even checked").isEqualTo("password-required");
                assertThat(guest.send(join(id, "G", "password", "secret")).next("error").path("code").asText())
                        .isEqualTo("rate-limited");
                // Where guests may come in, so may the host: as a guest for now, never shut out.
                JsonNode joined = joined(openHost.send(join(open.path("id").asText(), "Host", "moderatorKey",
                        open.path("moderatorKey").asText())));
                assertThat(joined.path("moderator").asBoolean()).isFalse();
            }
        });
    }

    @Test
    void theModeratorMutesAndRemovesAndTheRemovedCannotResume() {
        TestServer.with(parley -> {
            JsonNode room = createRoom(parley, "");
            String id = room.path("id").asText();
            try (WsClient host = connect(parley); WsClient a = connect(parley); WsClient b = connect(parley)) {
                joined(host.send(join(id, "Host", "moderatorKey", room.path("moderatorKey").asText())));
                JsonNode aJoined = joined(a.send(join(id, "Ada")));
                joined(b.send(join(id, "Bob")));
                host.next("participant-joined");
                host.next("participant-joined");
                a.next("participant-joined");
                String aId = aJoined.path("id").asText();

                assertThat(b.send(Map.of("type", "moderate", "action", "remove", "target", aId)).next("error")
                        .path("code").asText()).isEqualTo("not-moderator");

                host.send(Map.of("type", "moderate", "action", "mute", "target", aId));
                JsonNode muted = a.next("moderated");
                assertThat(muted.path("action").asText()).isEqualTo("mute");
                assertThat(muted.path("by").asText()).isEqualTo("Host");

                host.send(Map.of("type", "moderate", "action", "remove", "target", aId));
                assertThat(a.next("moderated").path("action").asText()).isEqualTo("remove");
                assertThat(a.awaitClose()).isEqualTo(4003);
                JsonNode left = b.next("participant-left");
                assertThat(left.path("id").asText()).isEqualTo(aId);
                assertThat(left.path("reason").asText()).isEqualTo("removed");

                try (WsClient back = connect(parley)) {
                    back.send(join(id, "Ada", "resume", aJoined.path("resumeToken").asText()));
                    assertThat(back.next("error").path("code").asText()).isEqualTo("removed");
                }
            }
        });
    }

    @Test
    void aLockedRoomTurnsNewcomersAwayButNotTheModerator() {
        TestServer.with(parley -> {
            JsonNode room = createRoom(parley, "");
            String id = room.path("id").asText();
            String key = room.path("moderatorKey").asText();
            try (WsClient host = connect(parley); WsClient a = connect(parley); WsClient late = connect(parley)) {
                joined(host.send(join(id, "Host", "moderatorKey", key)));
                joined(a.send(join(id, "Ada")));
                host.next("participant-joined");
                host.send(Map.of("type", "moderate", "action", "lock"));
                assertThat(host.next("room-state").path("locked").asBoolean()).isTrue();
                assertThat(a.next("room-state").path("locked").asBoolean()).isTrue();
                assertThat(late.send(join(id, "Late")).next("error").path("code").asText()).isEqualTo("room-locked");
                try (WsClient hostTab = connect(parley)) {
                    assertThat(joined(hostTab.send(join(id, "Host 2", "moderatorKey", key))).path("locked").asBoolean()).isTrue();
                }
                host.send(Map.of("type", "moderate", "action", "unlock"));
                // The second host tab's arrival and departure, and the unlock, in whatever order they were handled.
                List<String> seen = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    seen.add(host.next().path("type").asText());
                }
                assertThat(seen).containsExactlyInAnyOrder("participant-joined", "participant-left", "room-state");
                joined(late.send(join(id, "Late")));
            }
        });
    }

    @Test
    void endingALockedMeetingLeavesTheLinkUsableForTheNextOne() {
        TestServer.with(parley -> {
            JsonNode room = createRoom(parley, "");
            String id = room.path("id").asText();
            try (WsClient host = connect(parley); WsClient a = connect(parley)) {
                joined(host.send(join(id, "Host", "moderatorKey", room.path("moderatorKey").asText())));
                host.send(Map.of("type", "moderate", "action", "lock"));
                host.next("room-state");
                host.send(Map.of("type", "moderate", "action", "end"));
                assertThat(host.awaitClose()).isEqualTo(4004);
            }
            try (WsClient guest = connect(parley)) {
                assertThat(joined(guest.send(join(id, "Guest"))).path("locked").asBoolean()).isFalse();
            }
        });
    }

    @Test
    void endingTheMeetingClosesEveryone() {
        TestServer.with(parley -> {
            JsonNode room = createRoom(parley, "");
            String id = room.path("id").asText();
            try (WsClient host = connect(parley); WsClient a = connect(parley)) {
                joined(host.send(join(id, "Host", "moderatorKey", room.path("moderatorKey").asText())));
                joined(a.send(join(id, "Ada")));
                host.send(Map.of("type", "moderate", "action", "end"));
                assertThat(a.next("meeting-ended").path("by").asText()).isEqualTo("Host");
                assertThat(a.awaitClose()).isEqualTo(4004);
                assertThat(host.awaitClose()).isEqualTo(4004);
                assertThat(parley.rooms().roomCount()).isZero();
            }
        });
    }

    @Test
    void protectionSurvivesARestart() {
        String[] id = new String[1];
        TestServer.with(parley -> id[0] = createRoom(parley, "{\"password\":\"pw\"}").path("id").asText());
        TestServer.with(parley -> {
            try (WsClient guest = connect(parley)) {
                assertThat(guest.send(join(id[0], "G")).next("error").path("code").asText()).isEqualTo("password-required");
                joined(guest.send(join(id[0], "G", "password", "pw")));
            }
        });
    }
}
