package dev.parley.peerjs;

/** EXPIRE from a client is relayed like LEAVE: to a connected destination only, never queued. */
final class ExpireHandler implements MessageHandler {
    private final Relay relay;

    ExpireHandler(Relay relay) {
        this.relay = relay;
    }

    @Override
    public void handle(Peer sender, ClientFrame frame) {
        if (frame.dst() != null) {
            relay.forward(sender, frame, false);
        }
    }
}
