package dev.parley.ice;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.Parley;
import dev.parley.support.TestServer;
import dev.parley.support.WsClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * TURN credentials reach only participants who have joined: over a real WebSocket, nothing a client gets
 * before a successful join (pong, errors for a bad room, a missing or wrong password, a signal sent too
 * early) carries ICE servers, and the shared secret never appears anywhere.
 */
class IceAtJoinProtocolTest {
    private static final String ROOM = "0f8e9c3a-5b1d-4c2e-9a7f-3d6b8e1c2a4f";
    private static final String SECRET = "protocol-test-secret-" + Long.toHexString(System.nanoTime());
    private static final String TURN_URL = "turn:127.0.0.1:3478?transport=udp";
    private static final String STUN_URL = "stun:127.0.0.1:3478";
    private static final long TTL_SECONDS = 600;
    private static final Duration QUIET = Duration.ofMillis(300);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String[] TURN_ARGS = {"--stun-url", STUN_URL, "--turn-url", TURN_URL,
        "--turn-secret", SECRET, "--turn-ttl", String.valueOf(TTL_SECONDS)};

    @Test
    void beforeJoiningNothingCarriesIceServers() {
        TestServer.with(parley -> {
            String protectedRoom = createRoom(parley, "{\"password\":\"correct horse\"}").path("id").asText();
            try (WsClient stranger = connect(parley)) {
                List<JsonNode> seen = new ArrayList<>();
                stranger.expectSilence(QUIET); // nothing is pushed on connect

                seen.add(stranger.send("{\"type\":\"ping\"}").next("pong"));
                seen.add(expectError(stranger, Map.of("type", "join", "version", 1, "room", "not-a-room", "name", "Eve"), "bad-room"));
                seen.add(expectError(stranger, Map.of("type", "join", "version", 1, "room", protectedRoom, "name", "Eve"),
                        "password-required"));
                seen.add(expectError(stranger, Map.of("type", "join", "version", 1, "room", protectedRoom, "name", "Eve",
                        "password", "battery staple"), "bad-password"));
                seen.add(expectError(stranger, Map.of("type", "join", "version", 1, "room", ROOM, "name", "Eve",
                        "resume", "forged.token.1.x.y"), "resume-failed"));
                seen.add(expectError(stranger, Map.of("type", "signal", "to", "someone", "data", Map.of("candidate", Map.of())),
                        "not-joined"));
                seen.add(stranger.send("{\"type\":\"ping\"}").next("pong"));
                stranger.expectSilence(QUIET);

                for (JsonNode message : seen) {
                    assertThat(message.has("iceServers")).as("no iceServers in %s", message).isFalse();
                    assertThat(message.toString()).doesNotContain("credential", "username", "turn:", SECRET);
                }
            }
        }, TURN_ARGS);
    }

    @Test
    void aJoinedParticipantGetsItsOwnFreshCredentials() {
        TestServer.with(parley -> {
            try (WsClient a = connect(parley); WsClient b = connect(parley)) {
                long before = Instant.now().getEpochSecond();
                JsonNode aJoined = join(a, "Ada", null);
                JsonNode bJoined = join(b, "Grace", null);
                long after = Instant.now().getEpochSecond();
                a.next("participant-joined");

                for (JsonNode joined : List.of(aJoined, bJoined)) {
                    String id = joined.path("id").asText();
                    assertThat(joined.path("iceTransportPolicy").asText()).isEqualTo("all");
                    JsonNode servers = joined.path("iceServers");
                    assertThat(servers).hasSize(2);
                    assertThat(urls(servers.get(0))).containsExactly(STUN_URL);
                    // STUN needs no credentials (the entry may spell that as null).
                    assertThat(absent(servers.get(0).path("username"))).as("STUN entry %s", servers.get(0)).isTrue();
                    assertThat(absent(servers.get(0).path("credential"))).as("STUN entry %s", servers.get(0)).isTrue();

                    JsonNode turn = servers.get(1);
                    assertThat(urls(turn)).containsExactly(TURN_URL);
                    String username = turn.path("username").asText();
                    assertThat(username).endsWith(":" + id);
                    long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
                    assertThat(expiry).isBetween(before + TTL_SECONDS, after + TTL_SECONDS);
                    assertThat(turn.path("credential").asText()).isEqualTo(hmacSha1Base64(SECRET, username));
                    assertThat(joined.toString()).doesNotContain(SECRET);
                }
                assertThat(aJoined.path("iceServers").get(1).path("username").asText())
                        .isNotEqualTo(bJoined.path("iceServers").get(1).path("username").asText());
            }
        }, TURN_ARGS);
    }

    @Test
    void resumingHandsOutCredentialsAgain() {
        TestServer.with(parley -> {
            try (WsClient a = connect(parley)) {
                JsonNode first = join(a, "Ada", null);
                a.abort(); // a lost connection (1006): the participant stays and may resume
                try (WsClient again = connect(parley)) {
                    JsonNode resumed = join(again, "Ada", first.path("resumeToken").asText());
                    assertThat(resumed.path("resumed").asBoolean()).isTrue();
                    String id = resumed.path("id").asText();
                    assertThat(id).isEqualTo(first.path("id").asText());
                    JsonNode turn = resumed.path("iceServers").get(1);
                    String username = turn.path("username").asText();
                    assertThat(username).endsWith(":" + id);
                    assertThat(Long.parseLong(username.substring(0, username.indexOf(':'))))
                            .isGreaterThanOrEqualTo(Long.parseLong(first.path("iceServers").get(1).path("username").asText().split(":")[0]));
                    assertThat(turn.path("credential").asText()).isEqualTo(hmacSha1Base64(SECRET, username));
                }
            }
        }, TURN_ARGS);
    }

    @Test
    void relayOnlyIsHandedOutAsPolicyRelay() {
        TestServer.with(parley -> {
            try (WsClient a = connect(parley)) {
                JsonNode joined = join(a, "Ada", null);
                assertThat(joined.path("iceTransportPolicy").asText()).isEqualTo("relay");
                assertThat(joined.path("iceServers")).hasSize(1);
                assertThat(urls(joined.path("iceServers").get(0))).containsExactly(TURN_URL);
            }
        }, "--turn-url", TURN_URL, "--turn-secret", SECRET, "--ice-relay-only");
    }

    @Test
    void withNothingConfiguredTheListIsEmpty() {
        TestServer.with(parley -> {
            try (WsClient a = connect(parley)) {
                JsonNode joined = join(a, "Ada", null);
                assertThat(joined.path("iceServers").isArray()).isTrue();
                assertThat(joined.path("iceServers")).isEmpty();
                assertThat(joined.path("iceTransportPolicy").asText()).isEqualTo("all");
            }
        });
    }

    @Test
    void noHttpResponseCarriesTurnCredentials() {
        TestServer.with(parley -> {
            JsonNode created = createRoom(parley, "{}");
            for (String path : List.of("/", created.path("url").asText("/r/" + ROOM), "/r/" + ROOM)) {
                String body = get(parley, path).body();
                assertThat(body).as("GET %s", path).doesNotContain(SECRET, "iceServers", "credential");
            }
            assertThat(created.toString()).doesNotContain(SECRET, "iceServers", "credential");
        }, TURN_ARGS);
    }

    // ---- helpers ----

    private static WsClient connect(Parley parley) {
        return WsClient.connect(TestServer.ws(parley, "/ws"));
    }

    private static JsonNode join(WsClient client, String name, String resumeToken) {
        Map<String, Object> join = new HashMap<>(Map.of("type", "join", "version", 1, "room", ROOM, "name", name));
        if (resumeToken != null) {
            join.put("resume", resumeToken);
        }
        JsonNode joined = client.send(join).next("joined");
        client.next("chat-history");
        return joined;
    }

    private static JsonNode expectError(WsClient client, Map<String, Object> message, String code) {
        JsonNode error = client.send(message).next("error");
        assertThat(error.path("code").asText()).as("error for %s", message).isEqualTo(code);
        return error;
    }

    private static boolean absent(JsonNode field) {
        return field.isMissingNode() || field.isNull();
    }

    private static List<String> urls(JsonNode server) {
        JsonNode urls = server.path("urls");
        List<String> out = new ArrayList<>();
        if (urls.isArray()) {
            urls.forEach(u -> out.add(u.asText()));
        } else {
            out.add(urls.asText());
        }
        return out;
    }

    /** A second, independent computation of the TURN REST credential (the unit test also checks openssl). */
    private static String hmacSha1Base64(String secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

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

    private static HttpResponse<String> get(Parley parley, String pathOrUrl) {
        try {
            java.net.URI uri = pathOrUrl.startsWith("http") ? java.net.URI.create(pathOrUrl) : TestServer.http(parley, pathOrUrl);
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
