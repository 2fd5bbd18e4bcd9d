package dev.parley.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.Parley;
import dev.parley.fuzz.FrameMutator.Frame;
import dev.parley.fuzz.FrameMutator.FrameKind;
import dev.parley.fuzz.Json.Obj;
import dev.parley.fuzz.Json.Raw;
import dev.parley.fuzz.Json.RawKind;
import dev.parley.fuzz.PeerJsFrames.Expect;
import dev.parley.fuzz.PeerJsFrames.Outcome;
import dev.parley.fuzz.RawWebSocket.Close;
import dev.parley.fuzz.RawWebSocket.Event;
import dev.parley.fuzz.RawWebSocket.HandshakeRefused;
import dev.parley.fuzz.RawWebSocket.Text;
import dev.parley.support.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Fuzzes the PeerJS endpoint against one live server: bad frames must be ignored (or close the socket
 * where docs/peerjs.md says so), good ones relayed with the payload untouched, and two bystander peers
 * negotiating meanwhile must get exactly each other's messages. Seeded like {@link SignalingFuzzTest}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PeerJsFuzzTest {
    private static final long SEED = Long.getLong("fuzz.seed", 0x5eed_2026L);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static Parley parley;
    private static String base;
    private static ProtocolDoc doc;
    private static PeerJsBystanders bystanders;

    @BeforeAll
    static void start() throws Exception {
        parley = Parley.start(new String[] {"--port", "0", "--host", "127.0.0.1", "--data-dir", TestServer.DATA_DIR,
                "--peerjs-expire-timeout", "1000"});
        base = "ws://127.0.0.1:" + parley.port();
        doc = ProtocolDoc.peerjs(ProtocolDoc.repo());
        bystanders = new PeerJsBystanders(base);
    }

    @AfterAll
    static void stop() {
        if (bystanders != null) {
            bystanders.close();
        }
        if (parley != null) {
            parley.close();
        }
    }

    private static PeerJsFuzzer fuzzer(long seed, FuzzStats stats) throws Exception {
        return new PeerJsFuzzer(base, doc, new Random(seed), stats, bystanders.ids(), WAIT);
    }

    private static void assertClean(FuzzStats stats, long seed) {
        System.out.println(stats.report());
        assertThat(stats.violationCount()).as("seed %d\n%s", seed, stats.report()).isZero();
        assertThat(bystanders.violations()).as("bystanders, seed %d", seed).isEmpty();
        assertThat(bystanders.caughtUp(Duration.ofSeconds(5))).as("bystanders keep relaying: %s", bystanders.summary()).isTrue();
    }

    @Test
    @Order(1)
    void generatedFramesAreRelayedIntactOrIgnored() throws Exception {
        FuzzStats stats = new FuzzStats("/peerjs generated frames, seed " + SEED);
        int sessions = 2;
        int framesEach = 1000;
        try (ExecutorService pool = Executors.newFixedThreadPool(sessions)) {
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                long seed = SEED + i;
                runs.add(pool.submit(() -> {
                    try (PeerJsFuzzer fuzzer = fuzzer(seed, stats)) {
                        fuzzer.run(framesEach);
                        fuzzer.finish();
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        }
        assertThat(stats.frames()).isEqualTo((long) sessions * framesEach);
        assertClean(stats, SEED);
    }

    @Test
    @Order(2)
    void limitsNumbersNestingUnicodeAndBrokenFrames() throws Exception {
        FuzzStats stats = new FuzzStats("/peerjs limits and edge cases");
        try (PeerJsFuzzer fuzzer = fuzzer(SEED + 300, stats)) {
            PeerJsFrames f = fuzzer.frames();
            FrameMutator m = new FrameMutator(new Random(SEED + 301));
            for (int size : new int[] {65_535, 65_536, 65_537, 300_000}) {
                for (String unit : List.of("x", "é", "€", "😀")) {
                    fuzzer.send(st -> f.frame("payload of " + size + " bytes of " + unit, sized(st.selfId, size, unit), st));
                }
            }
            for (int depth : new int[] {500, 1000, 1001, 5_000}) {
                fuzzer.send(st -> f.frame("payload nested " + depth, Obj.of("type", "OFFER", "dst", st.selfId, "payload", m.nested(depth)), st));
            }
            fuzzer.send(st -> f.frame("unclosed nesting", Obj.of("type", "OFFER", "dst", st.selfId, "payload",
                    new Raw("[".repeat(10_000), RawKind.INVALID)), st));
            for (Raw n : List.of(new Raw("1e999999", RawKind.FLOAT), new Raw("123456789012345678901234567890", RawKind.BIG_INT),
                    new Raw("-0.0e-999999", RawKind.FLOAT), m.tooLongNumber())) {
                fuzzer.send(st -> f.frame("payload " + FrameMutator.abbreviate(n.text()), Obj.of("type", "CANDIDATE", "dst", st.selfId, "payload", n), st));
                fuzzer.send(st -> f.frame("dst " + FrameMutator.abbreviate(n.text()), Obj.of("type", "CANDIDATE", "dst", n, "payload", 1), st));
            }
            for (String edge : FrameMutator.UNICODE_EDGES) {
                fuzzer.send(st -> f.frame("unicode payload " + FrameMutator.abbreviate(edge),
                        Obj.of("type", "ANSWER", "dst", st.selfId, "payload", Obj.of("sdp", edge)), st));
                fuzzer.send(st -> f.frame("unicode type " + FrameMutator.abbreviate(edge), Obj.of("type", edge, "dst", st.selfId), st));
            }
            for (Object wrong : List.of(5, true, Json.NULL, Json.Arr.of("OFFER"), Obj.of("type", "OFFER"))) {
                fuzzer.send(st -> f.frame("type = " + Json.write(wrong), Obj.of("type", wrong, "dst", st.selfId, "payload", 1), st));
                fuzzer.send(st -> f.frame("dst = " + Json.write(wrong), Obj.of("type", "OFFER", "dst", wrong, "payload", 1), st));
            }
            fuzzer.send(st -> f.sized("BOM first", "\ufeff{\"type\":\"OFFER\",\"dst\":" + Json.quote(st.selfId) + ",\"payload\":1}",
                    Expect.of(Outcome.IGNORED, Outcome.ECHO)));
            fuzzer.send(st -> f.sized("trailing object", Json.write(Obj.of("type", "OFFER", "dst", st.selfId)) + "{}", Expect.of(Outcome.IGNORED)));
            fuzzer.send(st -> f.sized("empty", "", Expect.of(Outcome.IGNORED)));
            fuzzer.send(st -> new Frame<>("binary", FrameKind.BINARY, null,
                    Json.write(Obj.of("type", "OFFER", "dst", st.selfId, "payload", 1)).getBytes(), null, 0, Expect.of(Outcome.IGNORED)));
            fuzzer.send(st -> new Frame<>("binary 70,000 bytes", FrameKind.BINARY, null, new byte[70_000], null, 0, Expect.close(1009)));
            for (int i = 0; i < 6; i++) {
                fuzzer.send(st -> new Frame<>("invalid UTF-8", FrameKind.TEXT_BYTES, null,
                        m.invalidUtf8(Json.write(Obj.of("type", "OFFER", "dst", st.selfId))), null, 0, Expect.close(1007)));
                fuzzer.send(st -> new Frame<>("framing violation", FrameKind.VIOLATION, null, null, m.violation(), 0, Expect.close(0)));
            }
            fuzzer.send(st -> f.frame("LEAVE without dst", Obj.of("type", "LEAVE"), st));
            fuzzer.finish();
        }
        assertClean(stats, SEED + 300);
    }

    private static Obj sized(String self, int bytes, String unit) {
        Obj o = Obj.of("type", "OFFER", "dst", self, "payload", "");
        int room = bytes - Json.write(o).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        int unitBytes = unit.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        return o.set("payload", unit.repeat(room / unitBytes) + "x".repeat(room % unitBytes));
    }

    /** The opening handshake: missing or wrong parameters, a bystander's id with the wrong token, odd ids. */
    @Test
    @Order(3)
    void badHandshakesAreRefusedAsDocumented() throws Exception {
        String x = bystanders.ids().get(0);
        String missing = "{\"type\":\"ERROR\",\"payload\":{\"msg\":\"No id, token, or key supplied to websocket server\"}}";
        String badKey = "{\"type\":\"ERROR\",\"payload\":{\"msg\":\"Invalid key provided\"}}";
        String taken = "{\"type\":\"ID-TAKEN\",\"payload\":{\"msg\":\"ID is taken\"}}";
        record Case(String query, String answer) {}
        List<Case> cases = List.of(
                new Case("", missing), new Case("key=peerjs", missing), new Case("key=peerjs&id=a", missing),
                new Case("key=peerjs&token=t", missing), new Case("id=a&token=t", missing), new Case("key=&id=a&token=t", missing),
                new Case("key=peerjs&id=&token=t", missing), new Case("key=peerjs&id=a&token=", missing),
                new Case("key=nope&id=a&token=t", badKey), new Case("key=PEERJS&id=a&token=t", badKey),
                new Case("key=peerjs%00&id=a&token=t", badKey),
                new Case("key=peerjs&id=" + x + "&token=guess", taken),
                new Case("key=peerjs&id=" + x + "&token=", missing),
                new Case("key=peerjs&id=" + x.toUpperCase() + "&token=t", "{\"type\":\"OPEN\"}"),
                new Case("key=peerjs&id=%F0%9F%8E%89&token=t", "{\"type\":\"OPEN\"}"),
                new Case("key=peerjs&id=a%22b%5Cc&token=t", "{\"type\":\"OPEN\"}"),
                new Case("key=peerjs&id=" + "i".repeat(2000) + "&token=t", "{\"type\":\"OPEN\"}"));
        for (Case c : cases) {
            try (RawWebSocket ws = RawWebSocket.connect(URI.create(base + "/peerjs/peerjs?" + c.query()), WAIT)) {
                Event first = ws.next(WAIT);
                assertThat(first).as(c.query()).isEqualTo(new Text(c.answer()));
                if (!c.answer().contains("OPEN")) {
                    assertThat(ws.next(WAIT)).as(c.query()).isInstanceOfSatisfying(Close.class, close -> assertThat(close.code()).isEqualTo(1000));
                }
            }
        }
        // Query strings that are not UTF-8 once decoded: a client error, never a server error.
        for (String query : List.of("key=peerjs&id=%ED%A0%80&token=t", "key=peerjs&id=a&token=%C0%80", "key=peerjs&id=%FF&token=t")) {
            try (RawWebSocket ws = RawWebSocket.connect(URI.create(base + "/peerjs/peerjs?" + query), WAIT)) {
                assertThat(ws.next(WAIT)).as(query).isEqualTo(new Text("{\"type\":\"ERROR\",\"payload\":{\"msg\":\"No id, token, or key supplied to websocket server\"}}"));
            } catch (HandshakeRefused refused) {
                assertThat(refused.status()).as("HTTP status for ?" + query).isBetween(400, 499);
            }
        }
        assertThat(bystanders.violations()).isEmpty();
        assertThat(bystanders.caughtUp(Duration.ofSeconds(5))).as(bystanders.summary()).isTrue();
    }

    @Test
    @Order(100)
    void theServerAndTheBystandersAreFineAfterwards() throws Exception {
        HttpResponse<String> health = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(TestServer.http(parley, "/healthz")).timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        String id = "after-" + UUID.randomUUID();
        try (RawWebSocket fresh = RawWebSocket.connect(PeerJsFuzzer.uri(base, "peerjs", id, "t"), WAIT)) {
            assertThat(fresh.next(WAIT)).isEqualTo(new Text("{\"type\":\"OPEN\"}"));
            fresh.sendText("{\"type\":\"OFFER\",\"dst\":\"" + id + "\",\"payload\":{\"ok\":true}}");
            assertThat(fresh.next(WAIT)).isEqualTo(new Text("{\"type\":\"OFFER\",\"src\":\"" + id + "\",\"dst\":\"" + id + "\",\"payload\":{\"ok\":true}}"));
        }
        assertThat(bystanders.stopAndSettle(Duration.ofSeconds(5))).as(bystanders.summary()).isTrue();
        System.out.println(bystanders.summary());
        assertThat(bystanders.violations()).isEmpty();
    }
}
