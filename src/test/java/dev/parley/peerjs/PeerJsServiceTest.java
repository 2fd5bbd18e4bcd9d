package dev.parley.peerjs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.support.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The service with an injected clock: expiry and liveness tested to the millisecond, without waiting. */
class PeerJsServiceTest {
    private final MutableClock clock = new MutableClock();

    private PeerJsService service(int perPeer, long totalBytes) {
        return new PeerJsService(new PeerJsConfig("peerjs", Duration.ofSeconds(5), Duration.ofSeconds(60), 5000,
                false, 64 * 1024, Set.of(), perPeer, totalBytes), clock);
    }

    private PeerJsService service() {
        return service(64, 16L * 1024 * 1024);
    }

    private static Peer open(PeerJsService service, String id, FakeTransport transport) {
        Peer peer = service.open("peerjs", id, "token-" + id, transport);
        assertThat(peer).as("registration of " + id).isNotNull();
        assertThat(transport.texts()).first().isEqualTo("{\"type\":\"OPEN\"}");
        transport.clear();
        return peer;
    }

    private static String offer(String dst) {
        return "{\"type\":\"OFFER\",\"dst\":\"" + dst + "\",\"payload\":{\"sdp\":\"v=0\"}}";
    }

    @Test
    void queuedMessagesExpireAtTheTimeoutAndTheSenderIsToldOncePerMissingId() {
        PeerJsService service = service();
        FakeTransport a = new FakeTransport();
        FakeTransport b = new FakeTransport();
        Peer pa = open(service, "a", a);
        Peer pb = open(service, "b", b);

        service.receive(pa, offer("ghost"));
        service.receive(pa, "{\"type\":\"CANDIDATE\",\"dst\":\"ghost\",\"payload\":{}}");
        clock.advance(Duration.ofSeconds(2));
        service.receive(pb, offer("ghost"));
        service.receive(pa, offer("other"));
        assertThat(service.queuedCount()).isEqualTo(4);

        clock.advance(Duration.ofMillis(2999));
        service.sweep();
        assertThat(a.texts()).isEmpty();

        clock.advance(Duration.ofMillis(1)); // a's first messages are now exactly 5 s old
        service.sweep();
        assertThat(a.texts()).containsExactlyInAnyOrder(
                "{\"type\":\"EXPIRE\",\"src\":\"ghost\",\"dst\":\"a\"}");
        assertThat(b.texts()).isEmpty();
        assertThat(service.queuedCount()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(2));
        service.sweep();
        assertThat(a.texts()).containsExactlyInAnyOrder(
                "{\"type\":\"EXPIRE\",\"src\":\"ghost\",\"dst\":\"a\"}",
                "{\"type\":\"EXPIRE\",\"src\":\"other\",\"dst\":\"a\"}");
        assertThat(b.texts()).containsExactly("{\"type\":\"EXPIRE\",\"src\":\"ghost\",\"dst\":\"b\"}");
        assertThat(service.queuedCount()).isZero();
    }

    @Test
    void aQueuedMessageIsDeliveredWithItsOriginalSenderWhenTheIdConnects() {
        PeerJsService service = service();
        FakeTransport a = new FakeTransport();
        Peer pa = open(service, "a", a);
        service.receive(pa, "{\"type\":\"OFFER\",\"src\":\"forged\",\"dst\":\"late\",\"payload\":{\"n\":1}}");
        service.receive(pa, "{\"type\":\"CANDIDATE\",\"dst\":\"late\",\"payload\":{\"n\":2}}");
        clock.advance(Duration.ofMillis(4999));
        service.sweep();

        FakeTransport late = new FakeTransport();
        service.open("peerjs", "late", "t", late);
        assertThat(late.texts()).containsExactly(
                "{\"type\":\"OPEN\"}",
                "{\"type\":\"OFFER\",\"src\":\"a\",\"dst\":\"late\",\"payload\":{\"n\":1}}",
                "{\"type\":\"CANDIDATE\",\"src\":\"a\",\"dst\":\"late\",\"payload\":{\"n\":2}}");
        clock.advance(Duration.ofSeconds(10));
        service.sweep();
        assertThat(a.texts()).isEmpty(); // delivered, so nothing to expire
    }

    @Test
    void onlyHeartbeatsKeepAPeerAlive() {
        PeerJsService service = service();
        FakeTransport a = new FakeTransport();
        FakeTransport b = new FakeTransport();
        Peer pa = open(service, "a", a);
        Peer pb = open(service, "b", b);

        clock.advance(Duration.ofSeconds(59));
        service.receive(pa, "{\"type\":\"HEARTBEAT\"}");
        service.receive(pb, offer("a")); // traffic is not a heartbeat, as with PeerServer
        clock.advance(Duration.ofMillis(999));
        assertThat(service.sweep()).isZero();

        clock.advance(Duration.ofMillis(1)); // b's last heartbeat (its connection) is now 60 s old
        assertThat(service.sweep()).isEqualTo(1);
        assertThat(b.closeCode()).isEqualTo(Wire.CLOSE_SILENT);
        assertThat(a.closeCode()).isNull();
        assertThat(service.peerIds()).containsExactly("a");
        assertThat(a.types()).containsExactly("OFFER"); // heartbeats get no reply

        clock.advance(Duration.ofMillis(58_999)); // a's heartbeat was at 59 s; now 118.999 s
        assertThat(service.sweep()).isZero();
        clock.advance(Duration.ofMillis(1));
        assertThat(service.sweep()).isEqualTo(1);
        assertThat(a.closeCode()).isEqualTo(Wire.CLOSE_SILENT);
    }

    @Test
    void aFailedDeliveryDropsTheDestinationAndTellsTheSenderItLeft() {
        PeerJsService service = service();
        FakeTransport a = new FakeTransport();
        FakeTransport b = new FakeTransport();
        Peer pa = open(service, "a", a);
        open(service, "b", b);
        b.die();

        service.receive(pa, offer("b"));
        assertThat(a.texts()).containsExactly("{\"type\":\"LEAVE\",\"src\":\"b\",\"dst\":\"a\"}");
        assertThat(service.peerIds()).containsExactly("a");
        assertThat(b.closeCode()).isEqualTo(Wire.CLOSE_UNREACHABLE);

        a.clear();
        service.receive(pa, offer("b")); // b is now simply absent: queued, not another LEAVE
        assertThat(a.texts()).isEmpty();
        assertThat(service.queuedCount()).isEqualTo(1);
    }

    @Test
    void aReplacedSocketNoLongerSpeaksForTheIdNorUnregistersIt() {
        PeerJsService service = service();
        FakeTransport old = new FakeTransport();
        FakeTransport fresh = new FakeTransport();
        FakeTransport b = new FakeTransport();
        Peer stale = open(service, "a", old);
        Peer current = open(service, "a", fresh);
        open(service, "b", b);
        assertThat(old.closeCode()).isEqualTo(Wire.CLOSE_REPLACED);

        service.receive(stale, offer("b"));
        assertThat(b.texts()).isEmpty();
        service.closed(stale);
        assertThat(service.peerIds()).containsExactlyInAnyOrder("a", "b");
        assertThat(service.peerCount()).isEqualTo(2);

        service.receive(current, offer("b"));
        assertThat(b.last().path("src").asText()).isEqualTo("a");
        service.closed(current);
        assertThat(service.peerIds()).containsExactly("b");
    }

    @Test
    void leaveWithoutDestinationRemovesAndClosesTheSender() {
        PeerJsService service = service();
        FakeTransport a = new FakeTransport();
        Peer pa = open(service, "a", a);
        service.receive(pa, "{\"type\":\"LEAVE\",\"dst\":null}");
        assertThat(service.peerIds()).isEmpty();
        assertThat(a.closeCode()).isEqualTo(Wire.CLOSE_NORMAL);
        assertThat(service.peerCount()).isZero();
    }

    @Test
    void leaveAndExpireForAnAbsentIdAreDropped() {
        PeerJsService service = service();
        Peer pa = open(service, "a", new FakeTransport());
        service.receive(pa, "{\"type\":\"LEAVE\",\"dst\":\"ghost\"}");
        service.receive(pa, "{\"type\":\"EXPIRE\",\"dst\":\"ghost\"}");
        assertThat(service.queuedCount()).isZero();
    }

    @Test
    void queuesAreBoundedPerIdAndInTotal() {
        PeerJsService perPeer = service(3, 1_000_000);
        Peer a = open(perPeer, "a", new FakeTransport());
        for (int i = 0; i < 5; i++) {
            perPeer.receive(a, offer("ghost"));
        }
        perPeer.receive(a, offer("other"));
        assertThat(perPeer.queuedCount()).isEqualTo(4);

        String big = "{\"type\":\"OFFER\",\"dst\":\"g%d\",\"payload\":\"" + "x".repeat(400) + "\"}";
        PeerJsService total = service(64, 1000);
        Peer b = open(total, "b", new FakeTransport());
        total.receive(b, big.formatted(1));
        total.receive(b, big.formatted(2));
        total.receive(b, big.formatted(3));
        assertThat(total.queuedCount()).isEqualTo(2);

        FakeTransport g1 = new FakeTransport();
        total.open("peerjs", "g1", "t", g1); // delivering frees room
        assertThat(g1.types()).containsExactly("OPEN", "OFFER");
        total.receive(b, big.formatted(3));
        assertThat(total.queuedCount()).isEqualTo(2);
    }

    @Test
    void refusalsAnswerThenClose() {
        PeerJsService service = new PeerJsService(new PeerJsConfig("k", Duration.ofSeconds(5), Duration.ofSeconds(60),
                1, false, 1024, Set.of(), 8, 10_000), clock);
        FakeTransport noId = new FakeTransport();
        assertThat(service.open("k", null, "t", noId)).isNull();
        assertThat(noId.last().path("type").asText()).isEqualTo("ERROR");
        assertThat(noId.closeCode()).isEqualTo(Wire.CLOSE_NORMAL);

        FakeTransport badKey = new FakeTransport();
        assertThat(service.open("peerjs", "a", "t", badKey)).isNull();
        assertThat(badKey.last().path("payload").path("msg").asText()).isEqualTo("Invalid key provided");

        assertThat(service.open("k", "a", "t", new FakeTransport())).isNotNull();
        FakeTransport taken = new FakeTransport();
        assertThat(service.open("k", "a", "other", taken)).isNull();
        assertThat(taken.last().path("type").asText()).isEqualTo("ID-TAKEN");

        FakeTransport full = new FakeTransport();
        assertThat(service.open("k", "b", "t", full)).isNull();
        JsonNode error = full.last();
        assertThat(error.path("payload").path("msg").asText()).isEqualTo("Server has reached its concurrent user limit");
        assertThat(service.peerCount()).isEqualTo(1);
    }

    @Test
    void aMessageRacingTheDestinationsRegistrationArrivesOnceAndAfterOpen() throws Exception {
        for (int round = 0; round < 300; round++) {
            PeerJsService service = service();
            Peer a = open(service, "a", new FakeTransport());
            FakeTransport x = new FakeTransport();
            CountDownLatch go = new CountDownLatch(1);
            Thread sender = Thread.ofPlatform().start(() -> {
                await(go);
                service.receive(a, offer("x"));
            });
            Thread joiner = Thread.ofPlatform().start(() -> {
                await(go);
                service.open("peerjs", "x", "t", x);
            });
            go.countDown();
            sender.join();
            joiner.join();
            assertThat(x.types()).as("round " + round).containsExactly("OPEN", "OFFER");
            assertThat(service.queuedCount()).isZero();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void newIdsAreUniqueUuids() {
        PeerJsService service = service();
        String id = service.newId();
        assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(service.newId()).isNotEqualTo(id);
    }

    @Test
    void aMessageRelayedWhileTheQueueIsFlushedArrivesAfterTheQueuedOnes() throws Exception {
        PeerJsService service = service();
        Peer a = open(service, "a", new FakeTransport());
        service.receive(a, "{\"type\":\"CANDIDATE\",\"dst\":\"x\",\"payload\":{\"n\":1}}");
        service.receive(a, "{\"type\":\"CANDIDATE\",\"dst\":\"x\",\"payload\":{\"n\":2}}");
        // x connects; while its queue is being delivered, a's next message comes in live.
        CountDownLatch flushing = new CountDownLatch(1);
        CountDownLatch liveSent = new CountDownLatch(1);
        List<String> received = new CopyOnWriteArrayList<>();
        Transport x = new Transport() {
            @Override
            public boolean send(String text) {
                received.add(text);
                if (text.contains("\"n\":1")) {
                    flushing.countDown();
                    await(liveSent, 500); // with the ordering in place, the live message waits for us instead
                }
                return true;
            }

            @Override
            public void close(int code, String reason) {}
        };
        Thread joiner = Thread.ofPlatform().start(() -> service.open("peerjs", "x", "t", x));
        assertThat(flushing.await(5, TimeUnit.SECONDS)).isTrue();
        Thread live = Thread.ofPlatform().start(() -> {
            service.receive(a, "{\"type\":\"CANDIDATE\",\"dst\":\"x\",\"payload\":{\"n\":3}}");
            liveSent.countDown();
        });
        joiner.join();
        live.join();
        assertThat(received).extracting(t -> t.replaceAll(".*\"n\":(\\d).*", "$1").replaceAll(".*OPEN.*", "open"))
                .containsExactly("open", "1", "2", "3");
    }

    private static void await(CountDownLatch latch, long millis) {
        try {
            latch.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
