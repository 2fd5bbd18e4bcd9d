package dev.parley.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.parley.config.IceConfig;
import dev.parley.support.MutableClock;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * TURN REST API credentials (what coturn checks with {@code use-auth-secret}) against values computed
 * outside this code: fixed vectors made with {@code openssl dgst -sha1 -hmac SECRET -binary | base64}, the
 * RFC 2202 HMAC-SHA1 test case, and, when openssl is installed, a fresh openssl run.
 */
class TurnCredentialsTest {

    /**
     * Computed once with: {@code printf '%s' '1795021600:q3J0xk2LmP9a' | openssl dgst -sha1 -hmac 'north-wind-42' -binary | base64}.
     * The username is the one in PROTOCOL.md's "joined" example.
     */
    private static final String VECTOR_SECRET = "north-wind-42";
    private static final String VECTOR_USERNAME = "1795021600:q3J0xk2LmP9a";
    private static final String VECTOR_CREDENTIAL = "Dg8XtkbqEJOX+/oJO2T5quYiV1Q=";

    /** The same way, with a non-ASCII secret (UTF-8 bytes): {@code ... -hmac 'sécret' ...} over '1700000000:Zx81LmQa0c1B'. */
    private static final String UTF8_SECRET = "sécret";
    private static final String UTF8_USERNAME = "1700000000:Zx81LmQa0c1B";
    private static final String UTF8_CREDENTIAL = "cYeOrXg3AzsMIsMR6KowWobNJmY=";

    @Test
    void credentialMatchesAFixedVectorComputedWithOpenssl() {
        assertThat(TurnCredentials.password(VECTOR_SECRET, VECTOR_USERNAME)).isEqualTo(VECTOR_CREDENTIAL);
        assertThat(TurnCredentials.password(UTF8_SECRET, UTF8_USERNAME)).isEqualTo(UTF8_CREDENTIAL);
    }

    @Test
    void credentialMatchesRfc2202TestCase2() {
        // RFC 2202 section 3, test case 2: key "Jefe", data "what do ya want for nothing?",
        // digest 0xeffcdf6ae5eb2fa2d27416d5f184df9c259a7c79.
        byte[] digest = hex("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
        assertThat(TurnCredentials.password("Jefe", "what do ya want for nothing?"))
                .isEqualTo(Base64.getEncoder().encodeToString(digest));
    }

    @Test
    void credentialMatchesAFreshOpensslRunWhenOpensslIsInstalled() throws Exception {
        Optional<Path> openssl = onPath("openssl");
        // Without openssl the fixed vectors above still hold; this check then shows as skipped.
        assumeTrue(openssl.isPresent(), "openssl is not on PATH");
        String secret = "s3cr3t-" + System.nanoTime();
        String username = (System.currentTimeMillis() / 1000 + 3600) + ":Ab3dEf6hIj9k";
        assertThat(TurnCredentials.password(secret, username)).isEqualTo(opensslCredential(openssl.get(), secret, username));
    }

    @Test
    void usernameIsExpiryColonParticipant() {
        assertThat(TurnCredentials.username(1795021600L, "q3J0xk2LmP9a")).isEqualTo(VECTOR_USERNAME);
    }

    // ---- IceServers: what each participant is handed ----

    private static final Duration TTL = Duration.ofSeconds(900);

    @Test
    void turnEntriesCarryCredentialsThatExpireAfterTheTtl() {
        MutableClock clock = new MutableClock();
        IceConfig config = new IceConfig(List.of("stun:stun.example.org:3478"),
                List.of("turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:5349?transport=tcp"),
                Optional.of(VECTOR_SECRET), TTL, false);
        IceServers ice = new IceServers(config, clock);

        List<IceServers.Server> servers = ice.forParticipant("q3J0xk2LmP9a");
        long expiry = clock.instant().getEpochSecond() + TTL.toSeconds();
        assertThat(servers).hasSize(2);
        assertThat(servers.get(0)).isEqualTo(new IceServers.Server(List.of("stun:stun.example.org:3478"), null, null));
        IceServers.Server turn = servers.get(1);
        assertThat(turn.urls()).containsExactly("turn:turn.example.org:3478?transport=udp",
                "turns:turn.example.org:5349?transport=tcp");
        assertThat(turn.username()).isEqualTo(expiry + ":q3J0xk2LmP9a");
        assertThat(turn.credential()).isEqualTo(TurnCredentials.password(VECTOR_SECRET, turn.username()));
        assertThat(ice.transportPolicy()).isEqualTo("all");

        // Each call is fresh: later, the expiry moves with the clock; another participant gets its own name.
        clock.advance(Duration.ofSeconds(100));
        IceServers.Server later = ice.forParticipant("q3J0xk2LmP9a").get(1);
        assertThat(later.username()).isEqualTo((expiry + 100) + ":q3J0xk2LmP9a");
        assertThat(later.credential()).isNotEqualTo(turn.credential());
        assertThat(ice.forParticipant("Zx81LmQa0c1B").get(1).username()).isEqualTo((expiry + 100) + ":Zx81LmQa0c1B");
    }

    @Test
    void credentialsAtAKnownInstantMatchTheOpensslVector() {
        // 1795021600 - 21600 (the default six hours) = 1795000000 = 2026-11-18T11:06:40Z
        MutableClock clock = new MutableClock();
        clock.advance(Duration.between(clock.instant(), java.time.Instant.ofEpochSecond(1795000000L)));
        IceConfig config = new IceConfig(List.of(), List.of("turn:turn.example.org:3478?transport=udp"),
                Optional.of(VECTOR_SECRET), IceConfig.DEFAULT_TURN_TTL, false);
        IceServers.Server turn = new IceServers(config, clock).forParticipant("q3J0xk2LmP9a").get(0);
        assertThat(turn.username()).isEqualTo(VECTOR_USERNAME);
        assertThat(turn.credential()).isEqualTo(VECTOR_CREDENTIAL);
    }

    @Test
    void withoutASecretTurnEntriesHaveNoCredentials() {
        IceConfig config = new IceConfig(List.of(), List.of("turn:turn.example.org:3478"), Optional.empty(), TTL, false);
        assertThat(new IceServers(config, new MutableClock()).forParticipant("p1"))
                .containsExactly(new IceServers.Server(List.of("turn:turn.example.org:3478"), null, null));
    }

    @Test
    void stunOnlyHasNoCredentials() {
        IceConfig config = new IceConfig(List.of("stun:a.example.org", "stun:b.example.org:3478"), List.of(),
                Optional.of("unused"), TTL, false);
        assertThat(new IceServers(config, new MutableClock()).forParticipant("p1"))
                .containsExactly(new IceServers.Server(List.of("stun:a.example.org", "stun:b.example.org:3478"), null, null));
    }

    @Test
    void nothingConfiguredMeansNoServersAndPolicyAll() {
        IceServers ice = new IceServers(IceConfig.none(), new MutableClock());
        assertThat(ice.forParticipant("p1")).isEmpty();
        assertThat(ice.transportPolicy()).isEqualTo("all");
    }

    @Test
    void relayOnlyMeansPolicyRelay() {
        IceConfig config = new IceConfig(List.of(), List.of("turn:127.0.0.1:3478"), Optional.of("x"), TTL, true);
        assertThat(new IceServers(config, new MutableClock()).transportPolicy()).isEqualTo("relay");
    }

    @Test
    void theSecretItselfIsNeverPartOfWhatParticipantsGet() {
        String secret = "do-not-leak-" + System.nanoTime();
        IceConfig config = new IceConfig(List.of("stun:s.example.org"), List.of("turn:t.example.org"), Optional.of(secret), TTL, true);
        assertThat(new IceServers(config, new MutableClock()).forParticipant("p1").toString()).doesNotContain(secret);
    }

    // ---- helpers ----

    private static String opensslCredential(Path openssl, String secret, String username) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(openssl.toString(), "dgst", "-sha1", "-hmac", secret, "-binary")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(username.getBytes(StandardCharsets.UTF_8));
        }
        byte[] digest = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("openssl finished").isTrue();
        assertThat(process.exitValue()).as("openssl exit code").isZero();
        assertThat(digest).as("raw HMAC-SHA1 from openssl").hasSize(20);
        return Base64.getEncoder().encodeToString(digest);
    }

    private static Optional<Path> onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(java.io.File.pathSeparator)).map(dir -> Path.of(dir, command))
                .filter(Files::isExecutable).findFirst();
    }

    private static byte[] hex(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
