package dev.parley.room;

/**
 * What a participant shares, as they announce it; receivers cannot see a disabled track, so the
 * muted icon and the camera-off avatar on other screens come from here.
 *
 * @param audio  microphone on
 * @param video  camera on
 * @param screen presenting a screen
 * @param hand   hand raised
 */
public record ParticipantState(boolean audio, boolean video, boolean screen, boolean hand) {
    public static final ParticipantState INITIAL = new ParticipantState(true, true, false, false);

    public ParticipantState withMedia(boolean audio, boolean video, boolean screen) {
        return new ParticipantState(audio, video, screen, hand);
    }

    public ParticipantState withHand(boolean raised) {
        return new ParticipantState(audio, video, screen, raised);
    }
}
