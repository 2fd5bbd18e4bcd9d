package dev.parley.sfu;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.config.SfuConfig;
import dev.parley.janus.JanusConnection;
import dev.parley.room.Participant;
import dev.parley.room.Room;
import dev.parley.room.RoomRegistry;
import dev.parley.room.RoomSettingsStore;
import dev.parley.security.ServerSecret;
import dev.parley.signaling.ErrorCode;
import dev.parley.signaling.Message;
import dev.parley.signaling.Message.MediaMode;
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
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs rooms through Janus VideoRoom when they grow past the mesh limit (or are made large, or the
 * operator says so). Browsers only ever talk to Parley: this class turns their offers and answers into
 * Janus requests, and Janus's offers and events into Parley messages. A Janus room has the Parley
 * room's id and a pin, and is destroyed when its last member leaves. When the connection to Janus
 * drops, its sessions are claimed on a new one; if Janus itself is gone, the rooms go back to a mesh.
 */
public final class SfuCoordinator implements RoomMedia, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SfuCoordinator.class);
    /** How long a lost connection may take to come back before the rooms give up on the SFU. */
    private static final long RECLAIM_WINDOW_MILLIS = 5000;

    private final SfuConfig config;
    private final RoomRegistry rooms;
    private final SfuPolicy policy;
    private final MessageCodec codec = new MessageCodec();
    private final ScheduledExecutorService scheduler;
    private final JanusLink link;
    private final Map<String, SfuRoom> sfuRooms = new ConcurrentHashMap<>();
    private final JanusRooms janusRooms;
    private final SfuReceiving receiving;
    private final SfuPublishing publishing;
    /** Derives each Janus room's secret, the same after a restart. */
    private final byte[] serverKey;
    private volatile JanusAdmin janus;
    /** Set between a lost connection and its return, while Janus may still hold every session. */
    private final AtomicReference<JanusAdmin> suspended = new AtomicReference<>();

    public SfuCoordinator(SfuConfig config, RoomRegistry rooms, RoomSettingsStore settings, Path dataDir,
            int maxParticipants, ScheduledExecutorService scheduler) {
        this.config = config;
        this.rooms = rooms;
        this.policy = new SfuPolicy(config, settings);
        this.scheduler = scheduler;
        this.serverKey = ServerSecret.load(dataDir);
        this.janusRooms = new JanusRooms(() -> janus, maxParticipants, serverKey);
        this.receiving = new SfuReceiving(this::send, () -> janus);
        this.publishing = new SfuPublishing(this::send, () -> janus, receiving);
        this.link = new JanusLink(config, dataDir.resolve("janus"), scheduler, new JanusLink.Events() {
            @Override
            public void up(JanusConnection connection, String adminKey) {
                connected(connection, adminKey);
            }

            @Override
            public void suspended(String why) {
                suspend(why);
            }

            @Override
            public void event(JsonNode message) {
                if (!receiving.mediaEvent(sfuRooms.values(), message)) {
                    receiving.event(sfuRooms.values(), message);
                }
            }

            @Override
            public void down(String why) {
                suspended.set(null);
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

    /** Whether this server offers large meetings ({@link JanusLink#offered}); Janus may be starting or away. */
    public boolean offered() {
        return link.offered();
    }

    /** Whether rooms can move to the SFU right now. */
    public boolean available() {
        return janus != null;
    }

    @Override
    public String admitted(Room room, Participant participant, String password) {
        SfuRoom sfu = sfuRooms.get(room.id());
        JanusAdmin admin = janus;
        if (admin == null && (sfu == null || suspended.get() == null) || janusRooms.refused(room.id())) {
            return Message.MESH;
        }
        SfuRoom opened = null;
        if (sfu == null) {
            if (!policy.belongsOnSfu(room)) {
                return Message.MESH;
            }
            sfu = opened = moveToSfu(room, participant.id(), password);
        }
        if (!sfu.members.containsKey(participant.id()) && !addMember(sfu, participant.id())) {
            // The call's last member left just now and took this SFU room out of use: open a new one.
            return admitted(room, participant, password);
        }
        tellLater(room, participant.id(), new MediaMode(Message.SFU, null));
        if (opened != null) {
            // Only now: if Janus refuses the room, the "mesh" that says so is queued after every "sfu" above.
            create(opened, admin);
        }
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
        if (rooms.find(roomId).map(r -> r.size() == 0).orElse(true)) {
            janusRooms.emptied(roomId);
        }
        SfuRoom room = sfuRooms.get(roomId);
        SfuMember member = room == null ? null : room.members.remove(participantId);
        if (member == null) {
            return;
        }
        member.abandon();
        room.unpublished(member.camera.id);
        room.unpublished(member.screen.id);
        CompletableFuture<Void> ended = member.publishing.then(() -> member.ready.handle((ok, error) -> null)
                .thenCompose(ignored -> janusRooms.endSession(member)));
        if (room.members.isEmpty()) {
            janusRooms.destroyIfTakenOutOfUse(room, ended, () -> removeIfEmpty(roomId, room));
        }
    }

    /** Takes an emptied call's SFU room out of use, unless someone joined it meanwhile ({@link #addMember}). */
    private boolean removeIfEmpty(String roomId, SfuRoom room) {
        boolean[] removed = {false};
        sfuRooms.computeIfPresent(roomId, (id, current) -> {
            removed[0] = current == room && current.members.isEmpty();
            return removed[0] ? null : current;
        });
        return removed[0];
    }

    @Override
    public void publish(Membership who, String sdp, boolean screen) throws ProtocolException {
        SfuRoom room = sfuRooms.get(who.roomId());
        publishing.publish(room, memberOf(room, who), sdp, screen);
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
        receiving.setQuality(room, member, participantId, SfuMember.Quality.valueOf(quality.toUpperCase(java.util.Locale.ROOT)));
    }

    @Override
    public void candidate(Membership who, String source, Message.IceCandidate candidate) {
        SfuRoom room = sfuRooms.get(who.roomId());
        SfuMember member = room == null ? null : room.members.get(who.participantId());
        // Best effort: candidates still on their way when a call went back to peer to peer are no error.
        if (member != null && source.equals("receive")) {
            receiving.trickle(member, JanusRequests.candidate(candidate));
        } else if (member != null) {
            publishing.trickle(member, source.equals("screen"), JanusRequests.candidate(candidate));
        }
    }

    private static SfuMember memberOf(SfuRoom room, Membership who) throws ProtocolException {
        SfuMember member = room == null ? null : room.members.get(who.participantId());
        if (member == null) {
            throw RoomMedia.notSfu();
        }
        return member;
    }

    /**
     * Opens a room on the SFU with everyone present but the newcomer (null: nobody is joining), each told
     * why. Under the room's lock; the Janus room is made by the caller, after.
     */
    private SfuRoom moveToSfu(Room room, String newcomer, String password) {
        SfuRoom sfu = janusRooms.open(room.id(), password);
        sfuRooms.put(room.id(), sfu);
        String reason = policy.moveReason(room);
        for (Participant other : room.participants()) {
            if (!other.id().equals(newcomer)) {
                addMember(sfu, other.id());
                tellLater(room, other.id(), new MediaMode(Message.SFU, reason));
            }
        }
        log.info("room {} moves to the SFU with {} participants", room.id(), room.size());
        return sfu;
    }

    /**
     * Janus is there (again): calls that belong on the SFU but went on peer to peer meanwhile move now.
     * They are the calls resumed after a restart of this server before Janus was up, and those that fell
     * back to a mesh when Janus was lost; without this they would stay a mesh, however large.
     */
    private void moveWaitingRooms(JanusAdmin admin) {
        for (Room room : rooms.all()) {
            SfuRoom moved = room.whileLocked(() -> sfuRooms.containsKey(room.id()) || janusRooms.refused(room.id())
                    || room.size() == 0 || !policy.belongsOnSfu(room) ? null : moveToSfu(room, null, null));
            if (moved != null) {
                create(moved, admin);
            }
        }
    }

    /**
     * Makes the room's Janus room; members join it once it exists ({@link SfuRoom#created}). Refused, the
     * call stays peer to peer until it empties; cut off by a lost connection, it comes back with Janus.
     */
    private void create(SfuRoom room, JanusAdmin admin) {
        String roomId = room.id;
        janusRooms.create(admin, room).whenComplete((ok, error) -> {
            if (error == null) {
                room.created.complete(null);
                return;
            }
            boolean refused = janusRooms.refusal(roomId, error);
            log.warn("room {}: Janus did not create the room ({}), so the call goes on peer to peer{}", roomId,
                    error.getMessage(), refused ? "" : " until Janus is back");
            // On the scheduler, after the "media-mode" messages of the join that opened the room
            // (tellLater), so everyone's last word is this one.
            scheduler.execute(() -> {
                if (refused && sfuRooms.get(roomId) == room) {
                    janusRooms.refuse(roomId); // not if the call already emptied: its next start tries again
                }
                backToMesh(room, "The media server could not take this call; it continues peer to peer");
                room.created.completeExceptionally(error);
                JanusAdmin now = janus;
                if (!refused && now != null && now != admin) {
                    moveWaitingRooms(now); // Janus came back before this failure was heard
                }
            });
        });
    }

    /**
     * A new member joins the Janus room now, or once a lost connection is back. False (and not added) if
     * the room went out of use meanwhile: the member is put in before that check, so an emptied room's
     * removal ({@link #removeIfEmpty}) and this join always see each other.
     */
    private boolean addMember(SfuRoom room, String participantId) {
        SfuMember member = new SfuMember(participantId);
        room.members.put(participantId, member);
        if (sfuRooms.get(room.id) != room) {
            room.members.remove(participantId);
            return false;
        }
        if (janus != null) {
            publishing.join(room, member);
        }
        return true;
    }

    private void connected(JanusConnection connection, String adminKey) {
        JanusAdmin lost = suspended.getAndSet(null);
        if (lost == null) {
            JanusAdmin.open(connection, adminKey, serverKey).thenAccept(admin -> admin.ifPresent(a -> {
                janus = a;
                moveWaitingRooms(a);
            }));
            return;
        }
        lost.reclaim(connection, sfuRooms.values()).whenComplete((admin, error) -> {
            if (error != null) {
                log.warn("Janus no longer has this server's sessions ({}); rooms on the SFU go back to peer to peer",
                        error.getMessage());
                fallBackToMesh();
                connected(connection, adminKey);
                return;
            }
            janus = admin;
            log.info("took over the Janus sessions of {} rooms on a new connection", sfuRooms.size());
            sfuRooms.values().forEach(room -> publishing.resync(room, admin));
            // Calls that grew (or large ones that began) while the connection was away went on peer to peer.
            moveWaitingRooms(admin);
        });
    }

    /**
     * The connection dropped but Janus may be alive with every session (and the media never stopped):
     * wait for the link to come back, and fall back to a mesh if it does not come back in time.
     */
    private void suspend(String why) {
        JanusAdmin lost = janus;
        janus = null;
        if (lost == null || sfuRooms.isEmpty()) {
            return;
        }
        suspended.set(lost);
        scheduler.schedule(() -> {
            if (suspended.compareAndSet(lost, null)) {
                log.warn("Janus did not come back within {} ms ({}); rooms on the SFU go back to peer to peer",
                        RECLAIM_WINDOW_MILLIS, why);
                fallBackToMesh();
            }
        }, RECLAIM_WINDOW_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Janus is gone: every SFU room goes back to a mesh. */
    private void fallBackToMesh() {
        janus = null;
        for (SfuRoom room : sfuRooms.values()) {
            backToMesh(room, "The media server is unavailable; the call continues peer to peer");
        }
    }

    /** One room leaves the SFU, and its people are told why, so no tile freezes unexplained. */
    private void backToMesh(SfuRoom room, String reason) {
        if (!sfuRooms.remove(room.id, room)) {
            return;
        }
        room.members.values().forEach(SfuMember::abandon);
        rooms.find(room.id).ifPresent(r -> r.broadcast(codec.encode(new MediaMode(Message.MESH, reason)), null));
    }

    private void keepAlive() {
        JanusAdmin j = janus;
        if (j != null) {
            j.keepAlive(sfuRooms.values());
        }
    }

    /** Sends once the current room operation (a join under the room's lock) is over, so {@code joined} goes first. */
    private void tellLater(Room room, String participantId, Message message) {
        scheduler.execute(() -> send(room.id(), participantId, message));
    }

    void send(String roomId, String participantId, Message message) {
        rooms.find(roomId).flatMap(room -> room.find(participantId))
                .ifPresent(p -> p.connection().send(codec.encode(message)));
    }

    Optional<SfuRoom> room(String roomId) {
        return Optional.ofNullable(sfuRooms.get(roomId));
    }

    Optional<JanusLink> link() {
        return Optional.of(link);
    }

    @Override
    public void close() {
        link.close();
    }
}
