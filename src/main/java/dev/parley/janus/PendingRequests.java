package dev.parley.janus;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Requests sent to Janus and not answered yet, by transaction, and the rule for which incoming message
 * answers which. Janus answers most requests with {@code success}; a plugin {@code message} gets an
 * {@code ack} first and its answer later as an {@code event} with the same transaction (unless the
 * plugin answers at once with {@code success}); a {@code keepalive} is answered by the {@code ack} itself.
 */
final class PendingRequests {
    private record Pending(String verb, boolean ackIsAnswer, CompletableFuture<JsonNode> future) {}

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    /** Completes answered futures, so callers' continuations never run on (and stall) the receiving thread. */
    private final Executor completions;
    private volatile IOException closed;

    PendingRequests(Executor completions) {
        this.completions = completions;
    }

    /** Registers a request about to be sent; its future fails with a TimeoutException after {@code timeout}. */
    CompletableFuture<JsonNode> add(String transaction, String verb, boolean ackIsAnswer, Duration timeout) {
        Pending entry = new Pending(verb, ackIsAnswer, new CompletableFuture<>());
        pending.put(transaction, entry);
        entry.future().whenComplete((answer, error) -> pending.remove(transaction, entry));
        CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(() ->
                entry.future().completeExceptionally(new TimeoutException(
                        "Janus did not answer '" + verb + "' within " + timeout.toMillis() + " ms")));
        IOException cause = closed;
        if (cause != null) { // closed while this was being added: failAll may have missed it
            entry.future().completeExceptionally(cause);
        }
        return entry.future();
    }

    /**
     * Completes the request this message answers, if any: false when the message answers nothing and
     * belongs to the listener. An {@code ack} that only announces a later event is consumed silently.
     */
    boolean answer(JsonNode message) {
        JsonNode transaction = message.get("transaction");
        if (transaction == null || !transaction.isTextual()) {
            return false;
        }
        Pending entry = pending.get(transaction.textValue());
        if (entry == null) {
            return false;
        }
        switch (message.path("janus").asText("")) {
            case "ack" -> {
                if (!entry.ackIsAnswer()) {
                    return true;
                }
            }
            case "success", "event", "error" -> {
                // a final answer
            }
            default -> {
                return false;
            }
        }
        if (!pending.remove(transaction.textValue(), entry)) {
            return false; // timed out meanwhile
        }
        JanusException refusal = refusal(message);
        completions.execute(() -> {
            if (refusal != null) {
                entry.future().completeExceptionally(refusal);
            } else {
                entry.future().complete(message);
            }
        });
        return true;
    }

    /** Fails the one request, for instance when it could not be sent. */
    void fail(String transaction, Throwable cause) {
        Pending entry = pending.remove(transaction);
        if (entry != null) {
            entry.future().completeExceptionally(cause);
        }
    }

    /** Fails every pending request and every later one; the connection is gone. */
    void failAll(IOException cause) {
        closed = cause;
        for (String transaction : pending.keySet()) {
            fail(transaction, cause);
        }
    }

    int size() {
        return pending.size();
    }

    /** The error in a Janus {@code error} answer, or in a plugin's data ({@code error_code}, {@code error}). */
    static JanusException refusal(JsonNode message) {
        if ("error".equals(message.path("janus").asText())) {
            JsonNode error = message.path("error");
            return new JanusException(error.path("code").asInt(0), error.path("reason").asText("unknown error"));
        }
        JsonNode data = message.path("plugindata").path("data");
        if (data.has("error_code") || data.has("error")) {
            return new JanusException(data.path("error_code").asInt(0), data.path("error").asText("unknown error"));
        }
        return null;
    }
}
