package dev.parley.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The passwords and locks of meetings, kept in the data folder across restarts; never silently dropped. */
class RoomSettingsStoreTest {
    private static final String ROOM = "0f8e9c3a-5b1d-4c2e-9a7f-3d6b8e1c2a4f";

    @TempDir
    Path dir;

    @Test
    void settingsSurviveARestart() {
        new RoomSettingsStore(dir, 10).put(ROOM, new RoomSettings("hash", "key", true, Set.of(), 1, false));
        assertThat(new RoomSettingsStore(dir, 10).find(ROOM)).get().extracting(RoomSettings::locked).isEqualTo(true);
    }

    @Test
    void aDamagedFileStopsTheStartInsteadOfOpeningEveryProtectedMeeting() throws Exception {
        new RoomSettingsStore(dir, 10).put(ROOM, new RoomSettings("hash", "key", true, Set.of(), 1, false));
        Path file = dir.resolve("rooms.json");
        String whole = Files.readString(file);
        Files.writeString(file, whole.substring(0, whole.length() / 2));
        assertThatThrownBy(() -> new RoomSettingsStore(dir, 10)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("move it aside");
        assertThat(Files.readString(file)).as("the damaged file, left as it was").isEqualTo(whole.substring(0, whole.length() / 2));
    }
}
