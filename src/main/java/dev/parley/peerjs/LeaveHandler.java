package dev.parley.peerjs;

/**
 * LEAVE with a destination tells that peer the sender closed their connection; it is not queued, since
 * an absent peer has nothing to close. Without a destination the sender is leaving the server.
 */
final class LeaveHandler implements MessageHandler {
    private final PeerRegistry peers;
    private final Relay relay;

    LeaveHandler(PeerRegistry peers, Relay relay) {
        this.peers = peers;
        this.relay = relay;
    }

    @Override
    public void handle(Peer sender, ClientFrame frame) {
        if (frame.dst() != null) {
            relay.forward(sender, frame, false);
        } else {
            // PeerServer forgets the id but leaves the socket open; closing it too keeps one id per socket.
            peers.drop(sender, Wire.CLOSE_NORMAL, "left");
        }
    }
}
