package dev.parley.config;

import dev.parley.peerjs.PeerJsConfig;
import dev.parley.peerjs.PeerJsFlags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The whole configuration, one part per concern, read from command-line flags and the environment. */
public record ParleyConfig(HttpConfig http, SignalingConfig signaling, AccessConfig access, IceConfig ice,
        TlsConfig tls, PeerJsConfig peerjs, SfuConfig sfu, Path dataDir) {

    /** Where Parley keeps what must survive a restart (its keys, protected rooms, its certificate). */
    static final Path DEFAULT_DATA_DIR = Path.of("data");

    /** Source folder of the front end, served as-is by {@code --dev}. */
    static final Path DEV_STATIC_DIR = Path.of("src", "main", "resources", "static");

    static final String USAGE = "--port N, --host H, --dev, --data-dir DIR, --heartbeat-interval MS, "
            + "--heartbeat-timeout MS, --allowed-origins LIST, --max-connections-per-ip N, --max-rooms N, "
            + "--stun-url URL, --turn-url URL, --turn-secret S, --turn-ttl SECONDS, --ice-relay-only, "
            + "--tls, --tls-cert PEM, --tls-key PEM, --http-redirect-port N, --sfu, --janus-url URL, "
            + "--janus-api-secret S, --janus-admin-key K, --janus-binary PATH, --janus-interface IF, "
            + "--janus-rtp-ports MIN-MAX, --media-mode auto|mesh|sfu, --mesh-limit N, " + PeerJsFlags.USAGE;

    /** The option names in {@link #USAGE}, without their values. */
    private static final Set<String> OPTIONS = java.util.Arrays.stream(USAGE.split(", "))
            .map(option -> option.split(" ")[0]).collect(Collectors.toUnmodifiableSet());

    /**
     * Parses the flags in {@link #USAGE}; the environment gives defaults ({@code PORT}, {@code PARLEY_*})
     * and a flag wins over its variable. README.md lists them all.
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
        Path dataDir = Path.of(env.getOrDefault("PARLEY_DATA_DIR", DEFAULT_DATA_DIR.toString()));
        AccessConfig access = AccessConfig.defaults();
        Set<String> origins = env.containsKey("PARLEY_ALLOWED_ORIGINS")
                ? origins(env.get("PARLEY_ALLOWED_ORIGINS")) : access.allowedOrigins();
        int perIp = access.maxConnectionsPerIp();
        int maxRooms = access.maxRooms();
        List<String> stun = new ArrayList<>(list(env.get("PARLEY_STUN_URLS")).stream()
                .map(u -> iceUrl(u, "PARLEY_STUN_URLS", "stun:", "stuns:")).toList());
        List<String> turn = new ArrayList<>(list(env.get("PARLEY_TURN_URLS")).stream()
                .map(u -> iceUrl(u, "PARLEY_TURN_URLS", "turn:", "turns:")).toList());
        Optional<String> turnSecret = Optional.ofNullable(env.get("PARLEY_TURN_SECRET")).filter(s -> !s.isEmpty());
        Duration turnTtl = env.containsKey("PARLEY_TURN_TTL")
                ? Duration.ofSeconds(parsePositive(env.get("PARLEY_TURN_TTL"), "PARLEY_TURN_TTL")) : IceConfig.DEFAULT_TURN_TTL;
        boolean relayOnly = switchFromEnv(env, "PARLEY_ICE_RELAY_ONLY");
        boolean tls = switchFromEnv(env, "PARLEY_TLS");
        Optional<Path> cert = Optional.ofNullable(env.get("PARLEY_TLS_CERT")).map(Path::of);
        Optional<Path> key = Optional.ofNullable(env.get("PARLEY_TLS_KEY")).map(Path::of);
        Optional<Integer> redirect = Optional.empty();
        SfuConfig sfuDefaults = SfuConfig.disabled();
        SfuConfig.Policy policy = env.containsKey("PARLEY_MEDIA_MODE") ? policy(env.get("PARLEY_MEDIA_MODE"), "PARLEY_MEDIA_MODE")
                : sfuDefaults.policy();
        int meshLimit = env.containsKey("PARLEY_MESH_LIMIT") ? parsePositive(env.get("PARLEY_MESH_LIMIT"), "PARLEY_MESH_LIMIT")
                : sfuDefaults.meshLimit();
        boolean launchJanus = switchFromEnv(env, "PARLEY_SFU");
        Optional<java.net.URI> janusUrl = Optional.ofNullable(env.get("PARLEY_JANUS_URL")).filter(u -> !u.isEmpty())
                .map(u -> janusUrl(u, "PARLEY_JANUS_URL"));
        Optional<String> janusSecret = Optional.ofNullable(env.get("PARLEY_JANUS_API_SECRET"));
        Optional<String> janusAdminKey = Optional.ofNullable(env.get("PARLEY_JANUS_ADMIN_KEY"));
        String janusBinary = sfuDefaults.janusBinary();
        Optional<String> janusInterface = Optional.empty();
        int[] rtpPorts = {sfuDefaults.rtpPortMin(), sfuDefaults.rtpPortMax()};
        boolean stunFlagSeen = false;
        boolean turnFlagSeen = false;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            switch (flag) {
                case "--port" -> port = parsePort(value(args, ++i, flag), flag);
                case "--host" -> host = value(args, ++i, flag);
                case "--dev" -> dev = true;
                case "--data-dir" -> dataDir = Path.of(value(args, ++i, flag));
                case "--heartbeat-interval" -> interval = Duration.ofMillis(parsePositive(value(args, ++i, flag), flag));
                case "--heartbeat-timeout" -> timeout = Duration.ofMillis(parsePositive(value(args, ++i, flag), flag));
                case "--allowed-origins" -> origins = origins(value(args, ++i, flag));
                case "--max-connections-per-ip" -> perIp = parsePositive(value(args, ++i, flag), flag);
                case "--max-rooms" -> maxRooms = parsePositive(value(args, ++i, flag), flag);
                case "--stun-url" -> {
                    // Repeatable; the first flag replaces what the environment gave.
                    if (!stunFlagSeen) stun.clear();
                    stunFlagSeen = true;
                    stun.add(iceUrl(value(args, ++i, flag), flag, "stun:", "stuns:"));
                }
                case "--turn-url" -> {
                    if (!turnFlagSeen) turn.clear();
                    turnFlagSeen = true;
                    turn.add(iceUrl(value(args, ++i, flag), flag, "turn:", "turns:"));
                }
                case "--turn-secret" -> turnSecret = Optional.of(nonEmpty(value(args, ++i, flag), flag));
                case "--turn-ttl" -> turnTtl = Duration.ofSeconds(parsePositive(value(args, ++i, flag), flag));
                case "--ice-relay-only" -> relayOnly = true;
                case "--tls" -> tls = true;
                case "--tls-cert" -> cert = Optional.of(Path.of(value(args, ++i, flag)));
                case "--tls-key" -> key = Optional.of(Path.of(value(args, ++i, flag)));
                case "--http-redirect-port" -> redirect = Optional.of(parsePort(value(args, ++i, flag), flag));
                case "--sfu" -> launchJanus = true;
                case "--janus-url" -> janusUrl = Optional.of(janusUrl(value(args, ++i, flag), flag));
                case "--janus-api-secret" -> janusSecret = Optional.of(value(args, ++i, flag));
                case "--janus-admin-key" -> janusAdminKey = Optional.of(value(args, ++i, flag));
                case "--janus-binary" -> janusBinary = value(args, ++i, flag);
                case "--janus-interface" -> janusInterface = Optional.of(value(args, ++i, flag));
                case "--janus-rtp-ports" -> rtpPorts = portRange(value(args, ++i, flag), flag);
                case "--media-mode" -> policy = policy(value(args, ++i, flag), flag);
                case "--mesh-limit" -> meshLimit = parsePositive(value(args, ++i, flag), flag);
                case "--help", "-h" -> throw new HelpRequested();
                default -> {
                    if (!peerjs.accepts(flag)) {
                        throw new IllegalArgumentException("unknown option " + flag + " (known: " + USAGE + ")");
                    }
                    i = peerjs.read(args, i);
                }
            }
        }
        if (timeout.compareTo(interval) <= 0) {
            throw new IllegalArgumentException("--heartbeat-timeout must be longer than --heartbeat-interval");
        }
        if (cert.isPresent() != key.isPresent()) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        if (!turn.isEmpty() && turnSecret.isEmpty()) {
            // Browsers would try TURN without credentials and fail silently; better to say so now.
            throw new IllegalArgumentException("--turn-url needs --turn-secret (coturn's static-auth-secret)");
        }
        if (redirect.isPresent() && !tls && cert.isEmpty()) {
            throw new IllegalArgumentException("--http-redirect-port redirects to HTTPS: it needs --tls (or --tls-cert and --tls-key)");
        }
        if (redirect.isPresent() && redirect.get() != 0 && redirect.get() == port) {
            throw new IllegalArgumentException("--http-redirect-port must differ from --port");
        }
        if (relayOnly && turn.isEmpty()) {
            throw new IllegalArgumentException("--ice-relay-only needs at least one --turn-url");
        }
        if (launchJanus && janusUrl.isPresent()) {
            throw new IllegalArgumentException("--sfu starts Janus itself; --janus-url points at one already running: pick one");
        }
        if (policy == SfuConfig.Policy.SFU && !launchJanus && janusUrl.isEmpty()) {
            throw new IllegalArgumentException("--media-mode sfu needs --sfu or --janus-url");
        }
        Optional<Path> staticDir = Optional.empty();
        if (dev) {
            if (!Files.isDirectory(DEV_STATIC_DIR)) {
                throw new IllegalArgumentException("--dev must be run from the source tree: " + DEV_STATIC_DIR + " not found");
            }
            staticDir = Optional.of(DEV_STATIC_DIR.toAbsolutePath());
        }
        return new ParleyConfig(new HttpConfig(host, port, staticDir), signaling.withHeartbeat(interval, timeout),
                new AccessConfig(origins, perIp, maxRooms),
                new IceConfig(List.copyOf(stun), List.copyOf(turn), turnSecret, turnTtl, relayOnly),
                new TlsConfig(tls || cert.isPresent(), cert, key, redirect), peerjs.build(),
                new SfuConfig(policy, meshLimit, launchJanus, janusUrl, janusSecret, janusAdminKey, janusBinary,
                        janusInterface, rtpPorts[0], rtpPorts[1], sfuDefaults.keepalive()),
                dataDir);
    }

    /** An on/off environment variable ({@link OnOff}); unset or empty is off. */
    static boolean switchFromEnv(Map<String, String> env, String name) {
        String value = env.get(name);
        return value != null && !value.isBlank() && OnOff.parse(value, name);
    }

    /** {@code --help} (or {@code -h}) where an option may stand: print {@link #help()} instead of starting. */
    public static final class HelpRequested extends RuntimeException {
        HelpRequested() {
            super("--help", null, false, false);
        }
    }

    /** What {@code --help} prints: every option, one per line. */
    public static String help() {
        StringBuilder text = new StringBuilder("Usage: ./parley [options]\n\nOptions (README.md says what each does):\n");
        for (String option : USAGE.split(", ")) {
            text.append("  ").append(option).append('\n');
        }
        return text.append("  --help").toString();
    }

    private static SfuConfig.Policy policy(String text, String what) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "auto" -> SfuConfig.Policy.AUTO;
            case "mesh" -> SfuConfig.Policy.MESH;
            case "sfu" -> SfuConfig.Policy.SFU;
            default -> throw new IllegalArgumentException(what + " must be auto, mesh or sfu, got '" + text + "'");
        };
    }

    private static java.net.URI janusUrl(String url, String what) {
        if (!url.startsWith("ws://") && !url.startsWith("wss://")) {
            throw new IllegalArgumentException(what + " must start with ws:// or wss://, got " + url);
        }
        try {
            return java.net.URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not a valid URL: " + url);
        }
    }

    private static int[] portRange(String text, String what) {
        String[] parts = text.split("-", 2);
        if (parts.length != 2) {
            throw new IllegalArgumentException(what + " must be MIN-MAX, got '" + text + "'");
        }
        int min = parsePort(parts[0], what);
        int max = parsePort(parts[1], what);
        if (min == 0 || max < min) {
            throw new IllegalArgumentException(what + " must be MIN-MAX with 0 < MIN <= MAX, got '" + text + "'");
        }
        return new int[] {min, max};
    }

    /** A comma-separated list of origins such as {@code https://meet.example.org}. */
    private static Set<String> origins(String list) {
        return list(list).stream().map(o -> o.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    private static List<String> list(String commaSeparated) {
        if (commaSeparated == null) {
            return List.of();
        }
        return Arrays.stream(commaSeparated.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static String iceUrl(String url, String flag, String... schemes) {
        for (String scheme : schemes) {
            if (url.startsWith(scheme)) {
                return url;
            }
        }
        throw new IllegalArgumentException(flag + " must start with " + String.join(" or ", schemes) + ", got " + url);
    }

    private static String nonEmpty(String text, String flag) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException(flag + " must not be empty");
        }
        return text;
    }

    private static String value(String[] args, int i, String flag) {
        // "--data-dir --tls" is a forgotten value, not a folder named "--tls".
        if (i >= args.length || OPTIONS.contains(args[i])) {
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

    private static int parsePositive(String text, String what) {
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
