package dev.parley.signaling.handler;

import static dev.parley.signaling.handler.HandlerFixture.OTHER_ROOM;
import static dev.parley.signaling.handler.HandlerFixture.ROOM;
import static dev.parley.signaling.handler.HandlerFixture.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.signaling.ErrorCode;
import dev.parley.signaling.Message.Signal;
import dev.parley.signaling.ProtocolException;
import dev.parley.signaling.Session;
import dev.parley.support.RecordingTransport;
import org.junit.jupiter.api.Test;

class SignalHandlerTest {
    private final HandlerFixture f = new HandlerFixture();
    private final SignalHandler handler = new SignalHandler(f.rooms, f.codec);
    private final JsonNode offer = new ObjectMapper().createObjectNode().set("description",
            new ObjectMapper().createObjectNode().put("type", "offer").put("sdp", "v=0"));

    @Test
    void theSignalReachesTheTargetStampedWithTheTrueSender() throws Exception {
        RecordingTransport a = new RecordingTransport();
        RecordingTransport b = new RecordingTransport();
        Session sa = f.joined(a, ROOM, "A");
        Session sb = f.joined(b, ROOM, "B");
        a.clear();

        handler.handle(sa, new Signal(id(sb), id(sb), offer));

        JsonNode delivered = b.last();
        assertThat(delivered.path("from").asText()).isEqualTo(id(sa));
        assertThat(delivered.path("to").asText()).isEqualTo(id(sb));
        assertThat(delivered.path("data")).isEqualTo(offer);
        assertThat(a.messages()).isEmpty();
    }

    @Test
    void aParticipantOfAnotherRoomIsUnknown() throws Exception {
        Session sa = f.joined(new RecordingTransport(), ROOM, "A");
        RecordingTransport elsewhere = new RecordingTransport();
        Session sx = f.joined(elsewhere, OTHER_ROOM, "X");
        assertThatThrownBy(() -> handler.handle(sa, new Signal(null, id(sx), offer)))
                .extracting(e -> ((ProtocolException) e).code()).isEqualTo(ErrorCode.UNKNOWN_PEER);
        assertThat(elsewhere.messages()).isEmpty();
    }

    @Test
    void signallingOneselfOrNobodyIsRefused() throws Exception {
        Session sa = f.joined(new RecordingTransport(), ROOM, "A");
        assertThatThrownBy(() -> handler.handle(sa, new Signal(null, id(sa), offer)))
                .extracting(e -> ((ProtocolException) e).code()).isEqualTo(ErrorCode.UNKNOWN_PEER);
        assertThatThrownBy(() -> handler.handle(sa, new Signal(null, "nobody", offer)))
                .extracting(e -> ((ProtocolException) e).code()).isEqualTo(ErrorCode.UNKNOWN_PEER);
    }

    @Test
    void anUnjoinedConnectionCannotSignal() {
        Session s = f.session(new RecordingTransport());
        assertThatThrownBy(() -> handler.handle(s, new Signal(null, "x", offer)))
                .extracting(e -> ((ProtocolException) e).code()).isEqualTo(ErrorCode.NOT_JOINED);
    }
}
