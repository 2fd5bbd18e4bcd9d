package dev.parley.signaling.handler;

import dev.parley.room.Participant;
import dev.parley.room.Room;
import dev.parley.room.RoomSettingsStore;
import dev.parley.signaling.ErrorCode;
import dev.parley.signaling.Message.MeetingEnded;
import dev.parley.signaling.Message.Moderate;
import dev.parley.signaling.Message.Moderated;
import dev.parley.signaling.Message.RoomState;
import dev.parley.signaling.MessageCodec;
import dev.parley.signaling.Presence;
import dev.parley.signaling.ProtocolException;
import dev.parley.signaling.Session;
import dev.parley.signaling.Session.Membership;

/** What the meeting's creator may do: mute or remove someone, lock the room, or end it for all. */
public final class ModerateHandler implements MessageHandler<Moderate> {
    static final int CLOSE_REMOVED = 4003;
    static final int CLOSE_ENDED = 4004;

    private final RoomAnnouncer announcer;
    private final Presence presence;
    private final RoomSettingsStore settings;

    public ModerateHandler(RoomAnnouncer announcer, Presence presence, RoomSettingsStore settings) {
        this.announcer = announcer;
        this.presence = presence;
        this.settings = settings;
    }

    @Override
    public void handle(Session session, Moderate moderate) throws ProtocolException {
        Membership me = Memberships.require(session);
        Room room = announcer.roomOf(me);
        Participant self = room.find(me.participantId()).filter(Participant::moderator).orElseThrow(
                () -> new ProtocolException(ErrorCode.NOT_MODERATOR, "only the meeting's host can do that"));
        MessageCodec codec = announcer.codec();
        switch (moderate.action()) {
            case "mute" -> target(room, self, moderate).connection()
                    .send(codec.encode(new Moderated("mute", self.name())));
            case "remove" -> {
                Participant target = target(room, self, moderate);
                settings.update(room.id(), s -> s.withRemoved(target.id()));
                dismiss(target.id(), "removed", CLOSE_REMOVED, codec.encode(new Moderated("remove", self.name())));
            }
            case "lock", "unlock" -> {
                boolean locked = moderate.action().equals("lock");
                settings.update(room.id(), s -> s.withLocked(locked));
                announcer.toEveryone(room, new RoomState(locked));
            }
            case "end" -> {
                announcer.toEveryone(room, new MeetingEnded(self.name()));
                // A lock keeps newcomers out while everyone is sent away; then it lifts, so the link works for
                // a later meeting.
                room.participants().forEach(p -> dismiss(p.id(), "ended", CLOSE_ENDED, null));
                settings.update(room.id(), s -> s.withLocked(false));
            }
            default -> throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "unknown action");
        }
    }

    private static Participant target(Room room, Participant self, Moderate moderate) throws ProtocolException {
        return room.find(moderate.target()).filter(p -> p != self).orElseThrow(() -> new ProtocolException(
                ErrorCode.UNKNOWN_PEER, "no other participant '" + moderate.target() + "' in this room"));
    }

    /**
     * Takes someone out of the room now and closes their socket with a code that tells them not to come
     * back. {@code lastWord} (if any) goes to them only once they are out: their page, hanging up on it,
     * sends a leave that must not overtake the departure and turn it into an ordinary one.
     */
    private void dismiss(String participantId, String reason, int closeCode, String lastWord) {
        presence.sessionOf(participantId).ifPresent(s -> {
            s.markClosed();
            presence.depart(s, reason);
            if (lastWord != null) {
                s.transport().send(lastWord);
            }
            s.transport().close(closeCode, reason);
        });
    }
}
