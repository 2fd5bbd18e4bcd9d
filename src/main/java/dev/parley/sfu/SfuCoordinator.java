package dev.parley.sfu;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.config.SfuConfig;
import dev.parley.janus.JanusConnection;
import dev.parley.janus.JanusException;
import dev.parley.room.Participant;
import dev.parley.room.Room;
import dev.parley.room.RoomRegistry;
import dev.parley.room.RoomSettings;
import dev.parley.room.RoomSettingsStore;
import dev.parley.security.PasswordHasher;
import dev.parley.signaling.ErrorCode;
import dev.parley.signaling.Message;
import dev.parley.signaling.Message.ErrorReply;
import dev.parley.signaling.Message.MediaMode;
import dev.parley.signaling.Message.SfuPublished;
import dev.parley.signaling.MessageCodec;
import dev.parley.signaling.ProtocolException;
import dev.parley.signaling.RoomMedia;
import dev.parley.signaling.Session.Membership;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs rooms through Janus VideoRoom when they grow past the mesh limit (or are made large, or the
 * operator says so). Browsers only ever talk to Parley: this class turns their offers and answers into
 * Janus requests, and Janus's offers and events into Parley messages. A Janus room has the Parley
 * room's id and a pin, and is destroyed when its last member leaves.
 */
public final class SfuCoordinator implements RoomMedia, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SfuCoordinator.class);
    private static final int JANUS_ROOM_EXISTS = 427;

    private final SfuConfig config;
    private final RoomRegistry rooms;
    private final RoomSettingsStore settings;
    private final MessageCodec codec = new MessageCodec();
    private final ScheduledExecutorService scheduler;
    private final JanusLink link;
    private final Map<String, SfuRoom> sfuRooms = new ConcurrentHashMap<>();
    private final SfuReceiving receiving;
    private final int maxPublishers;
    private volatile Janus janus;

    /** The live connection and the session rooms are created and destroyed on. */
    record Janus(JanusConnection connection, String adminKey, long adminSession, long adminHandle) {}

    public SfuCoordinator(SfuConfig config, RoomRegistry rooms, RoomSettingsStore settings, Path dataDir,
            int maxParticipants, ScheduledExecutorService scheduler) {
        this.config = config;
        this.rooms = rooms;
        this.settings = settings;
        this.scheduler = scheduler;
        this.maxPublishers = maxParticipants;
        this.receiving = new SfuReceiving(this::send, () -> janus);
        this.link = new JanusLink(config, dataDir.resolve("janus"), scheduler, new JanusLink.Events() {
            @Override
            public void up(JanusConnection connection, String adminKey) {
                connected(connection, adminKey);
            }

            @Override
            public void event(JsonNode message) {
                if (!publisherEvent(message)) {
                    receiving.event(sfuRooms.values(), message);
                }
            }

            @Override
            public void down(String why) {
                fallBackToMesh();
            }
        });
    }

    /** Starts or reaches Janus; without it every room stays a mesh (and the log says why). */
    public void start() {
        if (link.start()) {
            long every = config.keepalive().toMillis();
            scheduler.scheduleAtFixedRate(this::keepAlive, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** Whether rooms can move to the SFU right now. */
    public boolean available() {
        return janus != null;
    }

    @Override
    public String admitted(Room room, Participant participant, String password) {
        if (janus == null) {
            return Message.MESH;
        }
        SfuRoom sfu = sfuRooms.get(room.id());
        if (sfu == null) {
            boolean large = settings.find(room.id()).map(RoomSettings::large).orElse(false);
            boolean sfuNow = config.policy() == SfuConfig.Policy.SFU || large || room.size() > config.meshLimit();
            if (!sfuNow) {
                return Message.MESH;
            }
            sfu = open(room.id(), password);
            for (Participant other : room.participants()) {
                if (!other.id().equals(participant.id())) {
                    addMember(sfu, other.id());
                    tellLater(room, other.id(), new MediaMode(Message.SFU,
                            "This call moved to the media server so that " + room.size() + " people can join"));
                }
            }
            log.info("room {} moves to the SFU with {} participants", room.id(), room.size());
        }
        if (!sfu.members.containsKey(participant.id())) {
            addMember(sfu, participant.id());
        }
        tellLater(room, participant.id(), new MediaMode(Message.SFU, null));
        return Message.SFU;
    }

    @Override
    public String resumed(String roomId, String participantId) {
        SfuRoom room = sfuRooms.get(roomId);
        SfuMember member = room == null ? null : room.members.get(participantId);
        if (member == null) {
            return room == null ? Message.MESH : Message.SFU;
        }
        // The old socket may have died with an answer or an offer on its way: say them again.
        rooms.find(roomId).ifPresent(r -> member.unanswered().forEach(m -> tellLater(r, participantId, m)));
        return Message.SFU;
    }

    @Override
    public void departed(String roomId, String participantId) {
        SfuRoom room = sfuRooms.get(roomId);
        SfuMember member = room == null ? null : room.members.remove(participantId);
        if (member == null) {
            return;
        }
        member.abandon();
        room.publishers.remove(member.camera.id);
        room.publishers.remove(member.screen.id);
        CompletableFuture<Void> ended = member.publishing.then(() -> member.ready.handle((ok, error) -> null)
                .thenCompose(ignored -> endSession(member)));
        if (room.members.isEmpty() && sfuRooms.remove(roomId, room)) {
            ended.handle((ok, error) -> null).thenCompose(ignored -> destroy(room));
        }
    }

    @Override
    public void publish(Membership who, String sdp, boolean screen) throws ProtocolException {
        SfuRoom room = sfuRooms.get(who.roomId());
        SfuMember member = memberOf(room, who);
        SfuMember.Feed feed = member.feed(screen);
        log.debug("room {}: {} publishes {}", room.id, member.participantId, feed.id);
        member.publishing.then(() -> member.ready.thenCompose(ignored -> screenHandle(room, member, feed))
                        .thenCompose(handle -> janus().connection().message(member.session, handle,
                                JanusRequests.publish(feed.published), JanusRequests.jsep("offer", sdp))))
                .whenComplete((reply, error) -> {
                    String answer = reply == null ? null : JanusRequests.sdp(reply);
                    if (error != null || answer == null) {
                        log.warn("room {}: Janus refused {}'s offer: {}", room.id, member.participantId,
                                error != null ? error.getMessage() : reply);
                        send(room.id, member.participantId, ErrorReply.of(ErrorCode.SFU_FAILED,
                                "the media server did not accept what you send"));
                        return;
                    }
                    log.debug("room {}: {} published", room.id, member.participantId);
                    SfuPublished published = new SfuPublished(answer, screen ? "screen" : "camera");
                    feed.lastAnswer = published;
                    send(room.id, member.participantId, published);
                    feed.published = true;
                    // Others subscribe once the media is up ("webrtcup"): Janus knows no feed before.
                });
    }

    /** The handle a feed publishes on; a screen gets its own, joined as a second publisher, on first use. */
    private CompletableFuture<Long> screenHandle(SfuRoom room, SfuMember member, SfuMember.Feed feed) {
        if (feed.handle != 0) {
            return CompletableFuture.completedFuture(feed.handle);
        }
        JanusConnection c = janus().connection();
        return c.attach(member.session, JanusRequests.PLUGIN).thenCompose(handle -> {
            feed.handle = handle;
            return c.message(member.session, handle, JanusRequests.joinAsPublisher(room.id, room.pin, feed.id), null)
                    .thenApply(joined -> handle);
        });
    }

    /**
     * A publisher's connection came up (others may now subscribe to it) or went down. True if the
     * message was about a publisher handle and handled here.
     */
    private boolean publisherEvent(JsonNode message) {
        String kind = message.path("janus").asText();
        if (!kind.equals("webrtcup") && !kind.equals("hangup")) {
            return false;
        }
        long handle = message.path("sender").asLong();
        for (SfuRoom room : sfuRooms.values()) {
            for (SfuMember member : room.members.values()) {
                SfuMember.Feed feed = member.camera.handle == handle ? member.camera
                        : member.screen.handle == handle ? member.screen : null;
                if (feed != null && handle != 0) {
                    log.debug("room {}: {}'s publishing connection: {}", room.id, feed.id, kind);
                    if (kind.equals("webrtcup")) {
                        room.publishers.add(feed.id);
                        room.members.values().forEach(other -> receiving.subscribeAll(room, other));
                    } else {
                        room.publishers.remove(feed.id);
                        feed.published = false;
                        feed.lastAnswer = null;
                    }
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public void answer(Membership who, String sdp) throws ProtocolException {
        SfuMember member = memberOf(sfuRooms.get(who.roomId()), who);
        if (!member.answer(sdp)) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "no sfu-offer is waiting for an answer");
        }
    }

    @Override
    public void quality(Membership who, String participantId, String quality) throws ProtocolException {
        SfuRoom room = sfuRooms.get(who.roomId());
        SfuMember member = memberOf(room, who);
        if (!room.members.containsKey(participantId)) {
            throw new ProtocolException(ErrorCode.UNKNOWN_PEER, "no participant '" + participantId + "' in this room");
        }
        receiving.setQuality(member, participantId, SfuMember.Quality.valueOf(quality.toUpperCase(java.util.Locale.ROOT)));
    }

    private static SfuMember memberOf(SfuRoom room, Membership who) throws ProtocolException {
        SfuMember member = room == null ? null : room.members.get(who.participantId());
        if (member == null) {
            throw RoomMedia.notSfu();
        }
        return member;
    }

    private SfuRoom open(String roomId, String password) {
        SfuRoom room = new SfuRoom(roomId, password != null ? password : PasswordHasher.randomSecret(),
                PasswordHasher.randomSecret());
        sfuRooms.put(roomId, room);
        Janus j = janus();
        JanusConnection c = j.connection();
        c.message(j.adminSession(), j.adminHandle(),
                        JanusRequests.createRoom(roomId, j.adminKey(), room.pin, room.secret, maxPublishers), null)
                .exceptionallyCompose(error -> {
                    // 427: a room by that id is still there (its destruction is on its way, or an external
                    // Janus kept it from an earlier Parley): replace it.
                    Throwable cause = error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
                    if (cause instanceof JanusException e && e.code() == JANUS_ROOM_EXISTS) {
                        return c.message(j.adminSession(), j.adminHandle(), JanusRequests.destroyRoomAsAdmin(roomId,
                                j.adminKey()), null).thenCompose(ignored -> c.message(j.adminSession(), j.adminHandle(),
                                JanusRequests.createRoom(roomId, j.adminKey(), room.pin, room.secret, maxPublishers), null));
                    }
                    return CompletableFuture.failedFuture(error);
                })
                .whenComplete((reply, error) -> {
                    if (error != null) {
                        log.warn("room {}: Janus did not create the room: {}", roomId, error.getMessage());
                        room.created.completeExceptionally(error);
                    } else {
                        room.created.complete(null);
                    }
                });
        return room;
    }

    private SfuMember addMember(SfuRoom room, String participantId) {
        SfuMember member = new SfuMember(participantId);
        room.members.put(participantId, member);
        JanusConnection c = janus().connection();
        member.publishing.then(() -> room.created
                .thenCompose(ignored -> c.createSession())
                .thenCompose(session -> {
                    member.session = session;
                    return c.attach(session, JanusRequests.PLUGIN);
                })
                .thenCompose(handle -> {
                    member.camera.handle = handle;
                    return c.message(member.session, handle,
                            JanusRequests.joinAsPublisher(room.id, room.pin, participantId), null);
                })).whenComplete((reply, error) -> {
                    if (error != null) {
                        log.warn("room {}: {} could not join the Janus room: {}", room.id, participantId, error.getMessage());
                        member.ready.completeExceptionally(error);
                        send(room.id, participantId, ErrorReply.of(ErrorCode.SFU_FAILED,
                                "could not reach the media server"));
                        return;
                    }
                    JsonNode privateId = JanusRequests.data(reply).path("private_id");
                    member.privateId = privateId.canConvertToLong() ? privateId.asLong() : null;
                    member.ready.complete(null);
                    receiving.subscribeAll(room, member);
                });
        return member;
    }

    private CompletableFuture<Void> endSession(SfuMember member) {
        Janus j = janus;
        if (j == null || member.session == 0) {
            return CompletableFuture.completedFuture(null);
        }
        return j.connection().destroySession(member.session).handle((ok, error) -> null);
    }

    private CompletableFuture<Void> destroy(SfuRoom room) {
        Janus j = janus;
        if (j == null) {
            return CompletableFuture.completedFuture(null);
        }
        log.info("room {} is empty: its Janus room is destroyed", room.id);
        return j.connection().message(j.adminSession(), j.adminHandle(), JanusRequests.destroyRoom(room.id, room.secret), null)
                .handle((ok, error) -> {
                    if (error != null) {
                        log.warn("room {}: Janus did not destroy the room: {}", room.id, error.getMessage());
                    }
                    return null;
                });
    }

    private void connected(JanusConnection connection, String adminKey) {
        connection.createSession().thenCompose(session -> connection.attach(session, JanusRequests.PLUGIN)
                        .thenAccept(handle -> janus = new Janus(connection, adminKey, session, handle)))
                .exceptionally(error -> {
                    log.warn("Janus is reachable but refused a session: {}", error.getMessage());
                    return null;
                });
    }

    /** Janus is gone: every SFU room goes back to a mesh, and its people are told, so no tile freezes unexplained. */
    private void fallBackToMesh() {
        janus = null;
        for (SfuRoom room : sfuRooms.values()) {
            sfuRooms.remove(room.id, room);
            room.members.values().forEach(SfuMember::abandon);
            rooms.find(room.id).ifPresent(r -> r.broadcast(codec.encode(new MediaMode(Message.MESH,
                    "The media server is unavailable; the call continues peer to peer")), null));
        }
    }

    private void keepAlive() {
        Janus j = janus;
        if (j == null) {
            return;
        }
        j.connection().keepalive(j.adminSession());
        for (SfuRoom room : sfuRooms.values()) {
            for (SfuMember member : room.members.values()) {
                if (member.session != 0) {
                    j.connection().keepalive(member.session);
                }
            }
        }
    }

    private Janus janus() {
        Janus j = janus;
        if (j == null) {
            throw new IllegalStateException("Janus is not connected");
        }
        return j;
    }

    /** Sends once the current room operation (a join under the room's lock) is over, so {@code joined} goes first. */
    private void tellLater(Room room, String participantId, Message message) {
        scheduler.execute(() -> send(room.id(), participantId, message));
    }

    void send(String roomId, String participantId, Message message) {
        rooms.find(roomId).flatMap(room -> room.find(participantId))
                .ifPresent(p -> p.connection().send(codec.encode(message)));
    }

    Optional<JanusLink> link() {
        return Optional.of(link);
    }

    @Override
    public void close() {
        link.close();
    }
}
