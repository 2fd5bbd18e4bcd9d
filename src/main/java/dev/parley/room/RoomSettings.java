package dev.parley.room;

import java.util.Set;

/**
 * How a room made with "New meeting" is protected. Rooms opened straight from a link have none:
 * anyone with the (unguessable) link may join, and nobody moderates.
 *
 * @param passwordHash     salted hash of the room password, or null for none
 * @param moderatorKeyHash salted hash of the creator's moderator key
 * @param locked           no new participants while true
 * @param removed          participant ids a moderator removed; they may not resume
 * @param createdMillis    creation time, to evict the oldest settings first
 * @param large            created as a large meeting: media goes through the SFU from the start
 */
public record RoomSettings(String passwordHash, String moderatorKeyHash, boolean locked, Set<String> removed,
        long createdMillis, boolean large) {

    public RoomSettings withLocked(boolean lock) {
        return new RoomSettings(passwordHash, moderatorKeyHash, lock, removed, createdMillis, large);
    }

    public RoomSettings withRemoved(String participantId) {
        java.util.HashSet<String> more = new java.util.HashSet<>(removed);
        more.add(participantId);
        return new RoomSettings(passwordHash, moderatorKeyHash, locked, Set.copyOf(more), createdMillis, large);
    }
}
