package dev.parley.ice;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-limited TURN credentials in the "TURN REST API" scheme that coturn checks with
 * {@code use-auth-secret}: the username is {@code <expiry unix time>:<participant>} and the
 * password is {@code base64(HMAC-SHA1(secret, username))}, so coturn needs only the shared secret.
 */
public final class TurnCredentials {
    private TurnCredentials() {}

    /** A username valid until {@code expiryEpochSeconds}, for one participant. */
    public static String username(long expiryEpochSeconds, String participant) {
        return expiryEpochSeconds + ":" + participant;
    }

    public static String password(String secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
        }
    }
}
