package dev.parley.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A Janus that cannot make Parley's rooms (here, as with Janus's stock VideoRoom configuration, which
 * numbers its rooms) is found when Parley connects: the SFU is never offered, and calls stay peer to
 * peer from the start instead of failing at the first one.
 */
class JanusRoomCheckTest extends ScriptedSfuTest {
    @Override
    void beforeParleyStarts() {
        janus.refuseRooms(id -> true, 430, "Invalid element type (room should be a positive integer)");
    }

    @Override
    void awaitParleyReady() {
        await("Parley tries a room on the scripted Janus", () -> janus.requests().stream()
                .anyMatch(r -> r.janus().equals("message") && r.request().equals("create")));
        holds("Parley does not offer the SFU", Duration.ofMillis(300), () -> !parley.sfu().orElseThrow().available());
    }

    @Test
    void aJanusThatCannotMakeParleysRoomsLeavesEveryCallPeerToPeer() {
        Person ada = join("Ada");
        assertThat(ada.next("joined").path("mode").asText()).isEqualTo("mesh");
        holds("no media-mode and no error", Duration.ofMillis(300),
                () -> ada.all("media-mode").isEmpty() && ada.all("error").isEmpty());
        assertThat(janus.requests()).filteredOn(r -> r.janus().equals("message") && r.request().equals("create"))
                .as("only the check asked for a room").hasSize(1);
    }
}
