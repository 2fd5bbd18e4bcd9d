package dev.parley.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.room.RoomId;
import dev.parley.support.TestServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebRoutesTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(java.net.URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthAndPagesAnswer() {
        TestServer.with(parley -> {
            try {
                assertThat(get(TestServer.http(parley, "/healthz")).statusCode()).isEqualTo(200);
                HttpResponse<String> landing = get(TestServer.http(parley, "/"));
                assertThat(landing.statusCode()).isEqualTo(200);
                assertThat(landing.body()).contains("New meeting");
                assertThat(landing.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                        csp -> assertThat(csp).contains("script-src 'self'"));
                HttpResponse<String> room = get(TestServer.http(parley, "/r/" + RoomId.random()));
                assertThat(room.statusCode()).isEqualTo(200);
                assertThat(room.body()).contains("Join now");
                assertThat(get(TestServer.http(parley, "/js/protocol.js")).body()).contains("MessageType");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void malformedRoomIdsAndUnknownPathsGetAFriendlyPage() {
        TestServer.with(parley -> {
            try {
                for (String path : new String[] {"/r/not-a-room", "/r/%3Cscript%3E", "/nothing-here"}) {
                    HttpResponse<String> response = get(TestServer.http(parley, path));
                    assertThat(response.statusCode()).as(path).isEqualTo(404);
                    assertThat(response.body()).as(path).contains("Back to the start page").doesNotContain("Exception");
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void newMeetingGivesAFreshUnguessableRoom() {
        TestServer.with(parley -> {
            try {
                HttpRequest post = HttpRequest.newBuilder(TestServer.http(parley, "/api/rooms"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build();
                JsonNode first = new ObjectMapper().readTree(http.send(post, HttpResponse.BodyHandlers.ofString()).body());
                JsonNode second = new ObjectMapper().readTree(http.send(post, HttpResponse.BodyHandlers.ofString()).body());
                assertThat(RoomId.isValid(first.path("id").asText())).isTrue();
                assertThat(first.path("url").asText()).isEqualTo("/r/" + first.path("id").asText());
                assertThat(first.path("id")).isNotEqualTo(second.path("id"));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void aNewMeetingRefusesABodyItCannotReadWithAReason() {
        TestServer.with(parley -> {
            try {
                for (String body : List.of("[]", "\"a password\"", "not json", "{\"password\": \"   \"}",
                        "{\"password\": 5}", "{\"large\": \"yes\"}", "{\"password\": \"\\u00a0\\u200b\"}")) {
                    HttpResponse<String> refused = http.send(HttpRequest.newBuilder(TestServer.http(parley, "/api/rooms"))
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(refused.statusCode()).as(body).isEqualTo(400);
                    assertThat(new ObjectMapper().readTree(refused.body()).path("error").asText()).as(body).isNotBlank();
                }
                HttpResponse<String> made = http.send(HttpRequest.newBuilder(TestServer.http(parley, "/api/rooms"))
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(made.statusCode()).isEqualTo(201);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void aMeetingSaysBeforeAnyJoinWhetherItNeedsAPassword() {
        TestServer.with(parley -> {
            try {
                HttpRequest post = HttpRequest.newBuilder(TestServer.http(parley, "/api/rooms"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"password\": \"open sesame\"}")).build();
                String room = new ObjectMapper().readTree(http.send(post, HttpResponse.BodyHandlers.ofString()).body())
                        .path("id").asText();
                JsonNode info = new ObjectMapper().readTree(get(TestServer.http(parley, "/api/rooms/" + room)).body());
                assertThat(info.path("password").asBoolean()).isTrue();
                assertThat(info.path("locked").asBoolean()).isFalse();
                assertThat(info.toString()).as("nothing of the password itself").doesNotContain("open sesame");
                // A room nobody made through the start page (opened from a link) has no password; a bad id is not found.
                HttpResponse<String> open = get(TestServer.http(parley, "/api/rooms/" + RoomId.random()));
                assertThat(open.statusCode()).isEqualTo(200);
                assertThat(new ObjectMapper().readTree(open.body()).path("password").asBoolean(true)).isFalse();
                assertThat(get(TestServer.http(parley, "/api/rooms/not-a-room")).statusCode()).isEqualTo(404);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void withoutAnSfuNoMeetingIsMadeLarge() {
        TestServer.with(parley -> {
            try {
                JsonNode features = new ObjectMapper().readTree(get(TestServer.http(parley, "/api/features")).body());
                assertThat(features.path("largeMeetings").asBoolean(true)).isFalse();
                HttpRequest post = HttpRequest.newBuilder(TestServer.http(parley, "/api/rooms"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"large\": true}")).build();
                JsonNode made = new ObjectMapper().readTree(http.send(post, HttpResponse.BodyHandlers.ofString()).body());
                assertThat(made.path("large").asBoolean(true)).as("the answer says it is an ordinary meeting").isFalse();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }
}
