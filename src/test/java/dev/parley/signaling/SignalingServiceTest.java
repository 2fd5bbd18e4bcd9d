package dev.parley.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.config.SignalingConfig;
import dev.parley.room.RoomRegistry;
import dev.parley.support.MutableClock;
import dev.parley.support.RecordingTransport;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The checks every frame passes before a handler, and heartbeat expiry, on an injected clock. */
class SignalingServiceTest {
    private static final String JOIN =
            "{\"type\":\"join\",\"version\":1,\"room\":\"0f8e9c3a-5b1d-4c2e-9a7f-3d6b8e1c2a4f\",\"name\":\"%s\"}";

    private final MutableClock clock = new MutableClock();
    private final RoomRegistry rooms = new RoomRegistry(200, 1000);
    private final SignalingConfig config = SignalingConfig.defaults();
    private final SignalingService service =
            new SignalingService(config, rooms, clock, new ResumeTokens(new byte[32], clock, Duration.ofHours(1)));

    @Test
    void aSilentParticipantIsDroppedAfterTheTimeoutAndTheOthersAreTold() {
        RecordingTransport a = new RecordingTransport();
        RecordingTransport b = new RecordingTransport();
        Session sa = service.open("a", a);
        Session sb = service.open("b", b);
        service.receive(sa, JOIN.formatted("A"));
        service.receive(sb, JOIN.formatted("B"));

        clock.advance(config.heartbeatTimeout().minusSeconds(1));
        service.receive(sa, "{\"type\":\"ping\"}");
        assertThat(service.expireSilent()).isZero();

        clock.advance(Duration.ofSeconds(2));
        assertThat(service.expireSilent()).isEqualTo(1);
        assertThat(b.closeCode()).isEqualTo(4000);
        assertThat(a.last().path("type").asText()).isEqualTo("participant-left");
        assertThat(a.last().path("reason").asText()).isEqualTo("timeout");
        assertThat(rooms.participantCount()).isEqualTo(1);
        assertThat(service.sessions()).containsExactly(sa);
    }

    @Test
    void aBurstBeyondTheBudgetIsRefusedAndTheBudgetRefills() {
        RecordingTransport t = new RecordingTransport();
        Session s = service.open("a", t);
        for (int i = 0; i < config.messageBurst(); i++) {
            service.receive(s, "{\"type\":\"ping\"}");
        }
        assertThat(t.ofType("pong")).hasSize(config.messageBurst());
        service.receive(s, "{\"type\":\"ping\"}");
        assertThat(t.last().path("code").asText()).isEqualTo("rate-limited");

        clock.advance(Duration.ofSeconds(1));
        t.clear();
        service.receive(s, "{\"type\":\"ping\"}");
        assertThat(t.last().path("type").asText()).isEqualTo("pong");
    }

    @Test
    void anOversizeFrameGetsTooLargeCountingUtf8Bytes() {
        RecordingTransport t = new RecordingTransport();
        Session s = service.open("a", t);
        // 30,000 three-byte characters: under the limit in chars, over it in bytes.
        service.receive(s, "{\"type\":\"ping\",\"pad\":\"" + "€".repeat(30_000) + "\"}");
        assertThat(t.last().path("code").asText()).isEqualTo("too-large");
        service.receive(s, "{\"type\":\"ping\",\"pad\":\"" + "€".repeat(20_000) + "\"}");
        assertThat(t.last().path("type").asText()).isEqualTo("pong");
    }

    @Test
    void closingTheSocketLeavesTheRoom() {
        RecordingTransport a = new RecordingTransport();
        Session sa = service.open("a", a);
        Session sb = service.open("b", new RecordingTransport());
        service.receive(sa, JOIN.formatted("A"));
        service.receive(sb, JOIN.formatted("B"));
        service.closed(sb, 1001);
        assertThat(a.last().path("reason").asText()).isEqualTo("closed");
        service.closed(sa, 1000);
        assertThat(rooms.roomCount()).isZero();
        assertThat(service.sessions()).isEmpty();
    }
}
