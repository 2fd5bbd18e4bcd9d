package dev.parley.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The whole configuration, one part per concern, read from command-line flags and the environment. */
public record ParleyConfig(HttpConfig http, SignalingConfig signaling) {

    /** Source folder of the front end, served as-is by {@code --dev}. */
    static final Path DEV_STATIC_DIR = Path.of("src", "main", "resources", "static");

    /**
     * Parses {@code --port N}, {@code --host H}, {@code --dev}, {@code --heartbeat-interval MS} and
     * {@code --heartbeat-timeout MS}; {@code PORT} in the environment is the default port.
     *
     * @throws IllegalArgumentException with a message fit for the user on a bad flag
     */
    public static ParleyConfig parse(String[] args, Map<String, String> env) {
        String host = HttpConfig.DEFAULT_HOST;
        int port = env.containsKey("PORT") ? parsePort(env.get("PORT"), "PORT") : HttpConfig.DEFAULT_PORT;
        boolean dev = false;
        SignalingConfig signaling = SignalingConfig.defaults();
        Duration interval = signaling.heartbeatInterval();
        Duration timeout = signaling.heartbeatTimeout();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            switch (flag) {
                case "--port" -> port = parsePort(value(args, ++i, flag), flag);
                case "--host" -> host = value(args, ++i, flag);
                case "--dev" -> dev = true;
                case "--heartbeat-interval" -> interval = Duration.ofMillis(parsePositive(value(args, ++i, flag), flag));
                case "--heartbeat-timeout" -> timeout = Duration.ofMillis(parsePositive(value(args, ++i, flag), flag));
                default -> throw new IllegalArgumentException("unknown option " + flag
                        + " (known: --port N, --host H, --dev, --heartbeat-interval MS, --heartbeat-timeout MS)");
            }
        }
        if (timeout.compareTo(interval) <= 0) {
            throw new IllegalArgumentException("--heartbeat-timeout must be longer than --heartbeat-interval");
        }
        Optional<Path> staticDir = Optional.empty();
        if (dev) {
            if (!Files.isDirectory(DEV_STATIC_DIR)) {
                throw new IllegalArgumentException("--dev must be run from the source tree: " + DEV_STATIC_DIR + " not found");
            }
            staticDir = Optional.of(DEV_STATIC_DIR.toAbsolutePath());
        }
        return new ParleyConfig(new HttpConfig(host, port, staticDir), signaling.withHeartbeat(interval, timeout));
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    private static int parsePort(String text, String what) {
        int port = parseInt(text, what);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(what + " must be between 0 and 65535, got " + text);
        }
        return port;
    }

    private static long parsePositive(String text, String what) {
        int n = parseInt(text, what);
        if (n <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + text);
        }
        return n;
    }

    private static int parseInt(String text, String what) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a number, got '" + text + "'");
        }
    }
}
