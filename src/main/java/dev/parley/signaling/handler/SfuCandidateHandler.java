package dev.parley.signaling.handler;

import dev.parley.signaling.Message.SfuCandidate;
import dev.parley.signaling.ProtocolException;
import dev.parley.signaling.RoomMedia;
import dev.parley.signaling.Session;

/** Passes an ICE candidate of a participant's connection to the media server on to it (trickle ICE). */
public final class SfuCandidateHandler implements MessageHandler<SfuCandidate> {
    private final RoomMedia media;

    public SfuCandidateHandler(RoomMedia media) {
        this.media = media;
    }

    @Override
    public void handle(Session session, SfuCandidate message) throws ProtocolException {
        media.candidate(Memberships.require(session), message.source(), message.candidate());
    }
}
