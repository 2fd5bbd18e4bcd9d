package dev.parley.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParleyConfigTest {
    @Test
    void defaultsBindAllInterfacesOnPort8080() {
        ParleyConfig config = ParleyConfig.parse(new String[0], Map.of());
        assertThat(config.http().host()).isEqualTo("0.0.0.0");
        assertThat(config.http().port()).isEqualTo(8080);
        assertThat(config.http().devMode()).isFalse();
        assertThat(config.signaling()).isEqualTo(SignalingConfig.defaults());
    }

    @Test
    void portComesFromTheEnvironmentAndTheFlagWins() {
        assertThat(ParleyConfig.parse(new String[0], Map.of("PORT", "9000")).http().port()).isEqualTo(9000);
        assertThat(ParleyConfig.parse(new String[] {"--port", "9001"}, Map.of("PORT", "9000")).http().port())
                .isEqualTo(9001);
    }

    @Test
    void hostAndHeartbeatCanBeSet() {
        ParleyConfig config = ParleyConfig.parse(
                new String[] {"--host", "127.0.0.1", "--heartbeat-interval", "200", "--heartbeat-timeout", "700"}, Map.of());
        assertThat(config.http().host()).isEqualTo("127.0.0.1");
        assertThat(config.signaling().heartbeatInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.signaling().heartbeatTimeout()).isEqualTo(Duration.ofMillis(700));
    }

    @Test
    void badFlagsGiveReadableMessages() {
        assertThatThrownBy(() -> ParleyConfig.parse(new String[] {"--port", "http"}, Map.of()))
                .hasMessageContaining("--port must be a number");
        assertThatThrownBy(() -> ParleyConfig.parse(new String[] {"--port", "70000"}, Map.of()))
                .hasMessageContaining("between 0 and 65535");
        assertThatThrownBy(() -> ParleyConfig.parse(new String[] {"--port"}, Map.of()))
                .hasMessageContaining("needs a value");
        assertThatThrownBy(() -> ParleyConfig.parse(new String[] {"--wat"}, Map.of()))
                .hasMessageContaining("unknown option --wat");
        assertThatThrownBy(() -> ParleyConfig.parse(new String[0], Map.of("PORT", "x")))
                .hasMessageContaining("PORT must be a number");
        assertThatThrownBy(() -> ParleyConfig.parse(
                new String[] {"--heartbeat-interval", "500", "--heartbeat-timeout", "500"}, Map.of()))
                .hasMessageContaining("longer than");
    }
}
