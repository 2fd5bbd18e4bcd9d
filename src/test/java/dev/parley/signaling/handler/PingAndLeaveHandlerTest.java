package dev.parley.signaling.handler;

import static dev.parley.signaling.handler.HandlerFixture.ROOM;
import static dev.parley.signaling.handler.HandlerFixture.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.signaling.ErrorCode;
import dev.parley.signaling.Message.Leave;
import dev.parley.signaling.Message.Ping;
import dev.parley.signaling.ProtocolException;
import dev.parley.signaling.Session;
import dev.parley.support.RecordingTransport;
import org.junit.jupiter.api.Test;

class PingAndLeaveHandlerTest {
    private final HandlerFixture f = new HandlerFixture();

    @Test
    void pingIsAnsweredWithPongEvenBeforeJoining() {
        RecordingTransport t = new RecordingTransport();
        new PingHandler(f.codec).handle(f.session(t), new Ping());
        assertThat(t.last().path("type").asText()).isEqualTo("pong");
    }

    @Test
    void leaveTellsTheOthersOnceAndFreesTheConnection() throws Exception {
        RecordingTransport a = new RecordingTransport();
        Session sa = f.joined(a, ROOM, "A");
        Session sb = f.joined(new RecordingTransport(), ROOM, "B");
        a.clear();
        LeaveHandler leave = new LeaveHandler(f.presence);

        leave.handle(sb, new Leave());
        f.presence.depart(sb, "closed");

        JsonNode left = a.last();
        assertThat(a.ofType("participant-left")).hasSize(1);
        assertThat(left.path("id").asText()).isNotEmpty();
        assertThat(left.path("reason").asText()).isEqualTo("left");
        assertThat(sb.membership()).isEmpty();
        assertThat(f.rooms.find(ROOM).orElseThrow().participants()).hasSize(1);
        assertThat(id(sa)).isNotEqualTo(left.path("id").asText());
    }

    @Test
    void leavingWithoutHavingJoinedIsRefused() {
        Session s = f.session(new RecordingTransport());
        assertThatThrownBy(() -> new LeaveHandler(f.presence).handle(s, new Leave()))
                .extracting(e -> ((ProtocolException) e).code()).isEqualTo(ErrorCode.NOT_JOINED);
    }
}
