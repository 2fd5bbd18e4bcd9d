package dev.parley.room;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * All live rooms. A room exists while someone is in it: the first join creates it and the last leave
 * closes and removes it. A join that meets a room in the act of closing simply takes a fresh one.
 */
public final class RoomRegistry {
    private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();
    private final int chatHistorySize;
    private final int maxRooms;

    public RoomRegistry(int chatHistorySize, int maxRooms) {
        this.chatHistorySize = chatHistorySize;
        this.maxRooms = maxRooms;
    }

    /** The result of a join: the room and who was already in it. */
    public record Admission(Room room, List<Participant> present) {}

    /** Adds a participant; {@code welcome} runs under the room's lock with those already present. */
    public Admission join(String roomId, Participant participant, int maxParticipants,
            Consumer<Admission> welcome) throws RoomFullException {
        // Approximate under races by design: the limit guards memory, not an exact count.
        if (!rooms.containsKey(roomId) && rooms.size() >= maxRooms) {
            throw new RoomFullException("the server is at its limit of " + maxRooms + " meetings", true);
        }
        while (true) {
            Room room = rooms.computeIfAbsent(roomId, id -> new Room(id, chatHistorySize));
            Optional<List<Participant>> present =
                    room.add(participant, maxParticipants, others -> welcome.accept(new Admission(room, others)));
            if (present.isPresent()) {
                return new Admission(room, present.get());
            }
            rooms.remove(roomId, room);
        }
    }

    /** Removes a participant; returns it if it was there. Drops the room when it becomes empty. */
    public Optional<Participant> leave(String roomId, String participantId) {
        Room room = rooms.get(roomId);
        if (room == null) {
            return Optional.empty();
        }
        Optional<Participant> removed = room.remove(participantId);
        if (room.isClosed()) {
            rooms.remove(roomId, room);
        }
        return removed;
    }

    public Optional<Room> find(String roomId) {
        return Optional.ofNullable(rooms.get(roomId));
    }

    /** The rooms with someone in them, at this moment. */
    public List<Room> all() {
        return List.copyOf(rooms.values());
    }

    public int roomCount() {
        return rooms.size();
    }

    public int participantCount() {
        return rooms.values().stream().mapToInt(Room::size).sum();
    }
}
