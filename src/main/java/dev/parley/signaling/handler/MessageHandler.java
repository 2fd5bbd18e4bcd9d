package dev.parley.signaling.handler;

import dev.parley.signaling.Message.ClientMessage;
import dev.parley.signaling.ProtocolException;
import dev.parley.signaling.Session;

/** Handles one type of client message; a refusal is thrown and becomes an error reply to the sender. */
@FunctionalInterface
public interface MessageHandler<M extends ClientMessage> {
    void handle(Session session, M message) throws ProtocolException;
}
