package dev.parley.peerjs;

import java.util.Locale;
import java.util.Set;

/**
 * Which browser origins may use the endpoint. Open by default, like PeerServer, because PeerJS apps are
 * usually served from another origin than their signaling server; an allow-list narrows it. A request
 * without an Origin header is not from a browser page, so an origin check could not stop it anyway.
 */
final class OriginPolicy {
    private final Set<String> allowed;

    OriginPolicy(Set<String> allowed) {
        this.allowed = allowed;
    }

    boolean anyOrigin() {
        return allowed.isEmpty();
    }

    boolean allows(String origin) {
        return allowed.isEmpty() || origin == null || allowed.contains(origin.toLowerCase(Locale.ROOT));
    }

    /** The Access-Control-Allow-Origin value for a request from {@code origin}, or null for none. */
    String allowOriginHeader(String origin) {
        if (allowed.isEmpty()) {
            return "*";
        }
        return origin != null && allowed.contains(origin.toLowerCase(Locale.ROOT)) ? origin : null;
    }
}
