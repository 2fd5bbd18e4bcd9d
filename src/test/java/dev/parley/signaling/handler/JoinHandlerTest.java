package dev.parley.signaling.handler;

import static dev.parley.signaling.handler.HandlerFixture.ROOM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.signaling.ErrorCode;
import dev.parley.signaling.Message.Join;
import dev.parley.signaling.ProtocolException;
import dev.parley.signaling.Session;
import dev.parley.support.RecordingTransport;
import org.junit.jupiter.api.Test;

class JoinHandlerTest {
    private final HandlerFixture f = new HandlerFixture();

    @Test
    void theJoinerLearnsItsIdAndWhoIsThereAndTheOthersLearnOfIt() throws Exception {
        RecordingTransport ada = new RecordingTransport();
        Session adaSession = f.joined(ada, ROOM, "Ada");
        RecordingTransport grace = new RecordingTransport();
        Session graceSession = f.session(grace);

        f.join.handle(graceSession, new Join(1, ROOM, "Grace"));

        assertThat(grace.messages()).extracting(m -> m.path("type").asText()).containsExactly("joined", "chat-history");
        JsonNode joined = grace.ofType("joined").get(0);
        assertThat(joined.path("id").asText()).isEqualTo(HandlerFixture.id(graceSession)).isNotEqualTo(HandlerFixture.id(adaSession));
        assertThat(joined.path("participants")).hasSize(1);
        assertThat(joined.path("participants").get(0).path("name").asText()).isEqualTo("Ada");
        assertThat(joined.path("participants").get(0).path("audio").asBoolean()).isTrue();
        assertThat(joined.path("heartbeatMs").asLong()).isEqualTo(f.config.heartbeatInterval().toMillis());

        JsonNode announced = ada.last();
        assertThat(announced.path("type").asText()).isEqualTo("participant-joined");
        assertThat(announced.path("participant").path("name").asText()).isEqualTo("Grace");
        assertThat(announced.path("participant").path("id").asText()).isEqualTo(HandlerFixture.id(graceSession));
    }

    @Test
    void theInitialMediaStateIsAnnounced() throws Exception {
        RecordingTransport ada = new RecordingTransport();
        f.joined(ada, ROOM, "Ada");
        f.join.handle(f.session(new RecordingTransport()), new Join(1, ROOM, "Mute", false, true, null, null, null));
        JsonNode participant = ada.last().path("participant");
        assertThat(participant.path("audio").asBoolean()).isFalse();
        assertThat(participant.path("video").asBoolean()).isTrue();
        assertThat(participant.path("hand").asBoolean()).isFalse();
    }

    @Test
    void aSecondJoinOnOneConnectionIsRefused() throws Exception {
        Session s = f.joined(new RecordingTransport(), ROOM, "Ada");
        assertThatThrownBy(() -> f.join.handle(s, new Join(1, ROOM, "Ada")))
                .extracting(e -> ((ProtocolException) e).code()).isEqualTo(ErrorCode.ALREADY_JOINED);
        assertThat(f.rooms.participantCount()).isEqualTo(1);
    }

    @Test
    void aJoinRacingWithTheSocketClosingLeavesNoGhost() throws Exception {
        Session s = f.session(new RecordingTransport());
        s.markClosed();
        f.join.handle(s, new Join(1, ROOM, "Ada"));
        assertThat(f.rooms.participantCount()).isZero();
    }
}
