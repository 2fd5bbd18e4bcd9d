package dev.parley.signaling.handler;

import dev.parley.config.SignalingConfig;
import dev.parley.config.IceConfig;
import dev.parley.ice.IceServers;
import dev.parley.room.RoomRegistry;
import dev.parley.room.RoomSettingsStore;
import dev.parley.signaling.Message.Join;
import dev.parley.signaling.MessageCodec;
import dev.parley.signaling.HostlessLocks;
import dev.parley.signaling.Presence;
import dev.parley.signaling.ResumeTokens;
import dev.parley.support.MutableClock;
import java.time.Duration;
import dev.parley.signaling.ProtocolException;
import dev.parley.signaling.Session;
import dev.parley.signaling.TokenBucket;
import dev.parley.support.RecordingTransport;

/** Real rooms and handlers with recording sockets in place of WebSockets. */
final class HandlerFixture {
    static final String ROOM = "0f8e9c3a-5b1d-4c2e-9a7f-3d6b8e1c2a4f";
    static final String OTHER_ROOM = "11111111-2222-3333-4444-555555555555";

    final SignalingConfig config = SignalingConfig.defaults();
    final RoomRegistry rooms = new RoomRegistry(200, 1000);
    final MessageCodec codec = new MessageCodec();
    final RoomSettingsStore settings = new RoomSettingsStore(null, 100);
    final MutableClock tokenClock = new MutableClock();
    final HostlessLocks locks = new HostlessLocks(rooms, settings, codec, tokenClock);
    final Presence presence = new Presence(rooms, codec, locks);
    final ResumeTokens tokens = new ResumeTokens(new byte[32], tokenClock, Duration.ofHours(1));
    final JoinHandler join = new JoinHandler(rooms, codec, config, presence, tokens,
            new RoomGate(settings, tokenClock), settings, new IceServers(IceConfig.none(), tokenClock));
    private int sessions;

    Session session(RecordingTransport transport) {
        return new Session("c" + (++sessions), transport, new TokenBucket(10, 10, 0), new TokenBucket(2, 10, 0), 0);
    }

    /** A session that has joined a room, with its joined reply cleared. */
    Session joined(RecordingTransport transport, String room, String name) throws ProtocolException {
        Session session = session(transport);
        join.handle(session, new Join(1, room, name));
        transport.clear();
        return session;
    }

    static String id(Session session) {
        return session.membership().orElseThrow().participantId();
    }
}
