package dev.parley.peerjs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.config.ParleyConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PeerJsFlagsTest {

    private static PeerJsConfig parse(Map<String, String> env, String... args) {
        return ParleyConfig.parse(args, env).peerjs();
    }

    @Test
    void theDefaultsArePeerServers() {
        PeerJsConfig config = parse(Map.of());
        assertThat(config).isEqualTo(PeerJsConfig.defaults());
        assertThat(config.key()).isEqualTo("peerjs");
        assertThat(config.expireTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.aliveTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.concurrentLimit()).isEqualTo(5000);
        assertThat(config.allowDiscovery()).isFalse();
        assertThat(config.maxMessageBytes()).isEqualTo(64 * 1024);
        assertThat(config.anyOrigin()).isTrue();
        assertThat(config.sweepInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void everyLimitHasAFlag() {
        PeerJsConfig config = parse(Map.of(), "--port", "0", "--peerjs-key", "k", "--peerjs-expire-timeout", "300",
                "--peerjs-alive-timeout", "900", "--peerjs-concurrent-limit", "7", "--peerjs-discovery",
                "--peerjs-max-message-bytes", "2048", "--peerjs-allowed-origins", "https://a.example/, http://localhost:3000",
                "--peerjs-max-queued-per-peer", "5", "--peerjs-max-queued-bytes", "9999", "--dev");
        assertThat(config).isEqualTo(new PeerJsConfig("k", Duration.ofMillis(300), Duration.ofMillis(900), 7, true, 2048,
                Set.of("https://a.example", "http://localhost:3000"), 5, 9999));
        assertThat(config.sweepInterval()).isEqualTo(Duration.ofMillis(60));
    }

    @Test
    void environmentVariablesSetDefaultsThatFlagsOverride() {
        Map<String, String> env = Map.of("PARLEY_PEERJS_KEY", "fromenv", "PARLEY_PEERJS_DISCOVERY", "true",
                "PARLEY_PEERJS_CONCURRENT_LIMIT", "10", "PARLEY_PEERJS_ALLOWED_ORIGINS", "https://x.example",
                "PARLEY_PEERJS_EXPIRE_TIMEOUT", "1000", "PARLEY_PEERJS_ALIVE_TIMEOUT", "2000",
                "PARLEY_PEERJS_MAX_MESSAGE_BYTES", "100", "PARLEY_PEERJS_MAX_QUEUED_PER_PEER", "3",
                "PARLEY_PEERJS_MAX_QUEUED_BYTES", "4");
        PeerJsConfig fromEnv = parse(env);
        assertThat(fromEnv).isEqualTo(new PeerJsConfig("fromenv", Duration.ofSeconds(1), Duration.ofSeconds(2), 10, true,
                100, Set.of("https://x.example"), 3, 4));
        PeerJsConfig overridden = parse(env, "--peerjs-key", "flag", "--peerjs-allowed-origins", "*");
        assertThat(overridden.key()).isEqualTo("flag");
        assertThat(overridden.anyOrigin()).isTrue();
        assertThat(parse(Map.of("PARLEY_PEERJS_DISCOVERY", "off")).allowDiscovery()).isFalse();
    }

    @Test
    void badValuesAreRefusedWithAReadableMessage() {
        assertThatThrownBy(() -> parse(Map.of(), "--peerjs-expire-timeout", "0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--peerjs-expire-timeout must be positive");
        assertThatThrownBy(() -> parse(Map.of(), "--peerjs-concurrent-limit", "many"))
                .hasMessageContaining("must be a number");
        assertThatThrownBy(() -> parse(Map.of(), "--peerjs-key"))
                .hasMessageContaining("--peerjs-key needs a value");
        assertThatThrownBy(() -> parse(Map.of(), "--peerjs-key", " "))
                .hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> parse(Map.of(), "--peerjs-allowed-origins", "app.example"))
                .hasMessageContaining("is not an origin");
        assertThatThrownBy(() -> parse(Map.of(), "--peerjs-allowed-origins", "https://app.example/path"))
                .hasMessageContaining("is not an origin");
        assertThatThrownBy(() -> parse(Map.of("PARLEY_PEERJS_DISCOVERY", "maybe")))
                .hasMessageContaining("PARLEY_PEERJS_DISCOVERY must be true or false");
        assertThatThrownBy(() -> parse(Map.of(), "--peerjs-nope"))
                .hasMessageContaining("unknown option --peerjs-nope").hasMessageContaining("--peerjs-key K");
    }

    @Test
    void originsCompareCaseInsensitively() {
        OriginPolicy policy = new OriginPolicy(PeerJsFlags.origins("https://App.Example", "test"));
        assertThat(policy.allows("https://app.example")).isTrue();
        assertThat(policy.allows("HTTPS://APP.EXAMPLE")).isTrue();
        assertThat(policy.allows("https://app.example:8443")).isFalse();
        assertThat(policy.allows(null)).isTrue();
        assertThat(policy.allowOriginHeader("https://evil.example")).isNull();
        assertThat(new OriginPolicy(Set.of()).allowOriginHeader("https://evil.example")).isEqualTo("*");
    }
}
