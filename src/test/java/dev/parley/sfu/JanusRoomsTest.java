package dev.parley.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.janus.JanusException;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Which failed creations of a Janus room keep a call off the SFU until it empties. */
class JanusRoomsTest {
    private final JanusRooms rooms = new JanusRooms(() -> null, 9, new byte[32]);

    @Test
    void janusSayingNoIsARefusalAtOnce() {
        assertThat(rooms.refusal("a", new CompletionException(new JanusException(433, "Unauthorized")))).isTrue();
    }

    @Test
    void noAnswerInTimeIsARefusalAtOnce() {
        // Janus alive but stuck: trying again at every reconnect would not help.
        assertThat(rooms.refusal("a", new CompletionException(new TimeoutException("no answer in 10 s")))).isTrue();
    }

    @Test
    void aLostConnectionIsARefusalOnlyTheThirdTimeForTheSameRoom() {
        IOException lost = new IOException("connection closed");
        assertThat(rooms.refusal("a", new CompletionException(lost))).isFalse();
        assertThat(rooms.refusal("a", lost)).isFalse();
        assertThat(rooms.refusal("b", lost)).as("counted per room").isFalse();
        assertThat(rooms.refusal("a", new CompletionException(lost))).isTrue();
    }

    @Test
    void anEmptiedCallStartsAfresh() {
        IOException lost = new IOException("connection closed");
        rooms.refusal("a", lost);
        rooms.refusal("a", lost);
        rooms.refuse("a");
        assertThat(rooms.refused("a")).isTrue();

        rooms.emptied("a");
        assertThat(rooms.refused("a")).isFalse();
        assertThat(rooms.refusal("a", lost)).as("the count starts again").isFalse();
        assertThat(rooms.refusal("a", lost)).isFalse();
    }
}
