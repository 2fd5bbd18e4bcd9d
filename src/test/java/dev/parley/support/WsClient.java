package dev.parley.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real WebSocket client for protocol tests: send text, then take the replies in order. */
public final class WsClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final WebSocket socket;
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();

    private WsClient(URI uri) {
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(WAIT)
                .buildAsync(uri, new Listener())
                .join();
    }

    public static WsClient connect(URI uri) {
        return new WsClient(uri);
    }

    public WsClient send(String text) {
        socket.sendText(text, true).join();
        return this;
    }

    public WsClient send(Object message) {
        try {
            return send(JSON.writeValueAsString(message));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The next message, failing the test if none arrives in time. */
    public JsonNode next() {
        try {
            String text = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (text == null) {
                throw new AssertionError("no message within " + WAIT);
            }
            return JSON.readTree(text);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The next message, which must be of the given type. */
    public JsonNode next(String type) {
        JsonNode message = next();
        if (!type.equals(message.path("type").asText())) {
            throw new AssertionError("expected a '" + type + "' message, got " + message);
        }
        return message;
    }

    /** Every message received and not yet read, without waiting. */
    public java.util.List<JsonNode> drain() {
        java.util.List<String> texts = new java.util.ArrayList<>();
        received.drainTo(texts);
        return texts.stream().map(text -> {
            try {
                return JSON.readTree(text);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList();
    }

    /** Asserts that nothing arrives for a short while. */
    public void expectSilence(Duration window) {
        try {
            String text = received.poll(window.toMillis(), TimeUnit.MILLISECONDS);
            if (text != null) {
                throw new AssertionError("expected no message, got " + text);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the server to close the socket and returns the close code. */
    public int awaitClose() {
        return closed.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    public void abort() {
        socket.abort();
    }

    /** Sends a close frame with this code (and no more), as a page does when it gives up a socket. */
    public void closeWith(int code, String reason) {
        socket.sendClose(code, reason).exceptionally(e -> null);
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete(-1);
        }
    }
}
