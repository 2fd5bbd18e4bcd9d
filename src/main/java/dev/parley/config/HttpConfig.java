package dev.parley.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the HTTP server listens and where it reads its front end from.
 *
 * @param host      interface to bind; {@code 0.0.0.0} (all) by default
 * @param port      TCP port; 8080 by default, 0 picks a free one
 * @param staticDir in development mode, the source folder served directly so edits show on reload;
 *                  empty in normal mode, where the files come from the classpath
 */
public record HttpConfig(String host, int port, Optional<Path> staticDir) {

    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 8080;

    public boolean devMode() {
        return staticDir.isPresent();
    }
}
