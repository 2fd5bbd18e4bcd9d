package dev.parley.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.fuzz.RawWebSocket.Event;
import dev.parley.fuzz.RawWebSocket.Text;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fuzzer's passive partner: joined to the fuzzer's room, sending only pings; whatever it receives must
 * come from the fuzzer, so a frame that leaks into the wrong hands shows up here as a violation.
 */
final class WsPartner implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RawWebSocket ws;
    private final String id;
    private final Set<String> heardFrom = ConcurrentHashMap.newKeySet();
    private final Duration wait;
    private final FuzzStats stats;
    private final Thread loop;
    private volatile boolean stopping;

    WsPartner(RawWebSocket ws, String room, Duration wait, FuzzStats stats) throws IOException {
        this.ws = ws;
        this.wait = wait;
        this.stats = stats;
        ws.sendText(Json.write(Json.Obj.of("type", "join", "version", 1, "room", room, "name", "partner")));
        JsonNode joined = read(ws.next(wait));
        if (!joined.path("type").asText().equals("joined")) {
            throw new IOException("partner could not join: " + joined);
        }
        this.id = joined.path("id").asText();
        read(ws.next(wait)); // chat-history
        this.loop = Thread.ofVirtual().name("ws-fuzz-partner").start(this::watch);
    }

    String id() {
        return id;
    }

    private JsonNode read(Event e) throws IOException {
        if (!(e instanceof Text t)) {
            throw new IOException("partner expected a message, got " + e);
        }
        return JSON.readTree(t.text());
    }

    private void watch() {
        long nextPing = 0;
        while (!stopping) {
            long now = System.nanoTime();
            if (now >= nextPing) {
                try {
                    ws.sendText("{\"type\":\"ping\"}");
                } catch (IOException e) {
                    if (!stopping) {
                        stats.violation("partner: could not send a ping: " + e);
                    }
                    return;
                }
                nextPing = now + Duration.ofSeconds(1).toNanos();
            }
            Event e = ws.next(Duration.ofMillis(200));
            if (e == null) {
                continue;
            }
            if (!(e instanceof Text t)) {
                if (!stopping) {
                    stats.violation("partner: the server ended its connection: " + e);
                }
                return;
            }
            try {
                JsonNode msg = JSON.readTree(t.text());
                String type = msg.path("type").asText();
                switch (type) {
                    case "pong" -> { }
                    case "error" -> stats.violation("partner got an error though it sent nothing wrong: " + msg);
                    case "participant-joined" -> heardFrom.add(msg.path("participant").path("id").asText());
                    case "participant-left" -> heardFrom.add(msg.path("id").asText());
                    case "signal" -> {
                        heardFrom.add(msg.path("from").asText());
                        if (!msg.path("to").asText().equals(id) || !msg.path("data").isObject()) {
                            stats.violation("partner got a malformed signal: " + FrameMutator.abbreviate(msg.toString()));
                        }
                    }
                    default -> {
                        if (msg.has("from")) {
                            heardFrom.add(msg.path("from").asText());
                        }
                    }
                }
            } catch (IOException ex) {
                stats.violation("partner got invalid JSON: " + FrameMutator.abbreviate(t.text()));
            }
        }
    }

    void check(Set<String> fuzzerIds) {
        for (String from : heardFrom) {
            if (!fuzzerIds.contains(from)) {
                stats.violation("partner heard from '" + from + "', which is none of the fuzzer's ids " + fuzzerIds);
            }
        }
        if (!ws.isOpen()) {
            stats.violation("partner's connection is gone");
        }
    }

    @Override
    public void close() {
        stopping = true;
        try {
            loop.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ws.close();
    }
}
