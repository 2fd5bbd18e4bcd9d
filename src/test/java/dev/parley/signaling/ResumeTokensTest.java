package dev.parley.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.support.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resume tokens: signed, for one room, until they expire, and once only, even across restarts. */
class ResumeTokensTest {
    private static final String ROOM = "0f8e9c3a-5b1d-4c2e-9a7f-3d6b8e1c2a4f";
    private static final byte[] SECRET = new byte[32];

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();

    private ResumeTokens start() {
        return new ResumeTokens(SECRET, clock, Duration.ofHours(1), dir.resolve("used-resume-tokens"));
    }

    @Test
    void aTokenWorksOnceForItsRoomUntilItExpires() {
        ResumeTokens tokens = start();
        String token = tokens.issue("p1", ROOM);
        assertThat(tokens.redeem(token, "11111111-2222-3333-4444-555555555555")).as("another room").isEmpty();
        // One character of the signature changed (the first: the last one also holds padding bits).
        int mac = token.lastIndexOf('.') + 1;
        String forged = token.substring(0, mac) + (token.charAt(mac) == 'A' ? 'B' : 'A') + token.substring(mac + 1);
        assertThat(tokens.redeem(forged, ROOM)).as("a forged signature").isEmpty();
        assertThat(tokens.redeem(token, ROOM)).contains(new ResumeTokens.Claim("p1", ROOM));
        assertThat(tokens.redeem(token, ROOM)).as("the second time").isEmpty();
        String late = tokens.issue("p2", ROOM);
        clock.advance(Duration.ofHours(1).plusSeconds(1));
        assertThat(tokens.redeem(late, ROOM)).as("expired").isEmpty();
    }

    @Test
    void aUsedTokenStaysUsedAfterARestartAndAnUnusedOneStillWorks() throws Exception {
        ResumeTokens before = start();
        String used = before.issue("p1", ROOM);
        String unused = before.issue("p2", ROOM);
        assertThat(before.redeem(used, ROOM)).isPresent();

        ResumeTokens after = start();
        assertThat(after.redeem(used, ROOM)).as("a used token after a restart").isEmpty();
        assertThat(after.redeem(unused, ROOM)).contains(new ResumeTokens.Claim("p2", ROOM));

        // Once their tokens have expired, burnt nonces are no longer kept.
        clock.advance(Duration.ofHours(2));
        start();
        assertThat(Files.readString(dir.resolve("used-resume-tokens"))).isEmpty();
    }
}
