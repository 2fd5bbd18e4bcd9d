package dev.parley.signaling;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resume tokens let a page that lost its socket come back as the same participant. A token is
 * signed with the server's secret, so it still proves who its holder was after a server restart,
 * when nothing else is remembered. Each token works once: redeeming it burns its nonce, and burnt
 * nonces are kept in the data folder, so a restart does not make used tokens good again.
 */
public final class ResumeTokens {
    private static final Logger log = LoggerFactory.getLogger(ResumeTokens.class);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Who a valid token says its holder is. */
    public record Claim(String participantId, String roomId) {}

    private final SecretKeySpec key;
    private final InstantSource clock;
    private final Duration lifetime;
    /** Burnt nonces with their expiry; older entries can go, since their tokens have expired anyway. */
    private final Map<String, Long> used = new ConcurrentHashMap<>();
    /** Where burnt nonces are kept across restarts ("nonce expiry" lines), or null to keep them in memory only. */
    private final Path usedFile;
    /** Lines in that file; past twice the nonces still kept (plus some), it is written anew without expired ones. */
    private int linesInFile;

    public ResumeTokens(byte[] secret, InstantSource clock, Duration lifetime) {
        this(secret, clock, lifetime, null);
    }

    public ResumeTokens(byte[] secret, InstantSource clock, Duration lifetime, Path usedFile) {
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.clock = clock;
        this.lifetime = lifetime;
        this.usedFile = usedFile;
        loadUsed();
    }

    public String issue(String participantId, String roomId) {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        long expiry = clock.millis() + lifetime.toMillis();
        String body = participantId + "." + roomId + "." + expiry + "." + B64.encodeToString(nonce);
        return body + "." + B64.encodeToString(mac(body));
    }

    /** Checks signature, expiry and room, then burns the token. Empty for anything not valid. */
    public Optional<Claim> redeem(String token, String roomId) {
        if (token == null || token.length() > 256) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 5) {
            return Optional.empty();
        }
        String body = String.join(".", parts[0], parts[1], parts[2], parts[3]);
        byte[] given;
        long expiry;
        try {
            given = B64D.decode(parts[4]);
            expiry = Long.parseLong(parts[2]);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        long now = clock.millis();
        if (!MessageDigest.isEqual(given, mac(body)) || expiry < now || !parts[1].equals(roomId)) {
            return Optional.empty();
        }
        forgetExpired(now);
        if (used.putIfAbsent(parts[3], expiry) != null) {
            return Optional.empty();
        }
        keepUsed(parts[3] + " " + expiry + "\n");
        return Optional.of(new Claim(parts[0], parts[1]));
    }

    /** Reads the nonces burnt before a restart, and writes back only those whose tokens are still valid. */
    private void loadUsed() {
        if (usedFile == null || !Files.isRegularFile(usedFile)) {
            return;
        }
        long now = clock.millis();
        try {
            for (String line : Files.readAllLines(usedFile)) {
                String[] fields = line.split(" ");
                if (fields.length == 2 && fields[1].matches("\\d{1,19}") && Long.parseLong(fields[1]) >= now) {
                    used.put(fields[0], Long.parseLong(fields[1]));
                }
            }
            rewriteUsed();
        } catch (IOException | NumberFormatException e) {
            // Tokens stay single-use within this run; after a restart a used one could work once more.
            log.warn("could not read {}: used resume tokens from before this start are not known", usedFile, e);
        }
    }

    private synchronized void keepUsed(String line) {
        if (usedFile == null) {
            return;
        }
        try {
            if (++linesInFile > 2 * used.size() + 1000) {
                rewriteUsed();
            } else {
                Files.writeString(usedFile, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            log.warn("could not record a used resume token in {}", usedFile, e);
        }
    }

    /** Writes the nonces still kept, through a temporary file, so that a crash meanwhile loses none. */
    private synchronized void rewriteUsed() throws IOException {
        StringBuilder kept = new StringBuilder();
        used.forEach((nonce, expiry) -> kept.append(nonce).append(' ').append(expiry).append('\n'));
        Path temp = Files.createTempFile(usedFile.toAbsolutePath().getParent(), "used-resume-tokens", ".tmp");
        Files.writeString(temp, kept);
        Files.move(temp, usedFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        linesInFile = used.size();
    }

    private void forgetExpired(long now) {
        for (Iterator<Long> it = used.values().iterator(); it.hasNext(); ) {
            if (it.next() < now) {
                it.remove();
            }
        }
    }

    private byte[] mac(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(body.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
