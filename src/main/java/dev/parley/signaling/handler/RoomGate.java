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
 * its password. Wrong guesses (of the password or the host key) are limited per client address, so
 * reconnecting does not reset them; right ones cost nothing, so people sharing an address (an office
 * network, a reverse proxy) are not turned away for each other's joins.
 */
public final class RoomGate {
    /** Five wrong guesses at once, then one every twelve seconds. */
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
        if (isModerator(session, room, join)) {
            return true;
        }
        if (room.locked()) {
            throw new ProtocolException(ErrorCode.ROOM_LOCKED, "the meeting is locked; new people can't join");
        }
        if (room.passwordHash() != null) {
            if (join.password() == null || join.password().isEmpty()) {
                throw new ProtocolException(ErrorCode.PASSWORD_REQUIRED, "this meeting needs a password");
            }
            if (!budget(session.address()).available(clock.millis())) {
                throw new ProtocolException(ErrorCode.RATE_LIMITED,
                        "too many wrong passwords or host keys from your address; wait a minute");
            }
            if (!guess(session, join.password(), room.passwordHash())) {
                throw new ProtocolException(ErrorCode.BAD_PASSWORD, "wrong password");
            }
        }
        return false;
    }

    /**
     * Checks a secret against its (deliberately slow) hash; a wrong one spends a guess of the address's
     * budget. Callers check first that a guess is left, so that neither guessing nor the hashing itself
     * can be repeated at will, while right secrets, however many at once, cost nothing.
     */
    private boolean guess(Session session, String secret, String hash) {
        boolean right = PasswordHasher.verify(secret, hash);
        if (!right) {
            budget(session.address()).tryTake(clock.millis());
        }
        return right;
    }

    /**
     * Whether the join carries the room's host key. With the address's guesses spent the key is not even
     * checked, and the joiner comes in as a guest where guests may: a host is never shut out of an open
     * meeting for someone else's wrong guesses.
     */
    private boolean isModerator(Session session, RoomSettings room, Join join) {
        return join.moderatorKey() != null && budget(session.address()).available(clock.millis())
                && guess(session, join.moderatorKey(), room.moderatorKeyHash());
    }

    /** A resume needs no password (its token proves an earlier admission), but a removal still stands. */
    boolean readmit(Session session, Join join, String participantId) throws ProtocolException {
        Optional<RoomSettings> room = store.find(join.room());
        if (room.isPresent() && room.get().removed().contains(participantId)) {
            throw new ProtocolException(ErrorCode.REMOVED, "a moderator removed you from this meeting");
        }
        return room.isPresent() && isModerator(session, room.get(), join);
    }

    private TokenBucket budget(String address) {
        if (guesses.size() > MAX_TRACKED_ADDRESSES) {
            guesses.clear();
        }
        return guesses.computeIfAbsent(address, a -> new TokenBucket(GUESSES_PER_SECOND, GUESS_BURST, clock.millis()));
    }
}
