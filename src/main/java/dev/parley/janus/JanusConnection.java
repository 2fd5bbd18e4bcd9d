package dev.parley.janus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection to the Janus API ({@code janus-protocol}). Each request carries the API secret
 * and a fresh transaction and returns a future of Janus's answer; messages that answer no request go to
 * the {@link JanusListener}. Requests fail with {@link JanusException} when Janus refuses them, with a
 * {@link java.util.concurrent.TimeoutException} when it does not answer in time, and with an
 * {@link IOException} when the connection is gone. Safe to use from any thread.
 *
 * <p>Answers complete on their own (virtual) threads, never on the receiving one, so a continuation may
 * block or wait for another request without stalling the connection; the price is that it may run after
 * the listener has already heard of later events.
 */
public final class JanusConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JanusConnection.class);
    /** How long a request waits for its answer unless told otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Executor COMPLETIONS = Executors.newVirtualThreadPerTaskExecutor();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(DEFAULT_TIMEOUT).build();

    private final String apiSecret;
    private final JanusListener listener;
    private final Duration timeout;
    private final PendingRequests pending = new PendingRequests(COMPLETIONS);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object sendLock = new Object();
    /** The JDK WebSocket allows one outstanding send, so each send starts when the one before is done. */
    private CompletableFuture<?> sendTail = CompletableFuture.completedFuture(null);
    private volatile WebSocket socket;

    JanusConnection(String apiSecret, JanusListener listener, Duration timeout) {
        this.apiSecret = apiSecret;
        this.listener = listener;
        this.timeout = timeout;
    }

    /**
     * Opens a connection, with requests timing out after {@link #DEFAULT_TIMEOUT}.
     *
     * @param apiSecret Janus's api_secret, or null when it has none
     */
    public static CompletableFuture<JanusConnection> connect(URI url, String apiSecret, JanusListener listener) {
        return connect(url, apiSecret, listener, DEFAULT_TIMEOUT);
    }

    /** Opens a connection whose requests time out after {@code requestTimeout}. */
    public static CompletableFuture<JanusConnection> connect(URI url, String apiSecret, JanusListener listener,
                                                             Duration requestTimeout) {
        JanusConnection connection = new JanusConnection(apiSecret, listener, requestTimeout);
        return HTTP.newWebSocketBuilder()
                .subprotocols("janus-protocol")
                .connectTimeout(DEFAULT_TIMEOUT)
                .buildAsync(url, connection.receiver())
                .thenApply(ws -> connection);
    }

    /** Creates a Janus session; completes with its id. */
    public CompletableFuture<Long> createSession() {
        return request("create", JSON.createObjectNode(), false).thenApply(JanusConnection::dataId);
    }

    /** Attaches a handle to a plugin (for instance {@code janus.plugin.videoroom}); completes with its id. */
    public CompletableFuture<Long> attach(long session, String plugin) {
        ObjectNode fields = JSON.createObjectNode().put("session_id", session).put("plugin", plugin);
        return request("attach", fields, false).thenApply(JanusConnection::dataId);
    }

    /** Keeps a session from timing out (Janus's session_timeout counts from the last request). */
    public CompletableFuture<Void> keepalive(long session) {
        return request("keepalive", JSON.createObjectNode().put("session_id", session), true).thenApply(m -> null);
    }

    /** Takes over a session opened on a connection that is gone, within Janus's reclaim_session_timeout. */
    public CompletableFuture<Void> claim(long session) {
        return request("claim", JSON.createObjectNode().put("session_id", session), false).thenApply(m -> null);
    }

    /** Detaches a handle from its plugin. */
    public CompletableFuture<Void> detach(long session, long handle) {
        ObjectNode fields = JSON.createObjectNode().put("session_id", session).put("handle_id", handle);
        return request("detach", fields, false).thenApply(m -> null);
    }

    /** Destroys a session and every handle in it. */
    public CompletableFuture<Void> destroySession(long session) {
        return request("destroy", JSON.createObjectNode().put("session_id", session), false).thenApply(m -> null);
    }

    /**
     * Sends a request to a handle's plugin and completes with Janus's final message, whose
     * {@code plugindata.data} holds the plugin's answer and {@code jsep}, if present, its SDP. That is the
     * {@code success} of a synchronous request (create, exists, list...) or the {@code event} that follows the
     * {@code ack} of an asynchronous one (join, publish, configure, start...). A plugin error fails the future
     * with a {@link JanusException} carrying the plugin's error_code.
     *
     * @param jsepOrNull an SDP offer or answer ({@code type}, {@code sdp}), or null
     */
    public CompletableFuture<JsonNode> message(long session, long handle, ObjectNode body, ObjectNode jsepOrNull) {
        ObjectNode fields = JSON.createObjectNode().put("session_id", session).put("handle_id", handle);
        fields.set("body", body);
        if (jsepOrNull != null) {
            fields.set("jsep", jsepOrNull);
        }
        return request("message", fields, false);
    }

    /**
     * Passes on one ICE candidate of a handle's peer connection ({@code candidate}, {@code sdpMid},
     * {@code sdpMLineIndex}), or {@code {"completed": true}} once there are no more (trickle ICE).
     */
    public CompletableFuture<Void> trickle(long session, long handle, ObjectNode candidate) {
        ObjectNode fields = JSON.createObjectNode().put("session_id", session).put("handle_id", handle);
        fields.set("candidate", candidate);
        return request("trickle", fields, true).thenApply(m -> null);
    }

    /** Whether the connection is open: it was opened and neither side has closed it. */
    public boolean isOpen() {
        return socket != null && !closed.get();
    }

    /**
     * Closes the connection: pending requests fail, the listener hears {@code onClose} (once), and Janus
     * destroys the sessions opened here unless they are claimed within its reclaim_session_timeout.
     */
    @Override
    public void close() {
        WebSocket ws = socket;
        lost(WebSocket.NORMAL_CLOSURE, "closed by this side");
        if (ws == null) {
            return;
        }
        synchronized (sendLock) {
            sendTail = sendTail.handle((r, e) -> null).thenCompose(ignored -> ws.sendClose(WebSocket.NORMAL_CLOSURE, ""));
        }
        // Janus answers a close at once; if it is hung, drop the TCP connection rather than wait.
        CompletableFuture.delayedExecutor(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (!ws.isInputClosed()) {
                ws.abort();
            }
        });
    }

    private CompletableFuture<JsonNode> request(String verb, ObjectNode fields, boolean ackIsAnswer) {
        String transaction = UUID.randomUUID().toString();
        ObjectNode request = JSON.createObjectNode().put("janus", verb).put("transaction", transaction);
        if (apiSecret != null) {
            request.put("apisecret", apiSecret);
        }
        request.setAll(fields);
        CompletableFuture<JsonNode> answer = pending.add(transaction, verb, ackIsAnswer, timeout);
        if (!answer.isDone()) {
            log.trace("-> {} {}", verb, transaction);
            send(request.toString()).whenComplete((ignored, error) -> {
                if (error != null) {
                    pending.fail(transaction, new IOException("cannot send '" + verb + "' to Janus", error));
                }
            });
        }
        return answer;
    }

    private CompletableFuture<Void> send(String text) {
        synchronized (sendLock) {
            CompletableFuture<Void> next = sendTail.handle((r, e) -> null).thenCompose(ignored -> {
                WebSocket ws = socket;
                if (ws == null || closed.get()) {
                    return CompletableFuture.failedFuture(new IOException("the connection to Janus is closed"));
                }
                return ws.sendText(text, true).thenApply(sent -> null);
            });
            sendTail = next;
            return next;
        }
    }

    /** Handles one complete message from Janus: the answer to a request, or something for the listener. */
    void receive(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            log.warn("ignoring a message from Janus that is not JSON ({} chars)", text.length());
            return;
        }
        if (pending.answer(message)) {
            return;
        }
        try {
            listener.onEvent(message);
        } catch (RuntimeException e) {
            log.warn("the Janus listener failed on a '{}' message", message.path("janus").asText(), e);
        }
    }

    /** The connection is gone: fail what is pending, then tell the listener, once. */
    private void lost(int code, String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        pending.failAll(new IOException("the connection to Janus closed (" + code + ")"));
        try {
            listener.onClose(code, reason);
        } catch (RuntimeException e) {
            log.warn("the Janus listener failed on close", e);
        }
    }

    /** A fresh receiver for this connection; the JDK gets one per connection. */
    Receiver receiver() {
        return new Receiver();
    }

    int pendingCount() {
        return pending.size();
    }

    private static long dataId(JsonNode answer) {
        JsonNode id = answer.path("data").path("id");
        if (!id.canConvertToLong()) {
            throw new JanusException(0, "Janus's answer carries no id");
        }
        return id.asLong();
    }

    /** Reassembles fragmented text and hands each message on; the JDK calls it one message at a time. */
    final class Receiver implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

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
                receive(text);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1); // Janus speaks text only
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            lost(statusCode, reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            lost(1006, String.valueOf(error.getMessage()));
        }
    }
}
