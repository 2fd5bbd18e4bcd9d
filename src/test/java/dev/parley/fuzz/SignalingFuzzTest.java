package dev.parley.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.Parley;
import dev.parley.fuzz.FrameMutator.Frame;
import dev.parley.fuzz.FrameMutator.FrameKind;
import dev.parley.fuzz.Json.Obj;
import dev.parley.fuzz.Json.Raw;
import dev.parley.fuzz.Json.RawKind;
import dev.parley.fuzz.WsFrames.Expect;
import dev.parley.support.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
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
 * Fuzzes {@code /ws} against one live server: generated, mutated, truncated and damaged frames, every
 * answer checked against PROTOCOL.md (its error and close code tables are read from the file), while two
 * bystanders in a room of their own keep trading signals and chat and must notice nothing. Reproducible:
 * the seed is fixed (override with {@code -Dfuzz.seed=N}) and printed with any failure.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SignalingFuzzTest {
    private static final long SEED = Long.getLong("fuzz.seed", 0x5eed_2026L);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static Parley parley;
    private static URI ws;
    private static ProtocolDoc doc;
    private static Set<String> clientTypes;
    private static Set<String> serverTypes;
    private static WsBystanders bystanders;

    @BeforeAll
    static void start() throws Exception {
        parley = Parley.start(new String[] {"--port", "0", "--host", "127.0.0.1", "--data-dir", TestServer.DATA_DIR,
                "--max-connections-per-ip", "1000"});
        ws = TestServer.ws(parley, "/ws");
        doc = ProtocolDoc.signaling(ProtocolDoc.repo());
        Map<String, Set<String>> types = WsFrames.typesByDirection(Files.readString(ProtocolDoc.repo().resolve("PROTOCOL.md")));
        clientTypes = types.get("client");
        serverTypes = types.get("server");
        bystanders = new WsBystanders(ws);
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

    private static WsFuzzer fuzzer(long seed, FuzzStats stats) throws Exception {
        return new WsFuzzer(ws, doc, clientTypes, serverTypes, new Random(seed), stats, bystanders.ids(), bystanders.room(), WAIT);
    }

    private static void assertClean(FuzzStats stats, long seed) {
        System.out.println(stats.report());
        assertThat(stats.violationCount()).as("seed %d\n%s", seed, stats.report()).isZero();
        assertThat(bystanders.violations()).as("bystanders, seed %d", seed).isEmpty();
        assertThat(bystanders.caughtUp(Duration.ofSeconds(5))).as("bystanders keep talking: %s", bystanders.summary()).isTrue();
    }

    @Test
    @Order(1)
    void generatedFramesGetTheDocumentedAnswers() throws Exception {
        FuzzStats stats = new FuzzStats("/ws generated frames, seed " + SEED);
        int sessions = 2;
        int framesEach = 1200;
        try (ExecutorService pool = Executors.newFixedThreadPool(sessions)) {
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                long seed = SEED + i;
                runs.add(pool.submit(() -> {
                    try (WsFuzzer fuzzer = fuzzer(seed, stats)) {
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
    void everyTruncationOfAValidMessageIsBadJson() throws Exception {
        FuzzStats stats = new FuzzStats("/ws truncations");
        try (WsFuzzer fuzzer = fuzzer(SEED + 100, stats)) {
            String room = fuzzer.state().partnerRoom;
            List<Obj> messages = List.of(
                    Obj.of("type", "join", "version", 1, "room", room, "name", "Ada 🎉", "audio", true, "video", false),
                    Obj.of("type", "signal", "to", fuzzer.state().partnerId, "data",
                            Obj.of("candidate", Obj.of("candidate", "candidate:1 1 udp 1 192.0.2.7 1 typ host", "sdpMid", "0"))),
                    Obj.of("type", "chat", "text", "héllo \ud83d\ude00 \u202e"),
                    Obj.of("type", "media-state", "audio", false, "video", true, "screen", false),
                    Obj.of("type", "reaction", "emoji", "🎉"), Obj.of("type", "hand", "raised", true), Obj.of("type", "ping"));
            for (Obj message : messages) {
                String text = Json.write(message);
                for (int i = 0; i < text.length(); i++) {
                    String prefix = text.substring(0, i);
                    fuzzer.send(st -> Frame.text("truncated", prefix, Expect.error("bad-json")));
                }
            }
            fuzzer.finish();
        }
        assertClean(stats, SEED + 100);
    }

    @Test
    @Order(3)
    void framesAimedAtTheBystandersAreRefused() throws Exception {
        FuzzStats stats = new FuzzStats("/ws frames aimed at the bystanders");
        try (WsFuzzer fuzzer = fuzzer(SEED + 200, stats)) {
            WsFrames.State s = fuzzer.state();
            for (int i = 0; i < 400; i++) {
                // from inside a room of the fuzzer's own, then from no room at all
                if (i % 100 == 0) {
                    fuzzer.joinPartnerRoom(50);
                } else if (i % 100 == 50 && s.joined) {
                    fuzzer.send(st -> fuzzer.frames().frame("leave", Obj.of("type", "leave"), st));
                }
                fuzzer.send(st -> fuzzer.frames().hostile(st));
            }
            fuzzer.finish();
        }
        assertClean(stats, SEED + 200);
    }

    @Test
    @Order(4)
    void limitsNumbersNestingUnicodeAndBrokenFrames() throws Exception {
        FuzzStats stats = new FuzzStats("/ws limits and edge cases");
        try (WsFuzzer fuzzer = fuzzer(SEED + 300, stats)) {
            WsFrames.State s = fuzzer.state();
            WsFrames f = fuzzer.frames();
            FrameMutator m = fuzzer.mutator();
            // sizes: the limit is 64 KiB of UTF-8; beyond 256 KiB the socket closes with 1009
            for (int size : new int[] {65_535, 65_536, 65_537, 200_000, 262_144}) {
                fuzzer.joinPartnerRoom(4);
                assertThat(s.joined).as(stats.report()).isTrue();
                for (String unit : List.of("x", "é", "€", "😀")) {
                    fuzzer.send(st -> f.frame("signal of " + size + " bytes of " + unit, sizedSignal(st, size, unit), st));
                }
            }
            fuzzer.send(st -> f.frameOfText("65,536 bytes of x", "x".repeat(65_536), Expect.error("bad-json")));
            fuzzer.send(st -> f.frameOfText("262,145 bytes", "x".repeat(262_145), Expect.error("bad-json")));
            fuzzer.send(st -> f.frameOfText("a megabyte", "{\"type\":\"chat\",\"text\":\"" + "y".repeat(1 << 20) + "\"}", Expect.error("bad-json")));
            // nesting far beyond any parser's limit, in a known field, an unknown one, and bare
            fuzzer.joinPartnerRoom(8);
            for (int depth : new int[] {10_000, 5_000}) {
                fuzzer.send(st -> f.frame("signal data nested " + depth, Obj.of("type", "signal", "to", s.partnerId, "data",
                        Obj.of("a", m.nested(depth))), st));
                fuzzer.send(st -> f.frame("unknown field nested " + depth, Obj.of("type", "ping", "x", m.nested(depth)), st));
                fuzzer.send(st -> f.frameOfText("bare nesting " + depth, "[".repeat(depth) + "]".repeat(depth), Expect.error("bad-json")));
                fuzzer.send(st -> f.frameOfText("unclosed nesting " + depth, "{\"type\":\"ping\",\"x\":" + "[".repeat(depth), Expect.error("bad-json")));
            }
            // huge numbers where a number belongs, and where none does
            for (Raw n : List.of(new Raw("1e999999", RawKind.FLOAT), new Raw("123456789012345678901234567890", RawKind.BIG_INT),
                    new Raw("-1e999999", RawKind.FLOAT), new Raw("2147483648", RawKind.LONG), m.tooLongNumber())) {
                fuzzer.send(st -> f.frame("version " + FrameMutator.abbreviate(n.text()),
                        Obj.of("type", "join", "version", n, "room", UUID.randomUUID().toString()), st));
                fuzzer.send(st -> f.frame("ping with number " + FrameMutator.abbreviate(n.text()), Obj.of("type", "ping", "n", n), st));
                fuzzer.send(st -> f.frame("raised " + FrameMutator.abbreviate(n.text()), Obj.of("type", "hand", "raised", n), st));
            }
            // wrong JSON types for every field of every message
            for (Obj message : List.of(Obj.of("type", "join", "version", 1, "room", UUID.randomUUID().toString(), "name", "x",
                            "audio", true, "video", true, "resume", "x"),
                    Obj.of("type", "signal", "to", s.partnerId, "data", Obj.of()),
                    Obj.of("type", "media-state", "audio", true, "video", true, "screen", true),
                    Obj.of("type", "chat", "text", "hi"), Obj.of("type", "hand", "raised", true), Obj.of("type", "reaction", "emoji", "🎉"))) {
                for (String field : message.names()) {
                    for (Object wrong : List.of(5, new Raw("1.5", RawKind.FLOAT), "true", "", " ", "\u0000", true, Json.Arr.of("x"),
                            Obj.of("k", 1))) {
                        Obj mutated = message.copy().set(field, wrong);
                        fuzzer.send(st -> f.frame(field + " = " + Json.write(wrong), mutated, st));
                    }
                }
            }
            // unicode edge cases in names, chat and reactions
            for (String edge : FrameMutator.UNICODE_EDGES) {
                fuzzer.joinPartnerRoom(2);
                fuzzer.send(st -> f.frame("chat " + FrameMutator.abbreviate(edge), Obj.of("type", "chat", "text", edge), st));
                fuzzer.send(st -> f.frame("reaction " + FrameMutator.abbreviate(edge), Obj.of("type", "reaction", "emoji", edge), st));
            }
            fuzzer.send(st -> f.frame("leave", Obj.of("type", "leave"), st));
            for (String edge : FrameMutator.UNICODE_EDGES) {
                Obj join = Obj.of("type", "join", "version", 1, "room", UUID.randomUUID().toString(), "name", edge);
                fuzzer.send(st -> f.frame("name " + FrameMutator.abbreviate(edge), join, st));
                if (s.joined) {
                    fuzzer.send(st -> f.frame("leave", Obj.of("type", "leave"), st));
                }
            }
            fuzzer.send(st -> f.frameOfText("BOM first", "\ufeff{\"type\":\"ping\"}", Expect.error("bad-json")));
            fuzzer.send(st -> f.frameOfText("raw NUL in a string", "{\"type\":\"ping\u0000\"}", Expect.error("bad-json")));
            fuzzer.send(st -> f.frameOfText("empty", "", Expect.error("bad-json")));
            fuzzer.send(st -> f.frameOfText("trailing object", "{\"type\":\"ping\"}{\"type\":\"ping\"}", Expect.error("bad-json")));
            fuzzer.send(st -> f.frameOfText("trailing garbage", "{\"type\":\"ping\"} x", Expect.error("bad-json")));
            // frames that are not text, not UTF-8, or not WebSocket at all
            fuzzer.send(st -> new Frame<>("binary JSON", FrameKind.BINARY, null, "{\"type\":\"ping\"}".getBytes(), null, 0,
                    f.binaryExpect(15)));
            fuzzer.send(st -> new Frame<>("binary 70,000 bytes", FrameKind.BINARY, null, new byte[70_000], null, 0, f.binaryExpect(70_000)));
            for (int i = 0; i < 8; i++) {
                fuzzer.send(st -> new Frame<>("invalid UTF-8", FrameKind.TEXT_BYTES, null, m.invalidUtf8("{\"type\":\"ping\"}"), null, 0,
                        Expect.close(1007)));
                fuzzer.send(st -> new Frame<>("framing violation", FrameKind.VIOLATION, null, null, m.violation(), 0, Expect.close(1002, 1007)));
            }
            fuzzer.send(st -> new Frame<>("fragmented ping", FrameKind.FRAGMENTED, "{\"type\":\"ping\"}", null, null, 3, Expect.success(WsFrames.PONG)));
            fuzzer.finish();
        }
        assertClean(stats, SEED + 300);
    }

    private static Obj sizedSignal(WsFrames.State s, int bytes, String unit) {
        Obj o = Obj.of("type", "signal", "to", s.partnerId, "data", Obj.of("sdp", ""));
        int room = bytes - Json.write(o).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        int unitBytes = unit.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        return o.set("data", Obj.of("sdp", unit.repeat(room / unitBytes) + "x".repeat(room % unitBytes)));
    }

    @Test
    @Order(5)
    void floodsAreRateLimitedWithoutClosingTheSocket() throws Exception {
        try (RawWebSocket flood = RawWebSocket.connect(ws, WAIT)) {
            int sent = 500;
            flood.autoFlush(false);
            for (int i = 0; i < sent; i++) {
                flood.sendText("{\"type\":\"ping\"}");
            }
            long start = System.nanoTime();
            flood.flush();
            int pongs = 0;
            int limited = 0;
            for (int i = 0; i < sent; i++) {
                RawWebSocket.Event e = flood.next(WAIT);
                assertThat(e).isInstanceOf(RawWebSocket.Text.class);
                String text = ((RawWebSocket.Text) e).text();
                if (text.equals("{\"type\":\"pong\"}")) {
                    pongs++;
                } else {
                    assertThat(text).contains("\"code\":\"rate-limited\"");
                    limited++;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            // a burst of 200, then 50 a second: whatever the machine's speed, some of 500 are refused
            assertThat(pongs).isGreaterThanOrEqualTo(200).isLessThanOrEqualTo(205 + (int) (50 * seconds));
            assertThat(limited).isEqualTo(sent - pongs).isPositive();
            Thread.sleep(200);
            flood.autoFlush(true);
            flood.sendText("{\"type\":\"ping\"}");
            assertThat(flood.next(WAIT)).isEqualTo(new RawWebSocket.Text("{\"type\":\"pong\"}"));
        }
        assertThat(bystanders.violations()).isEmpty();
    }

    @Test
    @Order(100)
    void theServerAndTheBystandersAreFineAfterwards() throws Exception {
        HttpResponse<String> health = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(TestServer.http(parley, "/healthz")).timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        try (RawWebSocket fresh = RawWebSocket.connect(ws, WAIT)) {
            fresh.sendText(Json.write(Obj.of("type", "join", "version", 1, "room", UUID.randomUUID().toString(), "name", "after")));
            assertThat(fresh.next(WAIT)).isInstanceOfSatisfying(RawWebSocket.Text.class,
                    t -> assertThat(t.text()).startsWith("{\"type\":\"joined\""));
        }
        assertThat(bystanders.stopAndSettle(Duration.ofSeconds(5))).as(bystanders.summary()).isTrue();
        System.out.println(bystanders.summary());
        assertThat(bystanders.violations()).isEmpty();
    }
}
