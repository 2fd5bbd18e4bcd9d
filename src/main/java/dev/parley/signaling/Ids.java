package dev.parley.signaling;

import java.security.SecureRandom;
import java.util.Base64;

/** Participant ids: 72 random bits, URL-safe, so one participant cannot guess another's. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    public static String participantId() {
        byte[] bytes = new byte[9];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
