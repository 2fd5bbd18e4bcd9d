package dev.parley.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The STUN and TURN servers handed to browsers at join. Nothing configured means no external
 * servers: calls on one LAN or on localhost work as they are.
 *
 * @param stunUrls   {@code stun:} URLs ({@code --stun-url}, {@code PARLEY_STUN_URLS})
 * @param turnUrls   {@code turn:}/{@code turns:} URLs ({@code --turn-url}, {@code PARLEY_TURN_URLS})
 * @param turnSecret shared secret of coturn's {@code use-auth-secret} ({@code --turn-secret},
 *                   {@code PARLEY_TURN_SECRET}); never sent to browsers
 * @param turnTtl    lifetime of the TURN credentials (default 6 hours; {@code --turn-ttl SECONDS})
 * @param relayOnly  browsers use TURN relays only ({@code --ice-relay-only}, {@code PARLEY_ICE_RELAY_ONLY=true})
 */
public record IceConfig(List<String> stunUrls, List<String> turnUrls, Optional<String> turnSecret,
        Duration turnTtl, boolean relayOnly) {

    public static final Duration DEFAULT_TURN_TTL = Duration.ofHours(6);

    public static IceConfig none() {
        return new IceConfig(List.of(), List.of(), Optional.empty(), DEFAULT_TURN_TTL, false);
    }
}
