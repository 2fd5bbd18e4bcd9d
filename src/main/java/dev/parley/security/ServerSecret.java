package dev.parley.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * A random key kept in the data folder, so that what the server signs (resume tokens) stays valid
 * across a restart. It never leaves the server.
 */
public final class ServerSecret {
    private static final String FILE = "server.key";
    private static final int BYTES = 32;

    private ServerSecret() {}

    /** Reads the key from {@code dataDir}, creating the folder and a fresh key the first time. */
    public static byte[] load(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        try {
            if (Files.isRegularFile(file)) {
                byte[] key = Files.readAllBytes(file);
                if (key.length == BYTES) {
                    return key;
                }
            }
            Files.createDirectories(dataDir);
            byte[] key = new byte[BYTES];
            new SecureRandom().nextBytes(key);
            Path temp = Files.createTempFile(dataDir, FILE, ".tmp");
            restrict(temp);
            Files.write(temp, key);
            Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }

    private static void restrict(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            // Not a POSIX file system; the folder's own permissions are all there is.
        }
    }
}
