package dev.parley.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Large rooms through the Janus VideoRoom media server. Without {@code --sfu} or {@code --janus-url}
 * every room is a peer-to-peer mesh.
 *
 * @param policy        {@code auto}: mesh up to {@code meshLimit} people, SFU above it, and "large
 *                      meetings" SFU from the start; {@code mesh}: never SFU; {@code sfu}: always SFU
 *                      ({@code --media-mode}, {@code PARLEY_MEDIA_MODE}; default auto)
 * @param meshLimit     most people a mesh room holds before it moves to the SFU
 *                      ({@code --mesh-limit}, {@code PARLEY_MESH_LIMIT}; default 4)
 * @param launchJanus   start Janus as a child process ({@code --sfu}, {@code PARLEY_SFU=true})
 * @param janusUrl      an external Janus WebSocket API instead ({@code --janus-url ws://…}, {@code PARLEY_JANUS_URL})
 * @param apiSecret     the external Janus's {@code api_secret} ({@code --janus-api-secret}, {@code PARLEY_JANUS_API_SECRET})
 * @param adminKey      the external Janus's videoroom {@code admin_key} ({@code --janus-admin-key}, {@code PARLEY_JANUS_ADMIN_KEY})
 * @param janusBinary   the program started by {@code --sfu} ({@code --janus-binary}; default {@code janus} on PATH)
 * @param iceInterface  network interface Janus gathers ICE candidates on ({@code --janus-interface};
 *                      default: the first interface that is up and not loopback)
 * @param rtpPortMin    lowest UDP port Janus uses for media ({@code --janus-rtp-ports MIN-MAX}; default 20000-20999)
 * @param rtpPortMax    highest UDP port Janus uses for media
 * @param keepalive     how often Parley keeps each Janus session alive (25 s; Janus drops them after 60 s)
 */
public record SfuConfig(Policy policy, int meshLimit, boolean launchJanus, Optional<URI> janusUrl,
        Optional<String> apiSecret, Optional<String> adminKey, String janusBinary, Optional<String> iceInterface,
        int rtpPortMin, int rtpPortMax, Duration keepalive) {

    public enum Policy { AUTO, MESH, SFU }

    public static final int DEFAULT_MESH_LIMIT = 4;

    public static SfuConfig disabled() {
        return new SfuConfig(Policy.AUTO, DEFAULT_MESH_LIMIT, false, Optional.empty(), Optional.empty(),
                Optional.empty(), "janus", Optional.empty(), 20000, 20999, Duration.ofSeconds(25));
    }

    /** Whether Parley should use a media server at all. */
    public boolean enabled() {
        return (launchJanus || janusUrl.isPresent()) && policy != Policy.MESH;
    }
}
