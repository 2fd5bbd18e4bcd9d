package dev.parley.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The STUN/TURN and HTTPS settings, from flags and from the environment (a flag wins over its variable). */
class IceAndTlsConfigTest {

    private static ParleyConfig parse(Map<String, String> env, String... args) {
        return ParleyConfig.parse(args, env);
    }

    // ---- ICE ----

    @Test
    void byDefaultNoIceServersAndNoTls() {
        ParleyConfig config = parse(Map.of());
        assertThat(config.ice()).isEqualTo(IceConfig.none());
        assertThat(config.ice().turnTtl()).isEqualTo(Duration.ofHours(6));
        assertThat(config.tls()).isEqualTo(TlsConfig.off());
    }

    @Test
    void iceFlagsAreRead() {
        IceConfig ice = parse(Map.of(),
                "--stun-url", "stun:stun.example.org:3478",
                "--turn-url", "turn:turn.example.org:3478?transport=udp",
                "--turn-url", "turns:turn.example.org:5349?transport=tcp",
                "--turn-secret", "s3cret",
                "--turn-ttl", "600",
                "--ice-relay-only").ice();
        assertThat(ice.stunUrls()).containsExactly("stun:stun.example.org:3478");
        assertThat(ice.turnUrls()).containsExactly("turn:turn.example.org:3478?transport=udp",
                "turns:turn.example.org:5349?transport=tcp");
        assertThat(ice.turnSecret()).contains("s3cret");
        assertThat(ice.turnTtl()).isEqualTo(Duration.ofSeconds(600));
        assertThat(ice.relayOnly()).isTrue();
    }

    @Test
    void iceEnvironmentVariablesAreRead() {
        IceConfig ice = parse(Map.of(
                "PARLEY_STUN_URLS", "stun:a.example.org, stun:b.example.org:3478",
                "PARLEY_TURN_URLS", "turn:t1.example.org:3478?transport=udp,turns:t2.example.org:5349,",
                "PARLEY_TURN_SECRET", "from-env",
                "PARLEY_TURN_TTL", "120",
                "PARLEY_ICE_RELAY_ONLY", "true")).ice();
        assertThat(ice.stunUrls()).containsExactly("stun:a.example.org", "stun:b.example.org:3478");
        assertThat(ice.turnUrls()).containsExactly("turn:t1.example.org:3478?transport=udp", "turns:t2.example.org:5349");
        assertThat(ice.turnSecret()).contains("from-env");
        assertThat(ice.turnTtl()).isEqualTo(Duration.ofSeconds(120));
        assertThat(ice.relayOnly()).isTrue();
    }

    @Test
    void iceFlagsWinOverTheEnvironment() {
        Map<String, String> env = Map.of(
                "PARLEY_STUN_URLS", "stun:env.example.org",
                "PARLEY_TURN_URLS", "turn:env1.example.org,turn:env2.example.org",
                "PARLEY_TURN_SECRET", "env-secret",
                "PARLEY_TURN_TTL", "120");
        IceConfig ice = parse(env, "--turn-url", "turn:flag.example.org", "--turn-secret", "flag-secret",
                "--turn-ttl", "60", "--stun-url", "stun:flag.example.org").ice();
        // The first --turn-url replaces the whole environment list rather than adding to it.
        assertThat(ice.turnUrls()).containsExactly("turn:flag.example.org");
        assertThat(ice.stunUrls()).containsExactly("stun:flag.example.org");
        assertThat(ice.turnSecret()).contains("flag-secret");
        assertThat(ice.turnTtl()).isEqualTo(Duration.ofSeconds(60));

        IceConfig envOnly = parse(env).ice();
        assertThat(envOnly.turnUrls()).containsExactly("turn:env1.example.org", "turn:env2.example.org");
        assertThat(envOnly.relayOnly()).isFalse();
    }

    @Test
    void relayOnlyIsOffUnlessTheVariableSaysTrue() {
        Map<String, String> turn = Map.of("PARLEY_TURN_URLS", "turn:t.example.org", "PARLEY_TURN_SECRET", "s");
        assertThat(parse(with(turn, "PARLEY_ICE_RELAY_ONLY", "false")).ice().relayOnly()).isFalse();
        assertThat(parse(with(turn, "PARLEY_ICE_RELAY_ONLY", "TRUE")).ice().relayOnly()).isTrue();
        assertThat(parse(turn).ice().relayOnly()).isFalse();
    }

    @Test
    void turnWithoutASecretIsRefusedAtStart() {
        assertThatThrownBy(() -> parse(Map.of(), "--turn-url", "turn:t.example.org"))
                .hasMessageContaining("--turn-url needs --turn-secret");
    }

    @Test
    void anEmptySecretVariableMeansNoSecret() {
        assertThat(parse(Map.of("PARLEY_TURN_SECRET", "")).ice().turnSecret()).isEmpty();
    }

    @Test
    void badIceSettingsGiveReadableMessages() {
        assertThatThrownBy(() -> parse(Map.of(), "--turn-url", "http://turn.example.org"))
                .hasMessageContaining("--turn-url must start with turn: or turns:");
        assertThatThrownBy(() -> parse(Map.of(), "--stun-url", "turn:turn.example.org"))
                .hasMessageContaining("--stun-url must start with stun: or stuns:");
        assertThatThrownBy(() -> parse(Map.of(), "--turn-ttl", "0")).hasMessageContaining("--turn-ttl must be positive");
        assertThatThrownBy(() -> parse(Map.of(), "--turn-ttl", "soon")).hasMessageContaining("--turn-ttl must be a number");
        assertThatThrownBy(() -> parse(Map.of("PARLEY_TURN_TTL", "-5"))).hasMessageContaining("PARLEY_TURN_TTL must be positive");
        assertThatThrownBy(() -> parse(Map.of(), "--turn-secret")).hasMessageContaining("--turn-secret needs a value");
        // Forcing relays without any relay would make every call fail.
        assertThatThrownBy(() -> parse(Map.of(), "--ice-relay-only")).hasMessageContaining("--ice-relay-only needs at least one --turn-url");
        assertThatThrownBy(() -> parse(Map.of("PARLEY_ICE_RELAY_ONLY", "true"))).hasMessageContaining("needs at least one --turn-url");
    }

    // ---- TLS ----

    @Test
    void tlsFlagsAreRead() {
        TlsConfig tls = parse(Map.of(), "--tls", "--http-redirect-port", "8081").tls();
        assertThat(tls).isEqualTo(new TlsConfig(true, Optional.empty(), Optional.empty(), Optional.of(8081)));

        TlsConfig pem = parse(Map.of(), "--tls-cert", "/etc/parley/cert.pem", "--tls-key", "/etc/parley/key.pem").tls();
        assertThat(pem.enabled()).as("a certificate implies --tls").isTrue();
        assertThat(pem.certificate()).contains(Path.of("/etc/parley/cert.pem"));
        assertThat(pem.privateKey()).contains(Path.of("/etc/parley/key.pem"));
        assertThat(pem.redirectPort()).isEmpty();
    }

    @Test
    void tlsEnvironmentVariablesAreRead() {
        TlsConfig tls = parse(Map.of("PARLEY_TLS", "true")).tls();
        assertThat(tls.enabled()).isTrue();
        assertThat(tls.certificate()).isEmpty();

        TlsConfig pem = parse(Map.of("PARLEY_TLS_CERT", "/c.pem", "PARLEY_TLS_KEY", "/k.pem")).tls();
        assertThat(pem.enabled()).isTrue();
        assertThat(pem.certificate()).contains(Path.of("/c.pem"));
        assertThat(pem.privateKey()).contains(Path.of("/k.pem"));

        assertThat(parse(Map.of("PARLEY_TLS", "no")).tls().enabled()).isFalse();
    }

    @Test
    void tlsFlagsWinOverTheEnvironment() {
        TlsConfig tls = parse(Map.of("PARLEY_TLS_CERT", "/env/c.pem", "PARLEY_TLS_KEY", "/env/k.pem"),
                "--tls-cert", "/flag/c.pem", "--tls-key", "/flag/k.pem").tls();
        assertThat(tls.certificate()).contains(Path.of("/flag/c.pem"));
        assertThat(tls.privateKey()).contains(Path.of("/flag/k.pem"));
    }

    @Test
    void dataDirComesFromFlagOrEnvironment() {
        assertThat(parse(Map.of()).dataDir()).isEqualTo(Path.of("data"));
        assertThat(parse(Map.of("PARLEY_DATA_DIR", "/var/lib/parley")).dataDir()).isEqualTo(Path.of("/var/lib/parley"));
        assertThat(parse(Map.of("PARLEY_DATA_DIR", "/var/lib/parley"), "--data-dir", "/srv/parley").dataDir())
                .isEqualTo(Path.of("/srv/parley"));
    }

    @Test
    void badTlsSettingsGiveReadableMessages() {
        assertThatThrownBy(() -> parse(Map.of(), "--tls-cert", "/c.pem")).hasMessageContaining("--tls-cert and --tls-key go together");
        assertThatThrownBy(() -> parse(Map.of(), "--tls-key", "/k.pem")).hasMessageContaining("--tls-cert and --tls-key go together");
        assertThatThrownBy(() -> parse(Map.of("PARLEY_TLS_KEY", "/k.pem"))).hasMessageContaining("go together");
        assertThatThrownBy(() -> parse(Map.of(), "--http-redirect-port", "70000")).hasMessageContaining("between 0 and 65535");
        assertThatThrownBy(() -> parse(Map.of(), "--tls-cert")).hasMessageContaining("--tls-cert needs a value");
    }

    @Test
    void usageNamesEveryIceAndTlsFlag() {
        assertThatThrownBy(() -> parse(Map.of(), "--turn-uri", "turn:x"))
                .hasMessageContaining("unknown option --turn-uri")
                .hasMessageContaining("--stun-url").hasMessageContaining("--turn-url").hasMessageContaining("--turn-secret")
                .hasMessageContaining("--turn-ttl").hasMessageContaining("--ice-relay-only").hasMessageContaining("--tls-cert")
                .hasMessageContaining("--tls-key").hasMessageContaining("--http-redirect-port");
    }

    private static Map<String, String> with(Map<String, String> env, String key, String value) {
        java.util.HashMap<String, String> copy = new java.util.HashMap<>(env);
        copy.put(key, value);
        return copy;
    }

    // ---- values an operator may get wrong ----

    @Test
    void anEmptyTurnSecretAndInvalidUrlsFromTheEnvironmentAreRefusedAtStart() {
        assertThatThrownBy(() -> parse(Map.of(), "--turn-url", "turn:t.example.org:3478", "--turn-secret", ""))
                .hasMessageContaining("--turn-secret must not be empty");
        assertThatThrownBy(() -> parse(Map.of("PARLEY_STUN_URLS", "http://stun.example.org/")))
                .hasMessageContaining("PARLEY_STUN_URLS");
        assertThatThrownBy(() -> parse(Map.of("PARLEY_TURN_URLS", "garbage", "PARLEY_TURN_SECRET", "s")))
                .hasMessageContaining("PARLEY_TURN_URLS");
    }

    @Test
    void onOffVariablesTakeTheUsualSpellingsAndRefuseTheRest() {
        assertThat(parse(Map.of("PARLEY_TLS", "yes")).tls().enabled()).isTrue();
        assertThat(parse(Map.of("PARLEY_TLS", "1")).tls().enabled()).isTrue();
        assertThat(parse(Map.of("PARLEY_TLS", "off")).tls().enabled()).isFalse();
        assertThat(parse(Map.of("PARLEY_TLS", "")).tls().enabled()).isFalse();
        assertThatThrownBy(() -> parse(Map.of("PARLEY_TLS", "sure"))).hasMessage("PARLEY_TLS must be true or false (or 1/0, yes/no, on/off), got 'sure'");
    }

    @Test
    void aRedirectPortNeedsTlsAndAPortOfItsOwn() {
        assertThatThrownBy(() -> parse(Map.of(), "--http-redirect-port", "8081")).hasMessageContaining("needs --tls");
        assertThatThrownBy(() -> parse(Map.of(), "--tls", "--port", "8443", "--http-redirect-port", "8443"))
                .hasMessageContaining("must differ from --port");
        assertThat(parse(Map.of(), "--tls", "--http-redirect-port", "8081").tls().redirectPort()).contains(8081);
    }

    @Test
    void anOptionWhereAValueBelongsIsAForgottenValue() {
        assertThatThrownBy(() -> parse(Map.of(), "--data-dir", "--tls")).hasMessage("--data-dir needs a value");
        assertThat(parse(Map.of(), "--turn-url", "turn:t.example.org", "--turn-secret", "--not-an-option").ice().turnSecret())
                .contains("--not-an-option");
    }

    @Test
    void helpListsEveryOptionOnALineOfItsOwn() {
        assertThat(ParleyConfig.help().lines()).contains("  --port N", "  --tls-cert PEM", "  --sfu", "  --help");
        assertThatThrownBy(() -> parse(Map.of(), "--port", "9000", "--help")).isInstanceOf(ParleyConfig.HelpRequested.class);
        assertThat(parse(Map.of(), "--turn-url", "turn:t.example.org", "--turn-secret", "-h").ice().turnSecret())
                .as("a value that looks like -h").contains("-h");
    }
}
