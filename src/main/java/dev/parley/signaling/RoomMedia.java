package dev.parley.signaling;

import dev.parley.room.Participant;
import dev.parley.room.Room;
import dev.parley.signaling.Session.Membership;

/**
 * What carries a room's audio and video: the browsers themselves (a mesh), or a media server. The
 * signaling handlers tell it who comes and goes, and pass on the media server's own messages.
 */
public interface RoomMedia {

    /**
     * A participant was admitted to a room (new, or back after a server restart). Runs under the
     * room's lock, so it only decides and queues work. Returns the mode for the participant's {@code joined}.
     *
     * @param password the room password the participant gave, or null
     */
    String admitted(Room room, Participant participant, String password);

    /**
     * A participant came back on a new socket (nothing changed for the others). Returns the room's mode;
     * whatever the media server said that the old socket may have lost is said again.
     */
    String resumed(String roomId, String participantId);

    /** A participant left the room for good. */
    void departed(String roomId, String participantId);

    /** The participant's SDP offer for what it sends from a source: its camera (and microphone) or its screen. */
    void publish(Membership member, String sdp, boolean screen) throws ProtocolException;

    /** The participant's SDP answer to the last {@code sfu-offer}. */
    void answer(Membership member, String sdp) throws ProtocolException;

    /** Which quality of another participant's video this participant wants: high, low or off. */
    void quality(Membership member, String participantId, String quality) throws ProtocolException;

    /**
     * One ICE candidate of the participant's connection to the media server (source camera, screen or
     * receive), or null once that connection has gathered them all.
     */
    void candidate(Membership member, String source, Message.IceCandidate candidate) throws ProtocolException;

    /** Every room is a mesh: media goes from browser to browser, and the SFU messages are refused. */
    RoomMedia MESH = new RoomMedia() {
        @Override
        public String admitted(Room room, Participant participant, String password) {
            return Message.MESH;
        }

        @Override
        public String resumed(String roomId, String participantId) {
            return Message.MESH;
        }

        @Override
        public void departed(String roomId, String participantId) {}

        @Override
        public void publish(Membership member, String sdp, boolean screen) throws ProtocolException {
            throw notSfu();
        }

        @Override
        public void answer(Membership member, String sdp) throws ProtocolException {
            throw notSfu();
        }

        @Override
        public void quality(Membership member, String participantId, String quality) throws ProtocolException {
            throw notSfu();
        }

        @Override
        public void candidate(Membership member, String source, Message.IceCandidate candidate) throws ProtocolException {
            throw notSfu();
        }
    };

    static ProtocolException notSfu() {
        return new ProtocolException(ErrorCode.NOT_SFU, "this room is not using the media server");
    }
}
