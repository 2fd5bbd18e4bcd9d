package dev.parley.room;

/** A join was refused because the room already holds its maximum number of participants. */
public final class RoomFullException extends Exception {
    public RoomFullException(int max) {
        super("the room is full (" + max + " participants)", null, false, false);
    }
}
