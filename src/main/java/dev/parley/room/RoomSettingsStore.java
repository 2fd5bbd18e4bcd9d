package dev.parley.room;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Room settings, kept in the data folder so that a restart does not open protected rooms to
 * everyone. Writes are rare (a room is created, locked, or someone is removed), so the whole file is
 * rewritten each time; only the newest {@code capacity} rooms are kept.
 */
public final class RoomSettingsStore {
    private static final Logger log = LoggerFactory.getLogger(RoomSettingsStore.class);
    private static final String FILE = "rooms.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final int capacity;
    private final Map<String, RoomSettings> settings = new HashMap<>();

    public RoomSettingsStore(Path dataDir, int capacity) {
        this.file = dataDir == null ? null : dataDir.resolve(FILE);
        this.capacity = capacity;
        load();
    }

    public synchronized Optional<RoomSettings> find(String roomId) {
        return Optional.ofNullable(settings.get(roomId));
    }

    /** The ids of the rooms that are locked now. */
    public synchronized java.util.List<String> lockedRooms() {
        return settings.entrySet().stream().filter(e -> e.getValue().locked()).map(Map.Entry::getKey).toList();
    }

    public synchronized void put(String roomId, RoomSettings room) {
        settings.put(roomId, room);
        while (settings.size() > capacity) {
            settings.entrySet().stream().min(Comparator.comparingLong(e -> e.getValue().createdMillis()))
                    .ifPresent(oldest -> settings.remove(oldest.getKey()));
        }
        save();
    }

    /** Changes the settings of a room that has them; returns the new settings. */
    public synchronized Optional<RoomSettings> update(String roomId, UnaryOperator<RoomSettings> change) {
        RoomSettings current = settings.get(roomId);
        if (current == null) {
            return Optional.empty();
        }
        RoomSettings next = change.apply(current);
        settings.put(roomId, next);
        save();
        return Optional.of(next);
    }

    private void load() {
        if (file == null || !Files.isRegularFile(file)) {
            return;
        }
        try {
            Map<String, RoomSettings> loaded = JSON.readValue(file.toFile(), new TypeReference<Map<String, RoomSettings>>() {});
            if (loaded == null || loaded.containsValue(null)) {
                throw new IOException("not a map of meeting ids to settings");
            }
            settings.putAll(loaded);
        } catch (IOException e) {
            // Starting without it would open every password-protected and locked meeting, and the next save
            // would overwrite what is left of it: refuse instead.
            throw new IllegalStateException("cannot read the meetings' passwords and locks from " + file + " ("
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("unreadable") + "). Restore the file, or move it aside"
                    + " to start with no protected meetings.", e);
        }
    }

    private void save() {
        if (file == null) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Path temp = Files.createTempFile(file.getParent(), FILE, ".tmp");
            JSON.writeValue(temp.toFile(), settings);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.error("could not save room settings to {}", file, e);
        }
    }
}
