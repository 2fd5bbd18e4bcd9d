package dev.parley.signaling.handler;

import dev.parley.signaling.Message.SfuQuality;
import dev.parley.signaling.ProtocolException;
import dev.parley.signaling.RoomMedia;
import dev.parley.signaling.Session;

/**
 * Picks what a participant receives of someone's video: the high simulcast layer for large tiles, the
 * low one for the grid, or nothing for tiles past the last-N limit.
 */
public final class SfuQualityHandler implements MessageHandler<SfuQuality> {
    private final RoomMedia media;

    public SfuQualityHandler(RoomMedia media) {
        this.media = media;
    }

    @Override
    public void handle(Session session, SfuQuality message) throws ProtocolException {
        media.quality(Memberships.require(session), message.participant(), message.quality());
    }
}
