package dev.parley.signaling.handler;

import static dev.parley.signaling.handler.HandlerFixture.OTHER_ROOM;
import static dev.parley.signaling.handler.HandlerFixture.ROOM;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.room.RoomSettings;
import dev.parley.security.PasswordHasher;
import dev.parley.signaling.HostlessLocks;
import dev.parley.signaling.Message.Join;
import dev.parley.signaling.Message.Moderate;
import dev.parley.signaling.Session;
import dev.parley.support.RecordingTransport;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A lock needs a host: once a locked room has been without one for the grace, it unlocks. */
class HostlessLocksTest {
    private static final String KEY = "host-key";

    private final HandlerFixture f = new HandlerFixture();
    private final RoomAnnouncer announcer = new RoomAnnouncer(f.rooms, f.codec);
    private final ModerateHandler moderate = new ModerateHandler(announcer, f.presence, f.settings);
    private final RecordingTransport guest = new RecordingTransport();

    private Session host() throws Exception {
        Session host = f.session(new RecordingTransport());
        f.join.handle(host, new Join(1, ROOM, "Host", true, true, null, null, KEY));
        return host;
    }

    private Session lockedWithHostAndGuest() throws Exception {
        f.settings.put(ROOM, new RoomSettings(null, PasswordHasher.hash(KEY), false, Set.of(), 0, false));
        Session host = host();
        f.joined(guest, ROOM, "Guest");
        moderate.handle(host, new Moderate("lock", null));
        guest.clear();
        return host;
    }

    private void later(Duration by) {
        f.tokenClock.advance(by);
        f.locks.release();
    }

    @Test
    void aLockLiftsOnceItsHostHasBeenGoneForTheGrace() throws Exception {
        f.presence.depart(lockedWithHostAndGuest(), "left");
        later(Duration.ZERO);
        later(HostlessLocks.GRACE.minusSeconds(1));
        assertThat(f.settings.lockedRooms()).as("within the grace").containsExactly(ROOM);
        later(Duration.ofSeconds(2));
        assertThat(f.settings.lockedRooms()).isEmpty();
        assertThat(guest.last().path("type").asText()).isEqualTo("room-state");
        assertThat(guest.last().path("locked").asBoolean()).isFalse();
    }

    @Test
    void aHostWhoReloadsWithinTheGraceKeepsTheMeetingLocked() throws Exception {
        f.presence.depart(lockedWithHostAndGuest(), "left");
        later(Duration.ofSeconds(10));
        host();
        later(HostlessLocks.GRACE.multipliedBy(2));
        assertThat(f.settings.lockedRooms()).containsExactly(ROOM);
        assertThat(guest.ofType("room-state")).isEmpty();
    }

    @Test
    void afterARestartALockWhoseHostNeverCameBackLiftsAndOneWithItsHostStays() throws Exception {
        // Both rooms locked before the restart; afterwards only ROOM's host has come back.
        RecordingTransport other = new RecordingTransport();
        f.joined(other, OTHER_ROOM, "Other");
        f.settings.put(ROOM, new RoomSettings(null, PasswordHasher.hash(KEY), true, Set.of(), 0, false));
        f.settings.put(OTHER_ROOM, new RoomSettings(null, PasswordHasher.hash("other-key"), true, Set.of(), 0, false));
        host();
        later(Duration.ZERO);
        later(HostlessLocks.GRACE.plusSeconds(1));
        assertThat(f.settings.lockedRooms()).containsExactly(ROOM);
        assertThat(other.last().path("type").asText()).isEqualTo("room-state");
        assertThat(other.last().path("locked").asBoolean()).isFalse();
    }
}
