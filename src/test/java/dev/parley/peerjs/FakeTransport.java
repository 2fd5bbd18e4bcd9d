package dev.parley.peerjs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** A socket stand-in that records what was sent and can play dead. */
final class FakeTransport implements Transport {
    private final List<String> sent = new ArrayList<>();
    private boolean open = true;
    private Integer closeCode;

    @Override
    public synchronized boolean send(String text) {
        if (!open) {
            return false;
        }
        sent.add(text);
        return true;
    }

    @Override
    public synchronized void close(int code, String reason) {
        if (closeCode == null) {
            closeCode = code;
        }
        open = false;
    }

    /** The socket went away without the server having seen its close yet. */
    synchronized void die() {
        open = false;
    }

    synchronized List<String> texts() {
        return List.copyOf(sent);
    }

    synchronized List<JsonNode> messages() {
        return sent.stream().map(FakeTransport::parse).toList();
    }

    synchronized List<String> types() {
        return messages().stream().map(m -> m.path("type").asText()).toList();
    }

    synchronized JsonNode last() {
        return parse(sent.get(sent.size() - 1));
    }

    synchronized void clear() {
        sent.clear();
    }

    synchronized Integer closeCode() {
        return closeCode;
    }

    private static JsonNode parse(String text) {
        try {
            return PeerSocket.JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("server sent invalid JSON: " + text, e);
        }
    }
}
