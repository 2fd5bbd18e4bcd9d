package dev.parley.chat;

/**
 * One chat message as the server stamped it.
 *
 * @param from participant id of the sender
 * @param name sender's display name at the time
 * @param text the message, validated, shown as plain text by clients
 * @param ts   server time in epoch milliseconds
 */
public record ChatEntry(String from, String name, String text, long ts) {}
