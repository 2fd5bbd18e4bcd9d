package dev.parley.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.support.TestServer;
import dev.parley.support.WsClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
    private static final String ROOM = "0f8e9c3a-5b1d-4c2e-9a7f-3d6b8e1c2a4f";

    @Test
    void trafficRoomsAndErrorsShowUpInThePrometheusText() {
        TestServer.with(parley -> {
            try (WsClient a = WsClient.connect(TestServer.ws(parley, "/ws"));
                    WsClient b = WsClient.connect(TestServer.ws(parley, "/ws"))) {
                for (WsClient c : new WsClient[] {a, b}) {
                    c.send(Map.of("type", "join", "version", 1, "room", ROOM, "name", "x"));
                    c.next("joined");
                    c.next("chat-history");
                }
                a.next("participant-joined");
                String bId = b.send("{\"type\":\"ping\"}").next("pong").path("type").asText();
                assertThat(bId).isEqualTo("pong");
                a.send("{\"type\":\"teleport\"}").next("error");
                a.send("{\"type\":\"made-up-" + "x".repeat(10) + "\"}").next("error");

                String text = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(TestServer.http(parley, "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertThat(text)
                        .contains("parley_connections{endpoint=\"ws\"} 2.0")
                        .contains("parley_rooms 1.0")
                        .contains("parley_participants 2.0")
                        .contains("parley_messages_in_total{endpoint=\"ws\",type=\"join\"} 2.0")
                        .contains("parley_messages_out_total{endpoint=\"ws\",type=\"joined\"} 2.0")
                        .contains("parley_messages_out_total{endpoint=\"ws\",type=\"participant-joined\"} 1.0")
                        .contains("parley_errors_total{code=\"unknown-type\",endpoint=\"ws\"} 2.0")
                        .contains("parley_relay_latency_seconds_count{endpoint=\"peerjs\"}")
                        .contains("jvm_memory_used_bytes")
                        .contains("process_cpu_time_ns_total")
                        .doesNotContain("teleport");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }
}
