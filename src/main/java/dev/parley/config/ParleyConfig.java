package dev.parley.config;

import dev.parley.peerjs.PeerJsConfig;
import dev.parley.peerjs.PeerJsFlags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The whole configuration, one part per concern, read from command-line flags and the environment. */
public record ParleyConfig(HttpConfig http, SignalingConfig signaling, AccessConfig access, PeerJsConfig peerjs,
        Path dataDir) {

    /** Where Parley keeps what must survive a restart (its signing key); {@code PARLEY_DATA_DIR} or {@code --data-dir}. */
    static final Path DEFAULT_DATA_DIR = Path.of("data");

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
        PeerJsFlags peerjs = PeerJsFlags.fromEnvironment(env);
        Path dataDir = env.containsKey("PARLEY_DATA_DIR") ? Path.of(env.get("PARLEY_DATA_DIR")) : DEFAULT_DATA_DIR;
        AccessConfig access = AccessConfig.defaults();
        Set<String> origins = env.containsKey("PARLEY_ALLOWED_ORIGINS")
                ? origins(env.get("PARLEY_ALLOWED_ORIGINS")) : access.allowedOrigins();
        int perIp = access.maxConnectionsPerIp();
        int maxRooms = access.maxRooms();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            switch (flag) {
                case "--port" -> port = parsePort(value(args, ++i, flag), flag);
                case "--host" -> host = value(args, ++i, flag);
                case "--dev" -> dev = true;
                case "--data-dir" -> dataDir = Path.of(value(args, ++i, flag));
                case "--allowed-origins" -> origins = origins(value(args, ++i, flag));
                case "--max-connections-per-ip" -> perIp = (int) parsePositive(value(args, ++i, flag), flag);
                case "--max-rooms" -> maxRooms = (int) parsePositive(value(args, ++i, flag), flag);
                case "--heartbeat-interval" -> interval = Duration.ofMillis(parsePositive(value(args, ++i, flag), flag));
                case "--heartbeat-timeout" -> timeout = Duration.ofMillis(parsePositive(value(args, ++i, flag), flag));
                default -> {
                    if (!peerjs.accepts(flag)) {
                        throw new IllegalArgumentException("unknown option " + flag
                                + " (known: --port N, --host H, --dev, --data-dir DIR, --heartbeat-interval MS, --heartbeat-timeout MS, "
                                + "--allowed-origins LIST, --max-connections-per-ip N, --max-rooms N, "
                                + PeerJsFlags.USAGE + ")");
                    }
                    i = peerjs.read(args, i);
                }
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
        return new ParleyConfig(new HttpConfig(host, port, staticDir), signaling.withHeartbeat(interval, timeout),
                new AccessConfig(origins, perIp, maxRooms), peerjs.build(), dataDir);
    }

    /** A comma-separated list of origins such as {@code https://meet.example.org}. */
    private static Set<String> origins(String list) {
        return Arrays.stream(list.split(",")).map(String::strip).filter(o -> !o.isEmpty())
                .map(o -> o.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
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
