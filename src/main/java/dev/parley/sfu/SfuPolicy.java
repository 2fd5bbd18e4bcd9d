package dev.parley.sfu;

import dev.parley.config.SfuConfig;
import dev.parley.room.Room;
import dev.parley.room.RoomSettings;
import dev.parley.room.RoomSettingsStore;

/** Which calls go through the SFU, and what people are told when theirs moves there. */
record SfuPolicy(SfuConfig config, RoomSettingsStore settings) {

    /** Everything on the SFU by the operator's choice, a room made as a large meeting, or a call past the mesh limit. */
    boolean belongsOnSfu(Room room) {
        return config.policy() == SfuConfig.Policy.SFU || large(room) || room.size() > config.meshLimit();
    }

    /** Only a call that grew says why it moves; for the others it is what the meeting was made for. */
    String moveReason(Room room) {
        return config.policy() == SfuConfig.Policy.AUTO && !large(room)
                ? "This call moved to the media server so that " + room.size() + " people can join"
                : "This call now goes through the media server";
    }

    private boolean large(Room room) {
        return settings.find(room.id()).map(RoomSettings::large).orElse(false);
    }
}
