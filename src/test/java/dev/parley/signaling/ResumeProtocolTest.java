package dev.parley.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.Parley;
import dev.parley.support.TestServer;
import dev.parley.support.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Lost sockets and server restarts, over real WebSockets: a page comes back as the same participant. */
class ResumeProtocolTest {
    private static final String ROOM = "0f8e9c3a-5b1d-4c2e-9a7f-3d6b8e1c2a4f";
    private static final Duration QUIET = Duration.ofMillis(400);

    private static WsClient connect(Parley parley) {
        return WsClient.connect(TestServer.ws(parley, "/ws"));
    }

    private static JsonNode join(WsClient client, String name, String resumeToken) {
        Map<String, Object> join = new HashMap<>(Map.of("type", "join", "version", 1, "room", ROOM, "name", name));
        if (resumeToken != null) {
            join.put("resume", resumeToken);
        }
        client.send(join);
        JsonNode joined = client.next("joined");
        client.next("chat-history");
        return joined;
    }

    @Test
    void aDroppedPageResumesAsTheSameParticipantAndNobodySeesItLeave() {
        TestServer.with(parley -> {
            try (WsClient a = connect(parley); WsClient b = connect(parley)) {
                String aId = join(a, "Ada", null).path("id").asText();
                JsonNode bJoined = join(b, "Grace", null);
                a.next("participant-joined");
                b.abort();

                try (WsClient b2 = connect(parley)) {
                    JsonNode resumed = join(b2, "Grace", bJoined.path("resumeToken").asText());
                    assertThat(resumed.path("resumed").asBoolean()).isTrue();
                    assertThat(resumed.path("id").asText()).isEqualTo(bJoined.path("id").asText());
                    assertThat(resumed.path("participants")).extracting(p -> p.path("id").asText()).containsExactly(aId);
                    assertThat(resumed.path("resumeToken").asText()).isNotEqualTo(bJoined.path("resumeToken").asText());
                    a.expectSilence(QUIET);

                    a.send(Map.of("type", "signal", "to", resumed.path("id").asText(), "data", Map.of("candidate", Map.of())));
                    assertThat(b2.next("signal").path("from").asText()).isEqualTo(aId);
                }
            }
        });
    }

    @Test
    void aPageThatGivesUpASilentSocketResumesAndNobodySeesItLeave() {
        TestServer.with(parley -> {
            try (WsClient a = connect(parley); WsClient b = connect(parley)) {
                join(a, "Ada", null);
                JsonNode bJoined = join(b, "Grace", null);
                a.next("participant-joined");
                // The page heard nothing for three heartbeats and closes with 4001 before resuming elsewhere;
                // should that close frame get through, it is no departure.
                b.closeWith(4001, "server silent");
                a.expectSilence(QUIET);

                try (WsClient b2 = connect(parley)) {
                    JsonNode resumed = join(b2, "Grace", bJoined.path("resumeToken").asText());
                    assertThat(resumed.path("resumed").asBoolean()).isTrue();
                    assertThat(resumed.path("id").asText()).isEqualTo(bJoined.path("id").asText());
                    a.expectSilence(QUIET);
                }
            }
        });
    }

    @Test
    void aResumeTokenWorksOnce() {
        TestServer.with(parley -> {
            try (WsClient a = connect(parley); WsClient b = connect(parley); WsClient thief = connect(parley)) {
                join(a, "Ada", null);
                String token = join(b, "Grace", null).path("resumeToken").asText();
                try (WsClient b2 = connect(parley)) {
                    join(b2, "Grace", token);
                }
                thief.send(Map.of("type", "join", "version", 1, "room", ROOM, "name", "Grace", "resume", token));
                assertThat(thief.next("error").path("code").asText()).isEqualTo("resume-failed");
            }
        });
    }

    @Test
    void forgedOrForeignTokensAreRefused() {
        TestServer.with(parley -> {
            try (WsClient a = connect(parley); WsClient mallory = connect(parley)) {
                String token = join(a, "Ada", null).path("resumeToken").asText();
                String[] parts = token.split("\\.");
                String forged = "someone." + String.join(".", parts[1], parts[2], parts[3], parts[4]);
                for (String bad : new String[] {forged, "x.y.z", "", token + "x"}) {
                    mallory.send(Map.of("type", "join", "version", 1, "room", ROOM, "name", "M", "resume", bad));
                    assertThat(mallory.next("error").path("code").asText()).as(bad).isEqualTo("resume-failed");
                }
                String otherRoom = "11111111-2222-3333-4444-555555555555";
                mallory.send(Map.of("type", "join", "version", 1, "room", otherRoom, "name", "M", "resume", token));
                assertThat(mallory.next("error").path("code").asText()).isEqualTo("resume-failed");
            }
        });
    }

    @Test
    void resumingWhileTheOldSocketIsStillOpenClosesTheOldOne() {
        TestServer.with(parley -> {
            try (WsClient a = connect(parley); WsClient b = connect(parley); WsClient b2 = connect(parley)) {
                join(a, "Ada", null);
                JsonNode bJoined = join(b, "Grace", null);
                a.next("participant-joined");
                JsonNode resumed = join(b2, "Grace", bJoined.path("resumeToken").asText());
                assertThat(resumed.path("id").asText()).isEqualTo(bJoined.path("id").asText());
                assertThat(b.awaitClose()).isEqualTo(4002);
                a.expectSilence(QUIET);
                assertThat(parley.rooms().participantCount()).isEqualTo(2);
            }
        });
    }

    @Test
    void aDroppedPageThatNeverReturnsTimesOut() {
        TestServer.with(parley -> {
            try (WsClient a = connect(parley); WsClient b = connect(parley)) {
                join(a, "Ada", null);
                String bId = join(b, "Grace", null).path("id").asText();
                a.next("participant-joined");
                b.abort();
                for (int i = 0; i < 40; i++) {
                    a.send("{\"type\":\"ping\"}");
                    JsonNode next = a.next();
                    if (next.path("type").asText().equals("participant-left")) {
                        assertThat(next.path("id").asText()).isEqualTo(bId);
                        assertThat(next.path("reason").asText()).isEqualTo("timeout");
                        return;
                    }
                    assertThat(next.path("type").asText()).isEqualTo("pong");
                    b.expectSilence(Duration.ofMillis(50));
                }
                throw new AssertionError("the dropped participant was never removed");
            }
        }, "--heartbeat-interval", "100", "--heartbeat-timeout", "500");
    }

    @Test
    void afterARestartPagesComeBackWithTheirIdsAndSeeEachOtherAgain() {
        String[] tokens = new String[2];
        String[] ids = new String[2];
        int[] port = new int[1];
        TestServer.with(parley -> {
            port[0] = parley.port();
            try (WsClient a = connect(parley); WsClient b = connect(parley)) {
                JsonNode aJoined = join(a, "Ada", null);
                JsonNode bJoined = join(b, "Grace", null);
                tokens[0] = aJoined.path("resumeToken").asText();
                tokens[1] = bJoined.path("resumeToken").asText();
                ids[0] = aJoined.path("id").asText();
                ids[1] = bJoined.path("id").asText();
            }
        });
        // A new server process knows nothing but its key, read from the same data folder.
        TestServer.with(parley -> {
            try (WsClient a = connect(parley); WsClient b = connect(parley)) {
                JsonNode aBack = join(a, "Ada", tokens[0]);
                assertThat(aBack.path("id").asText()).isEqualTo(ids[0]);
                assertThat(aBack.path("resumed").asBoolean()).isTrue();
                JsonNode bBack = join(b, "Grace", tokens[1]);
                assertThat(bBack.path("id").asText()).isEqualTo(ids[1]);
                assertThat(bBack.path("participants")).extracting(p -> p.path("id").asText()).containsExactly(ids[0]);
                JsonNode announced = a.next("participant-joined").path("participant");
                assertThat(announced.path("id").asText()).isEqualTo(ids[1]);
                assertThat(announced.path("name").asText()).isEqualTo("Grace");
            }
        });
    }

    @Test
    void shuttingDownTellsClientsToReconnect() {
        WsClient[] client = new WsClient[1];
        TestServer.with(parley -> {
            client[0] = connect(parley);
            join(client[0], "Ada", null);
        });
        assertThat(client[0].awaitClose()).isEqualTo(1012);
        client[0].close();
    }

    @Test
    void aServerShuttingDownTellsNobodyThatTheOthersLeft() {
        List<WsClient> clients = new ArrayList<>();
        TestServer.with(parley -> {
            for (String name : List.of("Ada", "Grace", "Linus")) {
                WsClient client = connect(parley);
                clients.add(client);
                join(client, name, null);
            }
        });
        for (WsClient client : clients) {
            assertThat(client.awaitClose()).isEqualTo(1012);
            // Everyone comes back to the restarted server: a "left" would drop their tiles and connections meanwhile.
            assertThat(client.drain()).extracting(m -> m.path("type").asText()).doesNotContain("participant-left");
            client.close();
        }
    }
}
