package dev.parley.room;

import dev.parley.chat.ChatEntry;
import dev.parley.chat.ChatHistory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The participants of one meeting, in order of arrival. Joins, leaves and broadcasts are serialized
 * on the room, and sends only queue (they never wait on the network), so every participant sees the
 * room's events in one order: nobody hears from a newcomer before hearing that it arrived.
 */
public final class Room {
    private final String id;
    private final ChatHistory chat;
    private final Map<String, Participant> participants = new LinkedHashMap<>();
    /** Set when the last participant left; a closed room is out of the registry and takes no joins. */
    private boolean closed;
    /** Screens started in this room so far: the next presentation's {@link ParticipantState#screenOrder}. */
    private long screensStarted;

    Room(String id, int chatHistorySize) {
        this.id = id;
        this.chat = new ChatHistory(chatHistorySize);
    }

    /** Recent chat, for late joiners. */
    public ChatHistory chat() {
        return chat;
    }

    public String id() {
        return id;
    }

    /**
     * Adds a participant and returns those who were already present, or empty if the room has closed.
     * {@code welcome} runs before anyone else can act on the room, with those already present.
     */
    synchronized Optional<List<Participant>> add(Participant participant, int maxParticipants,
            Consumer<List<Participant>> welcome) throws RoomFullException {
        if (closed) {
            return Optional.empty();
        }
        if (participants.size() >= maxParticipants) {
            throw new RoomFullException(maxParticipants);
        }
        List<Participant> present = List.copyOf(participants.values());
        participants.put(participant.id(), participant);
        welcome.accept(present);
        return Optional.of(present);
    }

    /**
     * Moves a present participant to a new connection (a resumed session) without telling anyone:
     * for the others nothing changed. {@code welcome} gets the other participants. False if absent.
     */
    public synchronized boolean rebind(String participantId, Connection connection,
            BiConsumer<Participant, List<Participant>> welcome) {
        Participant p = participants.get(participantId);
        if (p == null) {
            return false;
        }
        p.rebind(connection);
        welcome.accept(p, participants.values().stream().filter(o -> o != p).toList());
        return true;
    }

    /** Removes a participant; closes the room when it was the last one. */
    synchronized Optional<Participant> remove(String participantId) {
        Participant removed = participants.remove(participantId);
        if (removed != null && participants.isEmpty()) {
            closed = true;
        }
        return Optional.ofNullable(removed);
    }

    synchronized boolean isClosed() {
        return closed;
    }

    public synchronized Optional<Participant> find(String participantId) {
        return Optional.ofNullable(participants.get(participantId));
    }

    /** Runs {@code step} with nobody joining or leaving meanwhile, and returns what it returns. */
    public synchronized <T> T whileLocked(java.util.function.Supplier<T> step) {
        return step.get();
    }

    public synchronized List<Participant> participants() {
        return List.copyOf(participants.values());
    }

    public synchronized int size() {
        return participants.size();
    }

    /**
     * Changes a participant's state and tells everyone, in one step under the room's lock, so that
     * receivers see changes in the order they happened. A screen that starts gets the next screen order.
     */
    public synchronized void updateAndBroadcast(String participantId, UnaryOperator<ParticipantState> change,
            Function<Participant, String> announcement) {
        Participant p = participants.get(participantId);
        if (p != null) {
            p.update(before -> {
                ParticipantState after = change.apply(before);
                if (after.screen() == before.screen()) {
                    return after;
                }
                return after.withScreenOrder(after.screen() ? ++screensStarted : 0);
            });
            broadcast(announcement.apply(p), null);
        }
    }

    /** Keeps a chat message and sends it to everyone, under one lock so history and live order agree. */
    public synchronized void postChat(ChatEntry entry, String encoded) {
        chat.add(entry);
        broadcast(encoded, null);
    }

    /** Sends text to everyone except one participant (usually the one it is about); null excepts nobody. */
    public synchronized void broadcast(String text, String exceptId) {
        for (Participant p : participants.values()) {
            if (!p.id().equals(exceptId)) {
                p.connection().send(text);
            }
        }
    }
}
