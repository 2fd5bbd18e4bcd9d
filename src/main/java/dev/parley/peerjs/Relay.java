package dev.parley.peerjs;

import dev.parley.peerjs.PendingMessages.Expired;
import dev.parley.peerjs.PendingMessages.Pending;
import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers messages between peers: straight to a connected destination, into the queue for an absent
 * one, and from the queue once it connects. A delivery that fails drops the destination and tells the
 * sender it left, as PeerServer does, so the sender stops waiting for an answer.
 */
final class Relay {
    private static final Logger log = LoggerFactory.getLogger(Relay.class);

    private final PeerRegistry peers;
    private final PendingMessages pending;
    private final InstantSource clock;

    Relay(PeerRegistry peers, PendingMessages pending, InstantSource clock) {
        this.peers = peers;
        this.pending = pending;
        this.clock = clock;
    }

    /**
     * Sends {@code frame} from {@code sender} to its destination with {@code src} set to the sender.
     *
     * @param queueIfAbsent keep it for the destination if that is not connected, or not yet answered OPEN
     *                      (all types but LEAVE and EXPIRE)
     */
    void forward(Peer sender, ClientFrame frame, boolean queueIfAbsent) {
        String dst = frame.dst();
        Peer target = peers.get(dst);
        if (target != null && target.ready()) {
            String json = FrameCodec.relay(frame.type(), sender.idJson(), target.idJson(),
                    frame.text(), frame.payloadStart(), frame.payloadEnd());
            synchronized (target.delivery) { // after whatever waited for it (see Peer#delivery)
                deliver(target, json, sender.id());
            }
            return;
        }
        if (!queueIfAbsent) {
            return;
        }
        Pending message = new Pending(frame.type(), sender.id(), sender.idJson(), frame.payload(), clock.millis());
        if (!pending.add(dst, message)) {
            log.debug("queue for absent peer {} is full; dropped a {} from {}", dst, frame.type(), sender.id());
            return;
        }
        // The destination may have become ready, and drained its queue, between our look-up and the add.
        Peer arrived = peers.get(dst);
        if (arrived != null && arrived.ready()) {
            synchronized (arrived.delivery) {
                flush(arrived);
            }
        }
    }

    /** Delivers whatever waited for {@code target}, oldest first; the caller holds {@code target.delivery}. */
    void flush(Peer target) {
        for (Pending message : pending.drain(target.id())) {
            String payload = message.payload();
            String json = FrameCodec.relay(message.type(), message.senderJson(), target.idJson(),
                    payload, payload == null ? -1 : 0, payload == null ? -1 : payload.length());
            if (!deliver(target, json, message.senderId())) {
                return; // the target is gone; what remains is lost with it, as with PeerServer
            }
        }
    }

    /** Removes messages older than the expire timeout and sends their senders EXPIRE from the missing id. */
    int expire(long cutoff) {
        int told = 0;
        for (Expired expired : pending.expire(cutoff)) {
            Peer sender = peers.get(expired.senderId());
            if (sender != null) {
                deliver(sender, FrameCodec.notice(Wire.Type.EXPIRE, FrameCodec.quote(expired.missingId()),
                        sender.idJson()), null);
                told++;
            }
        }
        return told;
    }

    /**
     * Sends {@code json} to {@code target}; if its socket turns out closed, drops it and sends LEAVE
     * from it to {@code senderId} (null for server-originated messages).
     */
    boolean deliver(Peer target, String json, String senderId) {
        if (target.transport().send(json)) {
            return true;
        }
        // Its socket closed but the close event has not been handled yet.
        peers.drop(target, Wire.CLOSE_UNREACHABLE, "delivery failed");
        Peer sender = senderId == null ? null : peers.get(senderId);
        if (sender != null && sender != target) {
            String leave = FrameCodec.notice(Wire.Type.LEAVE, target.idJson(), sender.idJson());
            if (!sender.transport().send(leave)) {
                peers.drop(sender, Wire.CLOSE_UNREACHABLE, "delivery failed");
            }
        }
        return false;
    }
}
