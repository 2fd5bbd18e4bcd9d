package dev.parley.signaling.handler;

import dev.parley.signaling.Message.SfuPublish;
import dev.parley.signaling.ProtocolException;
import dev.parley.signaling.RoomMedia;
import dev.parley.signaling.Session;

/** Passes a participant's offer for what it sends on to the media server. */
public final class SfuPublishHandler implements MessageHandler<SfuPublish> {
    private final RoomMedia media;

    public SfuPublishHandler(RoomMedia media) {
        this.media = media;
    }

    @Override
    public void handle(Session session, SfuPublish message) throws ProtocolException {
        media.publish(Memberships.require(session), message.sdp(), "screen".equals(message.source()));
    }
}
