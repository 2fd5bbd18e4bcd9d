package dev.parley.config;

import java.util.Set;

/**
 * Who may connect to {@code /ws}, and how much of the server one client may take.
 *
 * @param allowedOrigins       browser origins allowed besides the server's own; empty means same-origin only
 * @param maxConnectionsPerIp  open signaling sockets per client address (default 50)
 * @param maxRooms             rooms with someone in them, server-wide (default 10,000)
 */
public record AccessConfig(Set<String> allowedOrigins, int maxConnectionsPerIp, int maxRooms) {
    public static AccessConfig defaults() {
        return new AccessConfig(Set.of(), 50, 10_000);
    }
}
