package dev.parley.janus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.janus.JanusTesting.Recorder;
import java.lang.reflect.Proxy;
import java.net.http.WebSocket;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The receiving side without a network: fragments, routing to the listener, and the single close. */
class JanusConnectionReceiveTest {
    private final AtomicInteger requested = new AtomicInteger();
    /** Counts request(n) calls; every other method does nothing. */
    private final WebSocket socket = (WebSocket) Proxy.newProxyInstance(WebSocket.class.getClassLoader(),
            new Class<?>[] {WebSocket.class}, (proxy, method, args) -> {
                if (method.getName().equals("request")) {
                    requested.addAndGet(((Long) args[0]).intValue());
                }
                return method.getReturnType() == boolean.class ? false : null;
            });
    private final Recorder events = new Recorder();
    private final JanusConnection connection = new JanusConnection("secret", events, JanusConnection.DEFAULT_TIMEOUT);

    @Test
    void aMessageInFragmentsIsReassembledBeforeItIsRead() {
        WebSocket.Listener receiver = connection.receiver();
        receiver.onOpen(socket);
        receiver.onText(socket, "{\"janus\":\"webrt", false);
        receiver.onText(socket, "cup\",\"session_id\":1,", false);
        assertThat(events.events).isEmpty();
        receiver.onText(socket, "\"sender\":2}", true);
        receiver.onText(socket, "{\"janus\":\"hangup\",\"sender\":2,\"reason\":\"DTLS alert\"}", true);

        assertThat(events.events).extracting(m -> m.path("janus").asText()).containsExactly("webrtcup", "hangup");
        JsonNode first = events.events.peek();
        assertThat(first.path("sender").asLong()).isEqualTo(2);
        assertThat(requested.get()).as("one more message asked for after each fragment, and at open").isEqualTo(5);
    }

    @Test
    void whatIsNotJsonIsDroppedAndAFailingListenerDoesNotStopTheNextMessage() {
        JanusConnection touchy = new JanusConnection(null, new JanusListener() {
            private int seen;

            @Override
            public void onEvent(JsonNode message) {
                if (seen++ == 0) {
                    throw new IllegalStateException("listener bug");
                }
                events.onEvent(message);
            }
        }, JanusConnection.DEFAULT_TIMEOUT);
        touchy.receive("not json {");
        touchy.receive("{\"janus\":\"media\",\"type\":\"audio\",\"receiving\":true}");
        touchy.receive("{\"janus\":\"slowlink\",\"uplink\":true}");
        assertThat(events.events).extracting(m -> m.path("janus").asText()).containsExactly("slowlink");
    }

    @Test
    void theListenerHearsOfTheCloseOnceHoweverItHappens() {
        WebSocket.Listener receiver = connection.receiver();
        receiver.onOpen(socket);
        receiver.onError(socket, new java.io.IOException("reset"));
        receiver.onClose(socket, 1000, "");
        connection.close();
        assertThat(events.closes.get()).isEqualTo(1);
        assertThat(events.closeCode).isEqualTo(1006);
        assertThat(connection.isOpen()).isFalse();
        assertThat(connection.createSession()).isCompletedExceptionally();
    }
}
