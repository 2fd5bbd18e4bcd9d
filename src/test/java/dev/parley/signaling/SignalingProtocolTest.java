package dev.parley.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.Parley;
import dev.parley.support.TestServer;
import dev.parley.support.WsClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The protocol over real WebSockets against a server on a free port. */
class SignalingProtocolTest {
    private static final String ROOM = "0f8e9c3a-5b1d-4c2e-9a7f-3d6b8e1c2a4f";
    private static final String OTHER_ROOM = "11111111-2222-3333-4444-555555555555";
    private static final Duration QUIET = Duration.ofMillis(300);

    private static WsClient connect(Parley parley) {
        return WsClient.connect(TestServer.ws(parley, "/ws"));
    }

    private static JsonNode join(WsClient client, String room, String name) {
        client.send(Map.of("type", "join", "version", 1, "room", room, "name", name));
        JsonNode joined = client.next("joined");
        client.next("chat-history");
        return joined;
    }

    @Test
    void joinsAndLeavesFanOutToTheRoom() {
        TestServer.with(parley -> {
            try (WsClient a = connect(parley); WsClient b = connect(parley); WsClient c = connect(parley)) {
                JsonNode aJoined = join(a, ROOM, "Ada");
                assertThat(aJoined.path("participants")).isEmpty();
                assertThat(aJoined.path("version").asInt()).isEqualTo(1);

                JsonNode bJoined = join(b, ROOM, "Grace");
                assertThat(bJoined.path("participants").get(0).path("id").asText()).isEqualTo(aJoined.path("id").asText());
                assertThat(a.next("participant-joined").path("participant").path("name").asText()).isEqualTo("Grace");

                JsonNode cJoined = join(c, ROOM, "Linus");
                assertThat(cJoined.path("participants")).extracting(p -> p.path("name").asText())
                        .containsExactly("Ada", "Grace");
                a.next("participant-joined");
                b.next("participant-joined");

                b.send("{\"type\":\"leave\"}");
                for (WsClient other : new WsClient[] {a, c}) {
                    JsonNode left = other.next("participant-left");
                    assertThat(left.path("id").asText()).isEqualTo(bJoined.path("id").asText());
                    assertThat(left.path("reason").asText()).isEqualTo("left");
                }

                c.close();
                JsonNode closed = a.next("participant-left");
                assertThat(closed.path("id").asText()).isEqualTo(cJoined.path("id").asText());
                assertThat(closed.path("reason").asText()).isEqualTo("closed");
            }
        });
    }

    @Test
    void relayedSignalsCarryTheTrueSenderWhateverTheClientClaims() {
        TestServer.with(parley -> {
            try (WsClient a = connect(parley); WsClient b = connect(parley)) {
                String aId = join(a, ROOM, "Ada").path("id").asText();
                String bId = join(b, ROOM, "Grace").path("id").asText();
                a.next("participant-joined");

                b.send(Map.of("type", "signal", "from", "someone-else", "to", aId,
                        "data", Map.of("description", Map.of("type", "offer", "sdp", "v=0"))));
                JsonNode got = a.next("signal");
                assertThat(got.path("from").asText()).isEqualTo(bId);
                assertThat(got.path("data").path("description").path("sdp").asText()).isEqualTo("v=0");
                b.expectSilence(QUIET);
            }
        });
    }

    @Test
    void signallingIntoAnotherRoomIsRefusedAndDeliversNothing() {
        TestServer.with(parley -> {
            try (WsClient a = connect(parley); WsClient x = connect(parley)) {
                join(a, ROOM, "Ada");
                String xId = join(x, OTHER_ROOM, "Mallory").path("id").asText();

                a.send(Map.of("type", "signal", "to", xId, "data", Map.of("candidate", Map.of())));
                assertThat(a.next("error").path("code").asText()).isEqualTo("unknown-peer");
                x.expectSilence(QUIET);
            }
        });
    }

    @Test
    void badInputGetsAnErrorAndNobodyElseNotices() {
        TestServer.with(parley -> {
            try (WsClient bad = connect(parley); WsClient a = connect(parley); WsClient b = connect(parley)) {
                join(a, ROOM, "Ada");
                String bId = join(b, ROOM, "Grace").path("id").asText();
                a.next("participant-joined");

                assertThat(bad.send("{oops").next("error").path("code").asText()).isEqualTo("bad-json");
                assertThat(bad.send("{\"type\":\"teleport\"}").next("error").path("code").asText()).isEqualTo("unknown-type");
                assertThat(bad.send("{\"type\":\"join\"}").next("error").path("code").asText()).isEqualTo("invalid-message");
                assertThat(bad.send("{\"type\":\"join\",\"version\":1,\"room\":\"x\"}").next("error").path("code").asText())
                        .isEqualTo("bad-room");
                assertThat(bad.send("{\"type\":\"signal\",\"to\":\"" + bId + "\",\"data\":{}}").next("error")
                        .path("code").asText()).isEqualTo("not-joined");
                assertThat(bad.send("{\"type\":\"joined\"}").next("error").path("code").asText()).isEqualTo("unexpected-type");
                String big = "{\"type\":\"ping\",\"pad\":\"" + "x".repeat(70_000) + "\"}";
                JsonNode tooLarge = bad.send(big).next("error");
                assertThat(tooLarge.path("code").asText()).isEqualTo("too-large");
                assertThat(tooLarge.path("message").asText()).contains("65536");

                // The connection survives all of that and can still join.
                join(bad, ROOM, "Late");
                assertThat(a.next("participant-joined").path("participant").path("name").asText()).isEqualTo("Late");
                assertThat(b.next("participant-joined").path("participant").path("name").asText()).isEqualTo("Late");
                a.expectSilence(QUIET);
            }
        });
    }

    @Test
    void aFrameFarBeyondTheLimitClosesOnlyThatSocket() {
        TestServer.with(parley -> {
            try (WsClient huge = connect(parley); WsClient a = connect(parley)) {
                join(a, ROOM, "Ada");
                join(huge, ROOM, "Huge");
                a.next("participant-joined");
                try {
                    huge.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(300_000) + "\"}");
                } catch (java.util.concurrent.CompletionException e) {
                    // The server may close before the client has finished writing the frame: that is the point.
                }
                assertThat(huge.awaitClose()).isEqualTo(1009);
                assertThat(a.next("participant-left").path("reason").asText()).isEqualTo("closed");
                a.send("{\"type\":\"ping\"}");
                a.next("pong");
            }
        });
    }

    @Test
    void aSilentClientIsDroppedByHeartbeat() {
        TestServer.with(parley -> {
            try (WsClient a = connect(parley); WsClient silent = connect(parley)) {
                join(a, ROOM, "Ada");
                String silentId = join(silent, ROOM, "Silent").path("id").asText();
                a.next("participant-joined");
                // Ada keeps pinging; the other says nothing and is dropped.
                for (int i = 0; i < 40; i++) {
                    a.send("{\"type\":\"ping\"}");
                    JsonNode next = a.next();
                    if (next.path("type").asText().equals("participant-left")) {
                        assertThat(next.path("id").asText()).isEqualTo(silentId);
                        assertThat(next.path("reason").asText()).isEqualTo("timeout");
                        assertThat(silent.awaitClose()).isEqualTo(4000);
                        return;
                    }
                    silent.expectSilence(Duration.ofMillis(50));
                }
                throw new AssertionError("the silent client was never dropped");
            }
        }, "--heartbeat-interval", "100", "--heartbeat-timeout", "400");
    }
}
