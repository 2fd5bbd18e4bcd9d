package dev.parley.room;

import java.util.function.UnaryOperator;

/** Someone in a room: an id assigned by the server, a validated display name, and what they share. */
public final class Participant {
    private final String id;
    private final String name;
    private volatile Connection connection;
    private final boolean moderator;
    private volatile ParticipantState state;

    public Participant(String id, String name, Connection connection, ParticipantState state, boolean moderator) {
        this.id = id;
        this.name = name;
        this.connection = connection;
        this.state = state;
        this.moderator = moderator;
    }

    public Participant(String id, String name, Connection connection) {
        this(id, name, connection, ParticipantState.INITIAL, false);
    }

    /** Joined with the room creator's moderator key. */
    public boolean moderator() {
        return moderator;
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    /** Where messages for this participant go. */
    public Connection connection() {
        return connection;
    }

    /** Points the participant at a new socket after a resume; the room's lock is held by the caller. */
    void rebind(Connection replacement) {
        connection = replacement;
    }

    public ParticipantState state() {
        return state;
    }

    /** Changes the state; callers hold the room's lock so that updates and broadcasts keep one order. */
    public ParticipantState update(UnaryOperator<ParticipantState> change) {
        state = change.apply(state);
        return state;
    }
}
