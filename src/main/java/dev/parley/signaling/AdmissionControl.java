package dev.parley.signaling;

import dev.parley.config.AccessConfig;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether a WebSocket may open: same-origin pages (or allow-listed origins) only, so another
 * site cannot drive a visitor's browser into a meeting, and a bounded number of sockets per address.
 */
public final class AdmissionControl {
    private final AccessConfig config;
    private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();

    public AdmissionControl(AccessConfig config) {
        this.config = config;
    }

    /**
     * A browser always sends Origin on a WebSocket handshake; a request without one is not a web page
     * (a test, a bot, a native app), and an origin check could not stop it anyway.
     */
    public boolean originAllowed(String origin, String host) {
        if (origin == null) {
            return true;
        }
        String normalized = origin.toLowerCase(Locale.ROOT);
        if (config.allowedOrigins().contains(normalized)) {
            return true;
        }
        try {
            String authority = URI.create(normalized).getRawAuthority();
            return authority != null && host != null && authority.equals(host.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Counts a new socket from an address; false (and nothing counted) when the address is at its limit. */
    public boolean tryOpen(String address) {
        boolean[] admitted = {false};
        perAddress.compute(address, (a, n) -> {
            int open = n == null ? 0 : n;
            if (open >= config.maxConnectionsPerIp()) {
                return n;
            }
            admitted[0] = true;
            return open + 1;
        });
        return admitted[0];
    }

    public void closed(String address) {
        perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }
}
