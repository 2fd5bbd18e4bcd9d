package dev.parley.chat;

import java.util.ArrayDeque;
import java.util.List;

/** The last messages of a room's chat, kept in memory so late joiners can catch up. */
public final class ChatHistory {
    private final int capacity;
    private final ArrayDeque<ChatEntry> messages;

    public ChatHistory(int capacity) {
        this.capacity = capacity;
        this.messages = new ArrayDeque<>(Math.min(capacity, 64));
    }

    public synchronized void add(ChatEntry message) {
        if (capacity == 0) {
            return;
        }
        if (messages.size() == capacity) {
            messages.removeFirst();
        }
        messages.addLast(message);
    }

    /** Oldest first. */
    public synchronized List<ChatEntry> snapshot() {
        return List.copyOf(messages);
    }
}
