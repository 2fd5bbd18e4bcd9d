package dev.parley.peerjs;

/**
 * OFFER, ANSWER and CANDIDATE: the WebRTC negotiation, relayed to {@code dst} and queued while the
 * destination is absent, since a callee often connects a moment after the caller dials. The three
 * differ only in what the payload means to the browsers, which the server never reads.
 */
final class SignalHandler implements MessageHandler {
    private final Relay relay;

    SignalHandler(Relay relay) {
        this.relay = relay;
    }

    @Override
    public void handle(Peer sender, ClientFrame frame) {
        if (frame.dst() != null) {
            relay.forward(sender, frame, true);
        }
    }
}
