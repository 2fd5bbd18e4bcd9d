package dev.parley.peerjs;

import dev.parley.config.OnOff;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@link PeerJsConfig} from {@code --peerjs-*} flags and {@code PARLEY_PEERJS_*} environment variables
 * (a flag wins over its variable). Kept here so the main config parser only hands over the flags it
 * does not know.
 */
public final class PeerJsFlags {

    /** Each option: its flag, its environment variable, and whether the flag takes a value. */
    private enum Option {
        KEY("--peerjs-key", true),
        EXPIRE_TIMEOUT("--peerjs-expire-timeout", true),
        ALIVE_TIMEOUT("--peerjs-alive-timeout", true),
        CONCURRENT_LIMIT("--peerjs-concurrent-limit", true),
        DISCOVERY("--peerjs-discovery", false),
        MAX_MESSAGE_BYTES("--peerjs-max-message-bytes", true),
        ALLOWED_ORIGINS("--peerjs-allowed-origins", true),
        MAX_QUEUED_PER_PEER("--peerjs-max-queued-per-peer", true),
        MAX_QUEUED_BYTES("--peerjs-max-queued-bytes", true);

        final String flag;
        final String env;
        final boolean takesValue;

        Option(String flag, boolean takesValue) {
            this.flag = flag;
            this.env = "PARLEY_" + flag.substring(2).replace('-', '_').toUpperCase(Locale.ROOT);
            this.takesValue = takesValue;
        }
    }

    /** One line per flag, for usage messages. */
    public static final String USAGE = "--peerjs-key K, --peerjs-expire-timeout MS, --peerjs-alive-timeout MS, "
            + "--peerjs-concurrent-limit N, --peerjs-discovery, --peerjs-max-message-bytes N, "
            + "--peerjs-allowed-origins ORIGIN[,ORIGIN...], --peerjs-max-queued-per-peer N, --peerjs-max-queued-bytes N";

    private String key;
    private Duration expireTimeout;
    private Duration aliveTimeout;
    private int concurrentLimit;
    private boolean allowDiscovery;
    private int maxMessageBytes;
    private Set<String> allowedOrigins;
    private int maxQueuedPerPeer;
    private long maxQueuedBytes;

    private PeerJsFlags() {
        PeerJsConfig d = PeerJsConfig.defaults();
        key = d.key();
        expireTimeout = d.expireTimeout();
        aliveTimeout = d.aliveTimeout();
        concurrentLimit = d.concurrentLimit();
        allowDiscovery = d.allowDiscovery();
        maxMessageBytes = d.maxMessageBytes();
        allowedOrigins = d.allowedOrigins();
        maxQueuedPerPeer = d.maxQueuedPerPeer();
        maxQueuedBytes = d.maxQueuedBytes();
    }

    /** Starts from the defaults overridden by whichever {@code PARLEY_PEERJS_*} variables are set. */
    public static PeerJsFlags fromEnvironment(Map<String, String> env) {
        PeerJsFlags flags = new PeerJsFlags();
        for (Option option : Option.values()) {
            String value = env.get(option.env);
            if (value != null) {
                flags.apply(option, value, option.env);
            }
        }
        return flags;
    }

    /** Whether {@code flag} is one of ours. */
    public boolean accepts(String flag) {
        return find(flag) != null;
    }

    /**
     * Applies the flag at {@code args[i]} and returns the index of the last argument it used.
     *
     * @throws IllegalArgumentException with a message fit for the user
     */
    public int read(String[] args, int i) {
        Option option = find(args[i]);
        if (option == null) {
            throw new IllegalArgumentException("unknown option " + args[i]);
        }
        if (!option.takesValue) {
            apply(option, "true", option.flag);
            return i;
        }
        if (i + 1 >= args.length) {
            throw new IllegalArgumentException(option.flag + " needs a value");
        }
        apply(option, args[i + 1], option.flag);
        return i + 1;
    }

    public PeerJsConfig build() {
        return new PeerJsConfig(key, expireTimeout, aliveTimeout, concurrentLimit, allowDiscovery,
                maxMessageBytes, allowedOrigins, maxQueuedPerPeer, maxQueuedBytes);
    }

    private static Option find(String flag) {
        return Arrays.stream(Option.values()).filter(o -> o.flag.equals(flag)).findFirst().orElse(null);
    }

    private void apply(Option option, String value, String what) {
        switch (option) {
            case KEY -> {
                if (value.isBlank()) {
                    throw new IllegalArgumentException(what + " must not be empty");
                }
                key = value.trim();
            }
            case EXPIRE_TIMEOUT -> expireTimeout = Duration.ofMillis(positive(value, what));
            case ALIVE_TIMEOUT -> aliveTimeout = Duration.ofMillis(positive(value, what));
            case CONCURRENT_LIMIT -> concurrentLimit = (int) Math.min(Integer.MAX_VALUE, positive(value, what));
            case DISCOVERY -> allowDiscovery = OnOff.parse(value, what);
            case MAX_MESSAGE_BYTES -> maxMessageBytes = (int) Math.min(Integer.MAX_VALUE, positive(value, what));
            case ALLOWED_ORIGINS -> allowedOrigins = origins(value, what);
            case MAX_QUEUED_PER_PEER -> maxQueuedPerPeer = (int) Math.min(Integer.MAX_VALUE, positive(value, what));
            case MAX_QUEUED_BYTES -> maxQueuedBytes = positive(value, what);
        }
    }

    private static long positive(String text, String what) {
        long n;
        try {
            n = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a number, got '" + text + "'");
        }
        if (n <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + text);
        }
        return n;
    }

    /** A comma-separated list of origins such as {@code https://app.example:8443}; {@code *} alone means any. */
    static Set<String> origins(String text, String what) {
        if (text.trim().equals("*")) {
            return Set.of();
        }
        Set<String> result = new LinkedHashSet<>();
        for (String part : text.split(",")) {
            String origin = part.trim();
            if (origin.endsWith("/")) {
                origin = origin.substring(0, origin.length() - 1);
            }
            if (origin.isEmpty()) {
                continue;
            }
            URI uri;
            try {
                uri = URI.create(origin);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(what + ": '" + origin + "' is not an origin");
            }
            boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
            if (!web || uri.getHost() == null || !uri.getRawPath().isEmpty() || uri.getRawQuery() != null
                    || uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException(what + ": '" + origin
                        + "' is not an origin like https://app.example or http://localhost:3000");
            }
            result.add(origin.toLowerCase(Locale.ROOT));
        }
        if (result.isEmpty()) {
            throw new IllegalArgumentException(what + " needs at least one origin, or * for any");
        }
        return Set.copyOf(result);
    }
}
