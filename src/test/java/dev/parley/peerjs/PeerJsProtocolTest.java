package dev.parley.peerjs;

import static dev.parley.peerjs.PeerSocket.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.Parley;
import dev.parley.support.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The PeerJS protocol over real WebSockets against Parley on a free port. */
class PeerJsProtocolTest {
    private static final Duration QUIET = Duration.ofMillis(300);

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> peers(Parley parley) {
        HttpResponse<String> response = get(parley, "/peerjs/peerjs/peers");
        assertThat(response.statusCode()).isEqualTo(200);
        return json(response.body()).valueStream().map(JsonNode::asText).toList();
    }

    static HttpResponse<String> get(Parley parley, String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(TestServer.http(parley, path)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aPeerWithKeyIdAndTokenGetsOpen() {
        TestServer.with(parley -> {
            try (PeerSocket a = PeerSocket.connect(parley, "alice", "t1")) {
                assertThat(a.nextText()).isEqualTo("{\"type\":\"OPEN\"}");
                assertThat(peers(parley)).containsExactly("alice");
                a.expectSilence(QUIET);
            }
        }, "--peerjs-discovery");
    }

    @Test
    void aMissingParameterGetsErrorThenClose() {
        TestServer.with(parley -> {
            for (String query : List.of("key=peerjs&token=t", "key=peerjs&id=a", "id=a&token=t", "key=peerjs&id=&token=t")) {
                try (PeerSocket socket = PeerSocket.connect(parley, query, Map.of())) {
                    JsonNode error = socket.next("ERROR");
                    assertThat(error.path("payload").path("msg").asText())
                            .as(query).isEqualTo("No id, token, or key supplied to websocket server");
                    assertThat(socket.awaitClose()).isEqualTo(1000);
                }
            }
            assertThat(peers(parley)).isEmpty();
        }, "--peerjs-discovery");
    }

    @Test
    void aWrongKeyGetsInvalidKey() {
        TestServer.with(parley -> {
            try (PeerSocket socket = PeerSocket.connect(parley, "key=nope&id=a&token=t", Map.of())) {
                assertThat(socket.next("ERROR").path("payload").path("msg").asText()).isEqualTo("Invalid key provided");
                assertThat(socket.awaitClose()).isEqualTo(1000);
            }
        });
    }

    @Test
    void aConfiguredKeyReplacesTheDefault() {
        TestServer.with(parley -> {
            try (PeerSocket wrong = PeerSocket.connect(parley, "key=peerjs&id=a&token=t", Map.of());
                 PeerSocket right = PeerSocket.connect(parley, "key=s3cret&id=a&token=t", Map.of())) {
                assertThat(wrong.next("ERROR").path("payload").path("msg").asText()).isEqualTo("Invalid key provided");
                right.next("OPEN");
            }
        }, "--peerjs-key", "s3cret");
    }

    @Test
    void anIdHeldWithAnotherTokenIsTakenAndTheHolderKeepsIt() {
        TestServer.with(parley -> {
            try (PeerSocket holder = PeerSocket.connect(parley, "a", "mine");
                 PeerSocket thief = PeerSocket.connect(parley, "a", "theirs");
                 PeerSocket b = PeerSocket.open(parley, "b")) {
                holder.next("OPEN");
                JsonNode taken = thief.next("ID-TAKEN");
                assertThat(taken.path("payload").path("msg").asText()).isEqualTo("ID is taken");
                assertThat(thief.awaitClose()).isEqualTo(1000);

                b.send(Map.of("type", "OFFER", "dst", "a", "payload", Map.of("n", 1)));
                assertThat(holder.next("OFFER").path("src").asText()).isEqualTo("b");
            }
        });
    }

    @Test
    void theSameTokenReplacesTheOldSocket() {
        TestServer.with(parley -> {
            try (PeerSocket first = PeerSocket.connect(parley, "a", "tok");
                 PeerSocket b = PeerSocket.open(parley, "b")) {
                first.next("OPEN");
                try (PeerSocket second = PeerSocket.connect(parley, "a", "tok")) {
                    second.next("OPEN");
                    assertThat(first.awaitClose()).isEqualTo(4001);

                    b.send(Map.of("type", "OFFER", "dst", "a", "payload", Map.of("n", 1)));
                    assertThat(second.next("OFFER").path("src").asText()).isEqualTo("b");
                    assertThat(peers(parley)).containsExactlyInAnyOrder("a", "b");
                }
            }
        }, "--peerjs-discovery");
    }

    @Test
    void relayedMessagesCarryTheServerSetSourceWhateverTheClientClaims() {
        TestServer.with(parley -> {
            try (PeerSocket a = PeerSocket.open(parley, "a"); PeerSocket b = PeerSocket.open(parley, "b")) {
                for (String type : List.of("OFFER", "ANSWER", "CANDIDATE", "LEAVE", "EXPIRE")) {
                    a.send("{\"type\":\"" + type + "\",\"src\":\"mallory\",\"dst\":\"b\",\"extra\":true,"
                            + "\"payload\":{\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\"},\"connectionId\":\"mc_1\",\"n\":[1,2.5,null]}}");
                    JsonNode got = b.next(type);
                    assertThat(got).isEqualTo(json("{\"type\":\"" + type + "\",\"src\":\"a\",\"dst\":\"b\","
                            + "\"payload\":{\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\"},\"connectionId\":\"mc_1\",\"n\":[1,2.5,null]}}"));
                }
                a.expectSilence(QUIET);
            }
        });
    }

    @Test
    void messagesForAnAbsentIdAreQueuedAndDeliveredInOrderWhenItConnects() {
        TestServer.with(parley -> {
            try (PeerSocket a = PeerSocket.open(parley, "a")) {
                a.send(Map.of("type", "OFFER", "dst", "late", "payload", Map.of("n", 1)));
                a.send(Map.of("type", "CANDIDATE", "dst", "late", "payload", Map.of("n", 2)));
                a.send(Map.of("type", "LEAVE", "dst", "late")); // LEAVE and EXPIRE are never queued
                a.send(Map.of("type", "EXPIRE", "dst", "late"));
                // A message to oneself comes back after the server has taken those before it: only then may
                // "late" connect, or the LEAVE could still be on its way and reach it.
                a.send(Map.of("type", "OFFER", "dst", "a", "payload", Map.of("n", 0)));
                assertThat(a.next("OFFER").path("payload").path("n").asInt()).isZero();
                try (PeerSocket late = PeerSocket.connect(parley, "late", "t")) {
                    late.next("OPEN");
                    JsonNode offer = late.next("OFFER");
                    assertThat(offer.path("src").asText()).isEqualTo("a");
                    assertThat(offer.path("dst").asText()).isEqualTo("late");
                    assertThat(offer.path("payload").path("n").asInt()).isEqualTo(1);
                    assertThat(late.next("CANDIDATE").path("payload").path("n").asInt()).isEqualTo(2);
                    late.expectSilence(QUIET);
                }
                a.expectSilence(Duration.ofMillis(100));
            }
        }, "--peerjs-expire-timeout", "3000");
    }

    @Test
    void queuedMessagesExpireAndTheSenderHearsOnce() {
        TestServer.with(parley -> {
            try (PeerSocket a = PeerSocket.open(parley, "a")) {
                a.send(Map.of("type", "OFFER", "dst", "ghost", "payload", Map.of()));
                a.send(Map.of("type", "CANDIDATE", "dst", "ghost", "payload", Map.of()));
                long sent = System.nanoTime();
                JsonNode expire = a.next("EXPIRE");
                long waitedMs = (System.nanoTime() - sent) / 1_000_000;
                assertThat(expire).isEqualTo(json("{\"type\":\"EXPIRE\",\"src\":\"ghost\",\"dst\":\"a\"}"));
                assertThat(waitedMs).isBetween(250L, 3000L);
                a.expectSilence(QUIET);
                try (PeerSocket ghost = PeerSocket.open(parley, "ghost")) {
                    ghost.expectSilence(QUIET); // expired means gone
                }
            }
        }, "--peerjs-expire-timeout", "300");
    }

    @Test
    void heartbeatsKeepAPeerAliveAndSilenceDropsIt() {
        TestServer.with(parley -> {
            try (PeerSocket beating = PeerSocket.open(parley, "beating"); PeerSocket silent = PeerSocket.open(parley, "silent")) {
                long opened = System.nanoTime();
                long dropped = 0;
                // Beat every 100 ms until the silent peer is dropped, then for two more alive timeouts.
                while (dropped == 0 || System.nanoTime() - dropped < Duration.ofMillis(1000).toNanos()) {
                    beating.send("{\"type\":\"HEARTBEAT\"}");
                    if (dropped == 0 && silent.isClosed()) {
                        dropped = System.nanoTime();
                    }
                    assertThat(System.nanoTime() - opened).as("silent peer still connected")
                            .isLessThan(Duration.ofSeconds(10).toNanos());
                    sleep(100);
                }
                assertThat(silent.awaitClose()).isEqualTo(4000);
                assertThat(Duration.ofNanos(dropped - opened)).isGreaterThanOrEqualTo(Duration.ofMillis(1450));
                assertThat(beating.isClosed()).isFalse();
                beating.expectSilence(Duration.ZERO); // heartbeats get no reply
                assertThat(peers(parley)).containsExactly("beating");
            }
            // The beats come every 100 ms, well inside the timeout even on a loaded machine.
        }, "--peerjs-alive-timeout", "1500", "--peerjs-discovery");
    }

    @Test
    void leaveWithoutDestinationRemovesTheSender() {
        TestServer.with(parley -> {
            try (PeerSocket a = PeerSocket.connect(parley, "a", "one")) {
                a.next("OPEN");
                a.send("{\"type\":\"LEAVE\"}");
                assertThat(a.awaitClose()).isEqualTo(1000);
                try (PeerSocket again = PeerSocket.connect(parley, "a", "two")) {
                    again.next("OPEN"); // the id is free for anyone
                }
            }
        });
    }

    @Test
    void theConcurrentLimitRefusesNewIdsButNotReconnections() {
        TestServer.with(parley -> {
            try (PeerSocket a = PeerSocket.open(parley, "a"); PeerSocket b = PeerSocket.open(parley, "b")) {
                try (PeerSocket c = PeerSocket.connect(parley, "c", "t")) {
                    assertThat(c.next("ERROR").path("payload").path("msg").asText())
                            .isEqualTo("Server has reached its concurrent user limit");
                    assertThat(c.awaitClose()).isEqualTo(1000);
                }
                try (PeerSocket b2 = PeerSocket.connect(parley, "b", "token-b")) {
                    b2.next("OPEN"); // a reconnection takes no new place
                    a.close();
                    awaitPeers(parley, 1);
                    try (PeerSocket c = PeerSocket.connect(parley, "c", "t")) {
                        c.next("OPEN");
                    }
                }
            }
        }, "--peerjs-concurrent-limit", "2", "--peerjs-discovery");
    }

    @Test
    void anOversizeFrameClosesOnlyItsSender() {
        TestServer.with(parley -> {
            try (PeerSocket a = PeerSocket.open(parley, "a"); PeerSocket b = PeerSocket.open(parley, "b")) {
                String head = "{\"type\":\"OFFER\",\"dst\":\"b\",\"payload\":\"";
                String fits = head + "x".repeat(1024 - head.length() - 2) + "\"}";
                assertThat(fits).hasSize(1024);
                a.send(fits);
                assertThat(b.next("OFFER").path("payload").asText()).hasSize(1024 - head.length() - 2);

                b.send(head.replace("\"b\"", "\"a\"") + "é".repeat(600) + "\"}"); // 600 chars, but over 1024 bytes
                assertThat(b.awaitClose()).isEqualTo(1009);
                a.expectSilence(QUIET);
                try (PeerSocket c = PeerSocket.open(parley, "c")) {
                    c.send(Map.of("type", "OFFER", "dst", "a", "payload", Map.of()));
                    assertThat(a.next("OFFER").path("src").asText()).isEqualTo("c");
                }
            }
        }, "--peerjs-max-message-bytes", "1024");
    }

    @Test
    void garbageFramesAreIgnoredAndDisturbNobody() {
        TestServer.with(parley -> {
            try (PeerSocket a = PeerSocket.open(parley, "a"); PeerSocket b = PeerSocket.open(parley, "b")) {
                List<String> garbage = List.of("", "not json", "[1,2]", "\"OFFER\"", "42", "null", "{}",
                        "{\"dst\":\"b\"}", "{\"type\":7,\"dst\":\"b\"}", "{\"type\":\"OFFER\",\"dst\":7}",
                        "{\"type\":\"DANCE\",\"dst\":\"b\"}", "{\"type\":\"OFFER\",\"dst\":\"b\"} trailing",
                        "{\"type\":\"OFFER\",\"dst\":\"b\",\"payload\":{\"sdp\":", "{\"type\":\"OFFER\",\"dst\":\"b\",\"payload\":\"\\q\"}",
                        "{\"type\":\"OFFER\",\"dst\":\"b\",\"payload\":" + "[".repeat(5000) + "]".repeat(5000) + "}",
                        "{\"type\":\"OFFER\",\"dst\":\"b\",\"payload\":" + "9".repeat(5000) + "}",
                        "{\"type\":\"OPEN\",\"dst\":\"b\"}", "{\"type\":\"ID-TAKEN\",\"dst\":\"b\"}",
                        "{\"type\":\"OFFER\"}", "{\"type\":\"OFFER\",\"dst\":null}", "{\"type\":\"OFFER\",\"dst\":\"\"}");
                for (String frame : garbage) {
                    a.send(frame);
                }
                a.sendBinary(new byte[] {1, 2, 3});
                a.sendBinary("{\"type\":\"OFFER\",\"dst\":\"b\"}".getBytes());
                b.expectSilence(QUIET);
                a.expectSilence(Duration.ZERO);

                a.send(Map.of("type", "OFFER", "dst", "b", "payload", Map.of("ok", true)));
                assertThat(b.next("OFFER").path("payload").path("ok").asBoolean()).isTrue();
                b.send(Map.of("type", "ANSWER", "dst", "a", "payload", Map.of()));
                assertThat(a.next("ANSWER").path("src").asText()).isEqualTo("b");
            }
        });
    }

    @Test
    void httpRoutesDescribeHandOutIdsAndHidePeersByDefault() {
        TestServer.with(parley -> {
            HttpResponse<String> description = get(parley, "/peerjs");
            assertThat(description.statusCode()).isEqualTo(200);
            assertThat(description.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            assertThat(json(description.body()).path("name").asText()).contains("PeerJS");
            assertThat(description.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");

            HttpResponse<String> id1 = get(parley, "/peerjs/peerjs/id?ts=123&version=1.5.5", "Origin", "http://app.example");
            HttpResponse<String> id2 = get(parley, "/peerjs/peerjs/id");
            assertThat(id1.statusCode()).isEqualTo(200);
            assertThat(id1.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
            assertThat(id1.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
            assertThat(id1.body()).matches("[0-9a-f-]{36}").isNotEqualTo(id2.body());

            HttpResponse<String> peers = get(parley, "/peerjs/peerjs/peers");
            assertThat(peers.statusCode()).isEqualTo(401);
            assertThat(peers.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        });
    }

    @Test
    void discoveryListsConnectedIdsForTheRightKeyOnly() {
        TestServer.with(parley -> {
            assertThat(peers(parley)).isEmpty();
            try (PeerSocket a = PeerSocket.open(parley, "a"); PeerSocket b = PeerSocket.open(parley, "b")) {
                assertThat(peers(parley)).containsExactlyInAnyOrder("a", "b");
                assertThat(get(parley, "/peerjs/other/peers").statusCode()).isEqualTo(401);
            }
        }, "--peerjs-discovery");
    }

    @Test
    void anyOriginMayConnectByDefault() {
        TestServer.with(parley -> {
            try (PeerSocket s = PeerSocket.connect(parley, "key=peerjs&id=a&token=t", Map.of("Origin", "https://elsewhere.example"))) {
                s.next("OPEN");
            }
        });
    }

    @Test
    void anAllowListLimitsBrowserOrigins() {
        TestServer.with(parley -> {
            try (PeerSocket good = PeerSocket.connect(parley, "key=peerjs&id=a&token=t", Map.of("Origin", "https://app.example"));
                 PeerSocket tool = PeerSocket.connect(parley, "key=peerjs&id=b&token=t", Map.of())) {
                good.next("OPEN");
                tool.next("OPEN"); // no Origin: not a browser page, which an origin check could not stop anyway
            }
            assertThat(upgradeRefused(parley, "https://evil.example")).isTrue();

            HttpResponse<String> allowed = get(parley, "/peerjs/peerjs/id", "Origin", "https://app.example");
            assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example");
            assertThat(allowed.headers().allValues("Vary")).anySatisfy(v -> assertThat(v).contains("Origin"));
            HttpResponse<String> refused = get(parley, "/peerjs/peerjs/id", "Origin", "https://evil.example");
            assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        }, "--peerjs-allowed-origins", "https://app.example, http://localhost:3000");
    }

    @Test
    void preflightRequestsAreAnswered() {
        TestServer.with(parley -> {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + parley.port() + "/peerjs/peerjs/id"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "https://app.example")
                    .header("Access-Control-Request-Method", "GET")
                    .header("Access-Control-Request-Headers", "x-custom")
                    .build();
            try (HttpClient client = HttpClient.newHttpClient()) {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(204);
                assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
                assertThat(response.headers().firstValue("Access-Control-Allow-Methods")).hasValueSatisfying(m -> assertThat(m).contains("GET"));
                assertThat(response.headers().firstValue("Access-Control-Allow-Headers")).hasValue("x-custom");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    private static boolean upgradeRefused(Parley parley, String origin) {
        try (PeerSocket s = PeerSocket.connect(parley, "key=peerjs&id=x&token=t", Map.of("Origin", origin))) {
            return false;
        } catch (RuntimeException e) {
            return e.getCause() instanceof java.net.http.WebSocketHandshakeException h && h.getResponse().statusCode() == 403;
        }
    }

    private static void awaitPeers(Parley parley, int n) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (peers(parley).size() != n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + n + " peers, have " + peers(parley));
            }
            sleep(20);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
