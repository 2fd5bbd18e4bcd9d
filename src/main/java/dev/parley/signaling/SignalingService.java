package dev.parley.signaling;

import dev.parley.config.SignalingConfig;
import dev.parley.room.RoomRegistry;
import dev.parley.signaling.Message.ClientMessage;
import dev.parley.signaling.Message.ErrorReply;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signaling protocol apart from its socket: sessions open, receive text and close. Every frame
 * is checked for size, rate, JSON shape and values before a handler sees it, and a refusal goes back
 * to the sender alone as an {@code error} message.
 */
public final class SignalingService {
    private static final Logger log = LoggerFactory.getLogger(SignalingService.class);

    private final SignalingConfig config;
    private final InstantSource clock;
    private final MessageCodec codec = new MessageCodec();
    private final MessageValidator validator;
    private final Presence presence;
    private final MessageRouter router;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    public SignalingService(SignalingConfig config, RoomRegistry rooms, InstantSource clock) {
        this.config = config;
        this.clock = clock;
        this.validator = new MessageValidator(config);
        this.presence = new Presence(rooms, codec);
        this.router = new MessageRouter(rooms, codec, config, presence, clock);
    }

    public Session open(String connectionId, Session.Transport transport) {
        long now = clock.millis();
        Session session = new Session(connectionId, transport,
                new TokenBucket(config.messagesPerSecond(), config.messageBurst(), now),
                new TokenBucket(config.chatPerSecond(), config.chatBurst(), now), now);
        sessions.put(connectionId, session);
        return session;
    }

    public void receive(Session session, String text) {
        long now = clock.millis();
        session.touch(now);
        try {
            if (!session.rateLimit().tryTake(now)) {
                throw new ProtocolException(ErrorCode.RATE_LIMITED,
                        "too many messages; at most " + config.messagesPerSecond() + " per second");
            }
            if (utf8Length(text) > config.maxFrameBytes()) {
                throw new ProtocolException(ErrorCode.TOO_LARGE,
                        "message larger than " + config.maxFrameBytes() + " bytes");
            }
            ClientMessage message = validator.validate(codec.decodeFromClient(text));
            router.route(session, message);
        } catch (ProtocolException e) {
            reply(session, e.toReply());
        } catch (RuntimeException e) {
            log.error("failed to handle a message on {}", session.connectionId(), e);
            reply(session, ErrorReply.of(ErrorCode.INTERNAL, "the server failed to handle this message"));
        }
    }

    public void closed(Session session) {
        session.markClosed();
        sessions.remove(session.connectionId());
        presence.depart(session, "closed");
    }

    /** Drops sessions silent for longer than the heartbeat timeout; returns how many. */
    public int expireSilent() {
        long cutoff = clock.millis() - config.heartbeatTimeout().toMillis();
        int expired = 0;
        for (Session session : sessions.values()) {
            if (session.lastSeenMillis() < cutoff) {
                expired++;
                sessions.remove(session.connectionId());
                session.markClosed();
                presence.depart(session, "timeout");
                session.transport().close(4000, "heartbeat timeout");
            }
        }
        return expired;
    }

    public Collection<Session> sessions() {
        return Collections.unmodifiableCollection(sessions.values());
    }

    public MessageCodec codec() {
        return codec;
    }

    private void reply(Session session, ErrorReply error) {
        session.transport().send(codec.encode(error));
    }

    /** Exact UTF-8 size, computed only when the character count leaves it in doubt. */
    private int utf8Length(String text) {
        if (text.length() > config.maxFrameBytes() || text.length() * 3 <= config.maxFrameBytes()) {
            return text.length();
        }
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
