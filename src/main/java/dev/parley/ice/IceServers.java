package dev.parley.ice;

import dev.parley.config.IceConfig;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/** Builds each participant's RTCPeerConnection configuration: servers, fresh TURN credentials, policy. */
public final class IceServers {
    /** One entry of {@code RTCConfiguration.iceServers}. */
    public record Server(List<String> urls, String username, String credential) {}

    private final IceConfig config;
    private final InstantSource clock;

    public IceServers(IceConfig config, InstantSource clock) {
        this.config = config;
        this.clock = clock;
    }

    public List<Server> forParticipant(String participantId) {
        List<Server> servers = new ArrayList<>(2);
        if (!config.stunUrls().isEmpty()) {
            servers.add(new Server(config.stunUrls(), null, null));
        }
        if (!config.turnUrls().isEmpty()) {
            String username = null;
            String credential = null;
            if (config.turnSecret().isPresent()) {
                long expiry = clock.instant().plus(config.turnTtl()).getEpochSecond();
                username = TurnCredentials.username(expiry, participantId);
                credential = TurnCredentials.password(config.turnSecret().get(), username);
            }
            servers.add(new Server(config.turnUrls(), username, credential));
        }
        return servers;
    }

    /** {@code relay} forces every call through TURN (for diagnosis and tests); otherwise {@code all}. */
    public String transportPolicy() {
        return config.relayOnly() ? "relay" : "all";
    }
}
