package dev.parley.signaling.handler;

import dev.parley.room.RoomSettings;
import dev.parley.room.RoomSettingsStore;
import dev.parley.security.PasswordHasher;
import dev.parley.signaling.ErrorCode;
import dev.parley.signaling.Message.Join;
import dev.parley.signaling.ProtocolException;
import dev.parley.signaling.Session;
import dev.parley.signaling.TokenBucket;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may enter a protected room: the moderator always; others only while it is unlocked and with
 * its password. Password guesses are limited per client address, so reconnecting does not reset them.
 */
public final class RoomGate {
    /** Five guesses at once, then one every twelve seconds. */
    private static final int GUESS_BURST = 5;
    private static final double GUESSES_PER_SECOND = 1.0 / 12;
    private static final int MAX_TRACKED_ADDRESSES = 10_000;

    private final RoomSettingsStore store;
    private final InstantSource clock;
    private final Map<String, TokenBucket> guesses = new ConcurrentHashMap<>();

    public RoomGate(RoomSettingsStore store, InstantSource clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Checks a fresh join; returns whether the joiner is the room's moderator. */
    boolean admit(Session session, Join join) throws ProtocolException {
        Optional<RoomSettings> found = store.find(join.room());
        if (found.isEmpty()) {
            return false;
        }
        RoomSettings room = found.get();
        if (isModerator(room, join)) {
            return true;
        }
        if (room.locked()) {
            throw new ProtocolException(ErrorCode.ROOM_LOCKED, "the meeting is locked; new people can't join");
        }
        if (room.passwordHash() != null) {
            if (join.password() == null || join.password().isEmpty()) {
                throw new ProtocolException(ErrorCode.PASSWORD_REQUIRED, "this meeting needs a password");
            }
            if (!budget(session.address()).tryTake(clock.millis())) {
                throw new ProtocolException(ErrorCode.RATE_LIMITED, "too many password attempts; wait a minute");
            }
            if (!PasswordHasher.verify(join.password(), room.passwordHash())) {
                throw new ProtocolException(ErrorCode.BAD_PASSWORD, "wrong password");
            }
        }
        return false;
    }

    /** A resume needs no password (its token proves an earlier admission), but a removal still stands. */
    boolean readmit(Join join, String participantId) throws ProtocolException {
        Optional<RoomSettings> room = store.find(join.room());
        if (room.isPresent() && room.get().removed().contains(participantId)) {
            throw new ProtocolException(ErrorCode.REMOVED, "a moderator removed you from this meeting");
        }
        return room.isPresent() && isModerator(room.get(), join);
    }

    private static boolean isModerator(RoomSettings room, Join join) {
        return join.moderatorKey() != null && PasswordHasher.verify(join.moderatorKey(), room.moderatorKeyHash());
    }

    private TokenBucket budget(String address) {
        if (guesses.size() > MAX_TRACKED_ADDRESSES) {
            guesses.clear();
        }
        return guesses.computeIfAbsent(address, a -> new TokenBucket(GUESSES_PER_SECOND, GUESS_BURST, clock.millis()));
    }
}
