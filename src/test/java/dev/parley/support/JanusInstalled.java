package dev.parley.support;

import dev.parley.janus.JanusProcess;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/** The janus binary for tests that need it: a skip when it is missing locally, a failure on CI (CI=true). */
public final class JanusInstalled {
    private JanusInstalled() {}

    public static Path require() {
        Optional<Path> binary = JanusProcess.findBinary("janus");
        if (binary.isPresent()) {
            return binary.get();
        }
        String message = "This test needs the janus binary on PATH; install with: apt-get install -y janus";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(message + " (CI=true, so this is a failure, not a skip)");
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }
}
