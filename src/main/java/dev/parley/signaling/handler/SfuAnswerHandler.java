package dev.parley.signaling.handler;

import dev.parley.signaling.Message.SfuAnswer;
import dev.parley.signaling.ProtocolException;
import dev.parley.signaling.RoomMedia;
import dev.parley.signaling.Session;

/** Passes a participant's answer to the media server's offer of what it receives. */
public final class SfuAnswerHandler implements MessageHandler<SfuAnswer> {
    private final RoomMedia media;

    public SfuAnswerHandler(RoomMedia media) {
        this.media = media;
    }

    @Override
    public void handle(Session session, SfuAnswer message) throws ProtocolException {
        media.answer(Memberships.require(session), message.sdp());
    }
}
