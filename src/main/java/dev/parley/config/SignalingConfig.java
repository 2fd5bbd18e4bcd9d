package dev.parley.config;

import java.time.Duration;

/**
 * Limits and timings of the {@code /ws} signaling endpoint.
 *
 * @param maxFrameBytes       largest text frame accepted; larger ones get a {@code too-large} error
 * @param heartbeatInterval   how often clients are asked to send {@code ping}
 * @param heartbeatTimeout    silence after which a participant is dropped as gone
 * @param maxParticipants     participants per room; beyond it joins get {@code room-full}
 * @param maxNameLength       longest display name, in code points
 * @param messagesPerSecond   sustained message rate per connection (token bucket refill)
 * @param messageBurst        message burst per connection (token bucket size)
 * @param maxChatLength       longest chat message, in code points
 * @param chatHistorySize     chat messages kept per room for late joiners
 * @param chatPerSecond       sustained rate of chat messages and reactions per connection
 * @param chatBurst           burst of chat messages and reactions per connection
 * @param resumeTokenLifetime how long a resume token stays valid
 */
public record SignalingConfig(
        int maxFrameBytes,
        Duration heartbeatInterval,
        Duration heartbeatTimeout,
        int maxParticipants,
        int maxNameLength,
        int messagesPerSecond,
        int messageBurst,
        int maxChatLength,
        int chatHistorySize,
        int chatPerSecond,
        int chatBurst,
        Duration resumeTokenLifetime) {

    /**
     * 64 KiB frames; ping every 2 s, dropped after 8 s of silence (a lost network shows within seconds); 50 per room; 50 messages/s with
     * bursts of 200; chat of up to 2,000 characters, the last 200 kept, 2 per second with bursts of 10;
     * resume tokens valid for 12 hours.
     */
    public static SignalingConfig defaults() {
        return new SignalingConfig(64 * 1024, Duration.ofSeconds(2), Duration.ofSeconds(8), 50, 64, 50, 200,
                2000, 200, 2, 10, Duration.ofHours(12));
    }

    public SignalingConfig withHeartbeat(Duration interval, Duration timeout) {
        return new SignalingConfig(maxFrameBytes, interval, timeout, maxParticipants, maxNameLength,
                messagesPerSecond, messageBurst, maxChatLength, chatHistorySize, chatPerSecond, chatBurst,
                resumeTokenLifetime);
    }
}
