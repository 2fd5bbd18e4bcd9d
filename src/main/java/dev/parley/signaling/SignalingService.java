package dev.parley.signaling;

import dev.parley.config.IceConfig;
import dev.parley.config.SignalingConfig;
import dev.parley.ice.IceServers;
import dev.parley.metrics.EndpointMetrics;
import dev.parley.room.RoomRegistry;
import dev.parley.room.RoomSettingsStore;
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

    static final int ABNORMAL_CLOSURE = 1006;
    static final int SERVICE_RESTART = 1012;
    /** A page gave up this socket as silent and is resuming on another (PROTOCOL.md, close codes). */
    static final int CLIENT_RESUMING = 4001;
    /** The server closed a socket that left too much unread; like a dropped one, its participant may resume. */
    static final int SLOW_READER = 4005;

    private final SignalingConfig config;
    private final EndpointMetrics metrics;
    private final InstantSource clock;
    private final MessageCodec codec = new MessageCodec();
    private final MessageValidator validator;
    private final Presence presence;
    private final HostlessLocks locks;
    private final MessageRouter router;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    /** Set once the server stops: the sockets it then closes are no departures. */
    private volatile boolean stopping;

    /** In-memory room settings and no metrics: for tests and tools. */
    public SignalingService(SignalingConfig config, RoomRegistry rooms, InstantSource clock, ResumeTokens tokens) {
        this(config, rooms, clock, tokens, new RoomSettingsStore(null, 1000), new IceServers(IceConfig.none(), clock),
                EndpointMetrics.NONE);
    }

    public SignalingService(SignalingConfig config, RoomRegistry rooms, InstantSource clock, ResumeTokens tokens,
            RoomSettingsStore settings, IceServers ice, EndpointMetrics metrics) {
        this(config, rooms, clock, tokens, settings, ice, metrics, RoomMedia.MESH);
    }

    public SignalingService(SignalingConfig config, RoomRegistry rooms, InstantSource clock, ResumeTokens tokens,
            RoomSettingsStore settings, IceServers ice, EndpointMetrics metrics, RoomMedia media) {
        this.metrics = metrics;
        this.config = config;
        this.clock = clock;
        this.validator = new MessageValidator(config);
        this.locks = new HostlessLocks(rooms, settings, codec, clock);
        this.presence = new Presence(rooms, codec, media, locks);
        this.router = new MessageRouter(rooms, codec, config, presence, clock, tokens, settings, ice, media);
    }

    public Session open(String connectionId, Session.Transport transport) {
        return open(connectionId, "unknown", transport);
    }

    public Session open(String connectionId, String address, Session.Transport transport) {
        long now = clock.millis();
        Session session = new Session(connectionId, address, transport,
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
            ClientMessage message = codec.decodeFromClient(text);
            metrics.messageIn(MessageCodec.typeOf(message));
            long start = System.nanoTime();
            router.route(session, validator.validate(message));
            if (message instanceof Message.Signal) {
                metrics.relayed(System.nanoTime() - start);
            }
        } catch (ProtocolException e) {
            metrics.error(e.code().wire());
            reply(session, e.toReply());
        } catch (RuntimeException e) {
            log.error("failed to handle a message on {}", session.connectionId(), e);
            reply(session, ErrorReply.of(ErrorCode.INTERNAL, "the server failed to handle this message"));
        }
    }

    /** Binary frames are not part of the protocol; the sender is told so and nothing else happens. */
    public void receiveBinary(Session session) {
        session.touch(clock.millis());
        metrics.error(ErrorCode.BAD_JSON.wire());
        reply(session, ErrorReply.of(ErrorCode.BAD_JSON, "binary frames are not part of the protocol; send JSON text"));
    }

    /**
     * The socket closed. A close without a close frame (1006: the network or the page died), or one
     * from a page that gave the socket up to resume on another (4001), keeps the participant until the
     * heartbeat timeout, so the page resumes without anyone seeing it leave; every other close is a
     * departure. (Keeping a participant this way is no more than cutting the connection also does.)
     */
    public void closed(Session session, int statusCode) {
        session.markClosed();
        boolean mayResume = statusCode == ABNORMAL_CLOSURE || statusCode == CLIENT_RESUMING || statusCode == SLOW_READER;
        if (stopping || mayResume && session.membership().isPresent()) {
            return;
        }
        sessions.remove(session.connectionId());
        presence.depart(session, "closed");
    }

    /**
     * Tells every client the server is going away (1012: service restart), so pages reconnect and resume.
     * Nobody is announced as leaving: the others are going too, and a "left" would drop tiles and
     * connections whose media keeps flowing while the server restarts.
     */
    public void shutdown() {
        stopping = true;
        for (Session session : sessions.values()) {
            session.transport().close(SERVICE_RESTART, "server restarting");
        }
    }

    /** Lifts the locks of rooms that have been without a host for a while ({@link HostlessLocks}). */
    public void releaseHostlessLocks() {
        locks.release();
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
