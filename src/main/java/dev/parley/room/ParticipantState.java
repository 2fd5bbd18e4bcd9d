package dev.parley.room;

/**
 * What a participant shares, as they announce it; receivers cannot see a disabled track, so the
 * muted icon and the camera-off avatar on other screens come from here.
 *
 * @param audio  microphone on
 * @param video  camera on
 * @param screen presenting a screen
 * @param hand   hand raised
 * @param screenOrder while presenting, when the screen started among the room's presentations (1, 2, …;
 *                    higher is later), so that every page, late joiners too, gives the large spot to the
 *                    same presenter; 0 while not presenting. The room sets it ({@link Room#updateAndBroadcast}).
 */
public record ParticipantState(boolean audio, boolean video, boolean screen, boolean hand, long screenOrder) {
    public static final ParticipantState INITIAL = new ParticipantState(true, true, false, false, 0);

    public ParticipantState withMedia(boolean audio, boolean video, boolean screen) {
        return new ParticipantState(audio, video, screen, hand, screenOrder);
    }

    public ParticipantState withHand(boolean raised) {
        return new ParticipantState(audio, video, screen, raised, screenOrder);
    }

    ParticipantState withScreenOrder(long order) {
        return new ParticipantState(audio, video, screen, hand, order);
    }
}
