package dev.parley.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.signaling.Session;
import java.util.ArrayList;
import java.util.List;

/** A socket stand-in that keeps what was sent to it. */
public final class RecordingTransport implements Session.Transport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<String> sent = new ArrayList<>();
    private Integer closeCode;

    @Override
    public synchronized void send(String text) {
        sent.add(text);
    }

    @Override
    public synchronized void close(int code, String reason) {
        closeCode = code;
    }

    public synchronized List<JsonNode> messages() {
        return sent.stream().map(RecordingTransport::parse).toList();
    }

    /** The last message sent, parsed. */
    public synchronized JsonNode last() {
        return parse(sent.get(sent.size() - 1));
    }

    public synchronized List<JsonNode> ofType(String type) {
        return messages().stream().filter(m -> type.equals(m.path("type").asText())).toList();
    }

    public synchronized void clear() {
        sent.clear();
    }

    public synchronized Integer closeCode() {
        return closeCode;
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("server sent invalid JSON: " + text, e);
        }
    }
}
