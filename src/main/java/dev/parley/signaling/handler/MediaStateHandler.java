package dev.parley.signaling.handler;

import dev.parley.signaling.Message.MediaState;
import dev.parley.signaling.ProtocolException;
import dev.parley.signaling.Session;
import dev.parley.signaling.Session.Membership;

/** Records what a participant now sends and tells the room, since receivers cannot see a disabled track. */
public final class MediaStateHandler implements MessageHandler<MediaState> {
    private final RoomAnnouncer announcer;

    public MediaStateHandler(RoomAnnouncer announcer) {
        this.announcer = announcer;
    }

    @Override
    public void handle(Session session, MediaState state) throws ProtocolException {
        Membership me = Memberships.require(session);
        announcer.roomOf(me).updateAndBroadcast(me.participantId(),
                s -> s.withMedia(state.audio(), state.video(), state.screen()),
                p -> announcer.codec().encode(new MediaState(p.id(), state.audio(), state.video(), state.screen(),
                        JoinHandler.screenOrder(p.state()))));
    }
}
