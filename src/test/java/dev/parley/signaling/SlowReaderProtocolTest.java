package dev.parley.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.Parley;
import dev.parley.support.TestServer;
import dev.parley.support.WsClient;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading must not make the server hold everything its room sends it: past a
 * bound of waiting frames its socket is closed with 4005, and its page may resume.
 */
class SlowReaderProtocolTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SENDERS = 5;
    private static final int SIGNALS_EACH = 260;

    @Test
    void aSocketThatStopsReadingIsClosedOnceTooMuchWaitsForIt() {
        TestServer.with(parley -> {
            try {
                overwhelm(parley);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    private static void overwhelm(Parley parley) throws Exception {
        String room = UUID.randomUUID().toString();
        PausedReader slow = new PausedReader();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(TestServer.ws(parley, "/ws"), slow).join();
        socket.sendText(json(Map.of("type", "join", "version", 1, "room", room, "name", "Slow")), true).join();
        String slowId = slow.awaitJoinedId();
        slow.paused = true;

        String pad = "x".repeat(60_000);
        List<WsClient> senders = new ArrayList<>();
        try {
            for (int i = 0; i < SENDERS; i++) {
                WsClient sender = WsClient.connect(TestServer.ws(parley, "/ws"));
                senders.add(sender);
                sender.send(Map.of("type", "join", "version", 1, "room", room, "name", "Sender " + i));
                sender.next("joined");
            }
            int sent = 0;
            // The server allows 50 messages a second per socket (bursts of 64): pace to stay within it.
            for (int round = 0; round < SIGNALS_EACH / 20; round++) {
                for (WsClient sender : senders) {
                    for (int k = 0; k < 20; k++) {
                        sender.send(Map.of("type", "signal", "to", slowId, "data", Map.of("pad", pad)));
                        sent++;
                    }
                }
                socket.sendText("{\"type\":\"ping\"}", true).join(); // alive, though not reading
                Thread.sleep(420);
            }
            for (WsClient sender : senders) {
                assertThat(sender.drain()).as("what a sender got back").noneMatch(m -> m.path("type").asText().equals("error"));
            }
            slow.resume();
            int code = slow.closed.get(30, TimeUnit.SECONDS);
            long signals = slow.texts.stream().filter(t -> t.contains("\"type\":\"signal\"")).count();
            System.out.printf("[slow reader] %d signals sent to it, %d read before the close %d%n", sent, signals, code);
            assertThat(code).isEqualTo(4005);
            assertThat(signals).as("signals that reached the slow reader").isLessThan(sent);

            // Its participant stays for a resume, as after a dropped connection: nobody saw it leave. (A second
            // of quiet lets the server see the close answered first.)
            senders.get(0).expectSilence(Duration.ofSeconds(1));
            for (WsClient sender : senders) {
                assertThat(sender.drain()).noneMatch(m -> m.path("type").asText().equals("participant-left"));
            }
            assertThat(parley.rooms().find(room).orElseThrow().size()).as("participants, the slow reader among them")
                    .isEqualTo(SENDERS + 1);
        } finally {
            senders.forEach(WsClient::close);
            socket.abort();
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Reads one message at a time, and none while paused: the socket's data then waits in the server. */
    private static final class PausedReader implements WebSocket.Listener {
        final List<String> texts = Collections.synchronizedList(new ArrayList<>());
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final CompletableFuture<String> joinedId = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        volatile boolean paused;
        private volatile WebSocket socket;

        @Override
        public void onOpen(WebSocket webSocket) {
            socket = webSocket;
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                texts.add(text);
                if (text.contains("\"type\":\"joined\"")) {
                    try {
                        JsonNode joined = JSON.readTree(text);
                        joinedId.complete(joined.path("id").asText());
                    } catch (Exception e) {
                        joinedId.completeExceptionally(e);
                    }
                }
            }
            if (!paused) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }

        String awaitJoinedId() throws Exception {
            return joinedId.get(10, TimeUnit.SECONDS);
        }

        void resume() {
            paused = false;
            socket.request(Long.MAX_VALUE);
        }
    }
}
