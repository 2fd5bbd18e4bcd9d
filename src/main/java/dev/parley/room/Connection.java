package dev.parley.room;

/** Where a participant's messages go; the signaling layer implements it over a WebSocket. */
public interface Connection {
    /** Queues already-encoded text for sending; never blocks on the network. */
    void send(String text);
}
