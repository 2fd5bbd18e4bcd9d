package dev.parley.signaling;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Every message of the {@code /ws} protocol, as documented in PROTOCOL.md. The {@code type} field on
 * the wire picks the record. Messages a client may send also implement {@link ClientMessage}, so the
 * router's switch over them is checked for completeness by the compiler.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Message.Join.class, name = "join"),
    @JsonSubTypes.Type(value = Message.Joined.class, name = "joined"),
    @JsonSubTypes.Type(value = Message.ParticipantJoined.class, name = "participant-joined"),
    @JsonSubTypes.Type(value = Message.ParticipantLeft.class, name = "participant-left"),
    @JsonSubTypes.Type(value = Message.Signal.class, name = "signal"),
    @JsonSubTypes.Type(value = Message.Ping.class, name = "ping"),
    @JsonSubTypes.Type(value = Message.Pong.class, name = "pong"),
    @JsonSubTypes.Type(value = Message.Leave.class, name = "leave"),
    @JsonSubTypes.Type(value = Message.ErrorReply.class, name = "error"),
    @JsonSubTypes.Type(value = Message.MediaState.class, name = "media-state"),
    @JsonSubTypes.Type(value = Message.Chat.class, name = "chat"),
    @JsonSubTypes.Type(value = Message.ChatHistory.class, name = "chat-history"),
    @JsonSubTypes.Type(value = Message.Hand.class, name = "hand"),
    @JsonSubTypes.Type(value = Message.Reaction.class, name = "reaction"),
    @JsonSubTypes.Type(value = Message.Moderate.class, name = "moderate"),
    @JsonSubTypes.Type(value = Message.Moderated.class, name = "moderated"),
    @JsonSubTypes.Type(value = Message.RoomState.class, name = "room-state"),
    @JsonSubTypes.Type(value = Message.MeetingEnded.class, name = "meeting-ended"),
    @JsonSubTypes.Type(value = Message.MediaMode.class, name = "media-mode"),
    @JsonSubTypes.Type(value = Message.SfuPublish.class, name = "sfu-publish"),
    @JsonSubTypes.Type(value = Message.SfuPublished.class, name = "sfu-published"),
    @JsonSubTypes.Type(value = Message.SfuOffer.class, name = "sfu-offer"),
    @JsonSubTypes.Type(value = Message.SfuAnswer.class, name = "sfu-answer"),
    @JsonSubTypes.Type(value = Message.SfuQuality.class, name = "sfu-quality"),
    @JsonSubTypes.Type(value = Message.SfuCandidate.class, name = "sfu-candidate"),
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface Message {

    /** The protocol version this server speaks; a {@code join} must carry it. */
    int VERSION = 1;

    /** Messages a client is allowed to send. */
    sealed interface ClientMessage extends Message
            permits Join, Signal, Ping, Leave, MediaState, Chat, Hand, Reaction, Moderate, SfuPublish, SfuAnswer,
                    SfuQuality, SfuCandidate {}

    /** How a room carries media: peer to peer ({@code mesh}) or through the media server ({@code sfu}). */
    String MESH = "mesh";
    String SFU = "sfu";

    /**
     * A participant as others see it, with what they share. While presenting, {@code screenOrder} says
     * when the screen started among the room's presentations (higher is later); absent otherwise.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ParticipantInfo(String id, String name, boolean audio, boolean video, boolean screen, boolean hand,
            boolean moderator, Long screenOrder) {}

    /**
     * Client asks to enter a room under a display name; {@code audio} and {@code video} say whether
     * its microphone and camera start on (both default to on). {@code resume}, when present, is the
     * token from an earlier {@code joined}: the client comes back as that same participant.
     * {@code password} is the room's password, and {@code moderatorKey} the creator's key, if any.
     */
    record Join(Integer version, String room, String name, Boolean audio, Boolean video, String resume,
            String password, String moderatorKey) implements ClientMessage {
        public Join(Integer version, String room, String name) {
            this(version, room, name, true, true, null, null, null);
        }
    }

    /**
     * Server admits the client: its own id, everyone already present, how often to ping, a single-use
     * token to resume with after a lost connection, whether this join resumed an earlier one, and the
     * ICE configuration (STUN/TURN servers with fresh credentials, transport policy) to call with, and
     * the room's media mode: {@code mesh} (offer to everyone listed) or {@code sfu} (publish and wait
     * for {@code sfu-offer}).
     */
    record Joined(int version, String id, String room, List<ParticipantInfo> participants, long heartbeatMs,
            String resumeToken, boolean resumed, boolean moderator, boolean locked, List<IceServer> iceServers,
            String iceTransportPolicy, String mode) implements Message {}

    /** One entry of the browser's {@code RTCConfiguration.iceServers}; TURN entries carry credentials. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record IceServer(List<String> urls, String username, String credential) {}

    /** Server tells the room that someone arrived. */
    record ParticipantJoined(ParticipantInfo participant) implements Message {}

    /** Server tells the room that someone is gone; reason is {@code left}, {@code closed} or {@code timeout}. */
    record ParticipantLeft(String id, String reason) implements Message {}

    /**
     * An SDP description or ICE candidate for one peer. Clients name the peer in {@code to}; the server
     * sets {@code from} to the sender's id whatever the client wrote.
     */
    record Signal(String from, String to, JsonNode data) implements ClientMessage {}

    /** Client heartbeat. */
    record Ping() implements ClientMessage {}

    /** Server answer to {@link Ping}. */
    record Pong() implements Message {}

    /** Client leaves the room on purpose. */
    record Leave() implements ClientMessage {}

    /**
     * What a participant sends: microphone, camera and screen on or off. The server sets {@code from},
     * and {@code screenOrder} while the screen is on (as in {@link ParticipantInfo}).
     */
    record MediaState(String from, Boolean audio, Boolean video, Boolean screen, Long screenOrder)
            implements ClientMessage {}

    /**
     * A chat message. Clients send only {@code text}; the server sets {@code from}, {@code name} and
     * {@code ts} (epoch milliseconds) and sends it to everyone in the room, the sender included.
     */
    record Chat(String from, String name, String text, Long ts) implements ClientMessage {}

    /** Recent chat of the room, oldest first, sent to a newcomer right after {@code joined}. */
    record ChatHistory(List<Chat> messages) implements Message {}

    /** A hand raised or lowered. The server sets {@code from}. */
    record Hand(String from, Boolean raised) implements ClientMessage {}

    /** A quick reaction shown to everyone for a moment. The server sets {@code from}. */
    record Reaction(String from, String emoji) implements ClientMessage {}

    /**
     * A moderator acts on the room: {@code mute}, {@code remove} (both need {@code target}), {@code lock},
     * {@code unlock} or {@code end}.
     */
    record Moderate(String action, String target) implements ClientMessage {}

    /** Tells a participant a moderator acted on it: {@code mute} (it may unmute) or {@code remove}. */
    record Moderated(String action, String by) implements Message {}

    /** The room's lock changed; sent to everyone. */
    record RoomState(boolean locked) implements Message {}

    /** A moderator ended the meeting for everyone; the server then closes every socket of the room. */
    record MeetingEnded(String by) implements Message {}

    /**
     * The room's media mode changed, or this participant must (re)publish: {@code sfu} means publish with
     * {@code sfu-publish} and keep the mesh connections until the media server's streams flow; {@code mesh}
     * means the media server is gone and peers connect directly again. {@code reason} is for people.
     */
    record MediaMode(String mode, String reason) implements Message {}

    /**
     * Client offers what it sends to the media server: an SDP offer, its ICE candidates following in
     * {@code sfu-candidate}. {@code source} is {@code camera} (microphone and camera; the default) or
     * {@code screen} (a shared screen, published as a second feed).
     */
    record SfuPublish(String sdp, String source) implements ClientMessage {}

    /** The media server's SDP answer to {@code sfu-publish}, for that {@code source}. */
    record SfuPublished(String sdp, String source) implements Message {}

    /**
     * The media server offers what this participant receives, with the participant behind each
     * {@code mid}. {@code fresh} means a new receiving connection: drop any earlier one.
     */
    record SfuOffer(String sdp, List<SfuStream> streams, boolean fresh) implements Message {}

    /**
     * One received stream: the transceiver {@code mid}, whose it is, {@code audio} or {@code video}, and
     * its {@code source}: {@code camera} (with the microphone) or {@code screen}.
     */
    record SfuStream(String mid, String participant, String kind, String source) {}

    /** Client answers an {@code sfu-offer}: an SDP answer, its ICE candidates following in {@code sfu-candidate}. */
    record SfuAnswer(String sdp) implements ClientMessage {}

    /**
     * Client asks for a participant's video in {@code high} quality (a large tile), {@code low} (a grid
     * tile) or {@code off} (not shown: past the last-N limit).
     */
    record SfuQuality(String participant, String quality) implements ClientMessage {}

    /**
     * One ICE candidate of a connection to the media server, sent after its SDP (trickle ICE): the
     * {@code camera} or {@code screen} publishing connection, or the {@code receive} one. A null
     * {@code candidate} means that connection has gathered all of them.
     */
    record SfuCandidate(String source, IceCandidate candidate) implements ClientMessage {}

    /** An ICE candidate as the browser's {@code RTCIceCandidate} gives it. */
    record IceCandidate(String candidate, String sdpMid, Integer sdpMLineIndex) {}

    /** Something the client sent was refused; {@code code} is stable, {@code message} is for people. */
    record ErrorReply(String code, String message) implements Message {
        public static ErrorReply of(ErrorCode code, String message) {
            return new ErrorReply(code.wire(), message);
        }
    }
}
