package dev.parley.room;

/**
 * Someone in a room.
 *
 * @param id         assigned by the server, unique within the server
 * @param name       display name, already validated
 * @param connection where messages for this participant go
 */
public record Participant(String id, String name, Connection connection) {}
