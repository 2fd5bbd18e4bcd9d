package dev.parley.room;

/** A join was refused for lack of room: in the meeting, or on the server as a whole. */
public final class RoomFullException extends Exception {
    private final boolean serverWide;

    public RoomFullException(int max) {
        this("the room is full (" + max + " participants)", false);
    }

    public RoomFullException(String message, boolean serverWide) {
        super(message, null, false, false);
        this.serverWide = serverWide;
    }

    /** True when the server holds its maximum of rooms, rather than this room its maximum of people. */
    public boolean serverWide() {
        return serverWide;
    }
}
