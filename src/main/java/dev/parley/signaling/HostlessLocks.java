package dev.parley.signaling;

import dev.parley.room.Participant;
import dev.parley.room.Room;
import dev.parley.room.RoomRegistry;
import dev.parley.room.RoomSettingsStore;
import dev.parley.signaling.Message.RoomState;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A lock needs a host to let people in. Once a locked room has had no host for {@link #GRACE} (the last
 * one left, or after a restart never came back), it unlocks and those still in it are told. The grace
 * lets a host reload the page, or resume, without the meeting opening meanwhile.
 */
public final class HostlessLocks {
    /** How long a locked room may be without a host before the lock lifts. */
    public static final Duration GRACE = Duration.ofSeconds(30);

    private final RoomRegistry rooms;
    private final RoomSettingsStore settings;
    private final MessageCodec codec;
    private final InstantSource clock;
    /** Locked rooms seen without a host, and since when. */
    private final Map<String, Long> hostlessSince = new ConcurrentHashMap<>();

    public HostlessLocks(RoomRegistry rooms, RoomSettingsStore settings, MessageCodec codec, InstantSource clock) {
        this.rooms = rooms;
        this.settings = settings;
        this.codec = codec;
        this.clock = clock;
    }

    /** A host left a room: the grace starts now if no other host is there. */
    void hostLeft(String roomId) {
        if (!hasHost(rooms.find(roomId))) {
            hostlessSince.putIfAbsent(roomId, clock.millis());
        }
    }

    /** Lifts the locks of rooms without a host for longer than the grace; run every few seconds. */
    public void release() {
        long now = clock.millis();
        Set<String> locked = Set.copyOf(settings.lockedRooms());
        hostlessSince.keySet().retainAll(locked);
        for (String roomId : locked) {
            Optional<Room> room = rooms.find(roomId);
            if (hasHost(room)) {
                hostlessSince.remove(roomId);
            } else if (now - hostlessSince.computeIfAbsent(roomId, id -> now) >= GRACE.toMillis()) {
                hostlessSince.remove(roomId);
                settings.update(roomId, s -> s.withLocked(false));
                room.ifPresent(r -> r.broadcast(codec.encode(new RoomState(false)), null));
            }
        }
    }

    private static boolean hasHost(Optional<Room> room) {
        return room.map(r -> r.participants().stream().anyMatch(Participant::moderator)).orElse(false);
    }
}
