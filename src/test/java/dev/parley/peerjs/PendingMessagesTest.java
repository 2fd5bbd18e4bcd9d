package dev.parley.peerjs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.peerjs.PendingMessages.Expired;
import dev.parley.peerjs.PendingMessages.Pending;
import org.junit.jupiter.api.Test;

class PendingMessagesTest {

    private static Pending from(String sender, String payload, long at) {
        return new Pending(Wire.Type.OFFER, sender, FrameCodec.quote(sender), payload, at);
    }

    @Test
    void drainingAndExpiringGiveBackEveryByteAndCount() {
        PendingMessages pending = new PendingMessages(10, 1_000_000);
        assertThat(pending.add("x", from("a", "{\"n\":1}", 0))).isTrue();
        assertThat(pending.add("x", from("b", null, 5))).isTrue();
        assertThat(pending.add("y", from("a", "[]", 10))).isTrue();
        assertThat(pending.size()).isEqualTo(3);
        assertThat(pending.weight()).isPositive();

        assertThat(pending.expire(5)).containsExactlyInAnyOrder(new Expired("x", "a"), new Expired("x", "b"));
        assertThat(pending.size()).isEqualTo(1);
        assertThat(pending.drain("x")).isEmpty();
        assertThat(pending.drain("y")).extracting(Pending::payload).containsExactly("[]");
        assertThat(pending.size()).isZero();
        assertThat(pending.weight()).isZero();
    }

    @Test
    void aSenderIsToldOncePerMissingIdHoweverManyOfItsMessagesExpire() {
        PendingMessages pending = new PendingMessages(10, 1_000_000);
        for (int i = 0; i < 5; i++) {
            pending.add("x", from("a", "{}", i));
        }
        assertThat(pending.expire(100)).containsExactly(new Expired("x", "a"));
        assertThat(pending.expire(100)).isEmpty();
    }

    @Test
    void anExpiredOfferTakesTheSendersLaterCandidatesWithItAndIsToldOnce() {
        PendingMessages pending = new PendingMessages(10, 1_000_000);
        pending.add("x", from("a", "{\"sdp\":1}", 0));
        pending.add("x", from("b", "{}", 50));
        pending.add("x", from("a", "{\"candidate\":1}", 600));
        pending.add("x", from("a", "{\"candidate\":2}", 1200));

        assertThat(pending.expire(10)).as("a's offer is too old: all of a's messages go").containsExactly(new Expired("x", "a"));
        assertThat(pending.size()).as("b's message, still young").isEqualTo(1);
        assertThat(pending.expire(1000)).containsExactly(new Expired("x", "b"));
        assertThat(pending.expire(5000)).as("nothing left to tell a about a second time").isEmpty();
        assertThat(pending.weight()).isZero();
    }

    @Test
    void limitsRefuseWithoutKeepingAnything() {
        PendingMessages perPeer = new PendingMessages(2, 1_000_000);
        assertThat(perPeer.add("x", from("a", "1", 0))).isTrue();
        assertThat(perPeer.add("x", from("a", "2", 0))).isTrue();
        long full = perPeer.weight();
        assertThat(perPeer.add("x", from("a", "3", 0))).isFalse();
        assertThat(perPeer.weight()).isEqualTo(full);
        assertThat(perPeer.add("y", from("a", "3", 0))).isTrue();

        PendingMessages total = new PendingMessages(100, 200);
        assertThat(total.add("x", from("a", "x".repeat(100), 0))).isTrue();
        assertThat(total.add("y", from("a", "x".repeat(100), 0))).isFalse();
        assertThat(total.size()).isEqualTo(1);
        total.drain("x");
        assertThat(total.add("y", from("a", "x".repeat(100), 0))).isTrue();
    }
}
