package dev.parley.config;

import java.time.Duration;

/**
 * Limits and timings of the {@code /ws} signaling endpoint.
 *
 * @param maxFrameBytes      largest text frame accepted; larger ones get a {@code too-large} error
 * @param heartbeatInterval  how often clients are asked to send {@code ping}
 * @param heartbeatTimeout   silence after which a participant is dropped as gone
 * @param maxParticipants    participants per room; beyond it joins get {@code room-full}
 * @param maxNameLength      longest display name, in code points
 * @param messagesPerSecond  sustained message rate per connection (token bucket refill)
 * @param messageBurst       message burst per connection (token bucket size)
 */
public record SignalingConfig(
        int maxFrameBytes,
        Duration heartbeatInterval,
        Duration heartbeatTimeout,
        int maxParticipants,
        int maxNameLength,
        int messagesPerSecond,
        int messageBurst) {

    /** 64 KiB frames, ping every 5 s, dropped after 15 s of silence, 50 per room, 50 msg/s with bursts of 200. */
    public static SignalingConfig defaults() {
        return new SignalingConfig(64 * 1024, Duration.ofSeconds(5), Duration.ofSeconds(15), 50, 64, 50, 200);
    }

    public SignalingConfig withHeartbeat(Duration interval, Duration timeout) {
        return new SignalingConfig(maxFrameBytes, interval, timeout, maxParticipants, maxNameLength,
                messagesPerSecond, messageBurst);
    }
}
