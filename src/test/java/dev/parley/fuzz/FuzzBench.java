package dev.parley.fuzz;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The long fuzz run behind {@code bench/fuzz/run}: starts Parley as a separate process (so its heap and
 * RSS can be measured), keeps two /ws bystanders and two PeerJS bystanders talking, and runs fuzzing
 * sessions against both endpoints in parallel until a frame count or a time limit is reached. Every frame
 * is checked as in the bounded tests. Exits 0 only if there was no violation, the server is up and the
 * bystanders were never disturbed.
 *
 * <pre>
 * java -cp test-classes:classes:deps dev.parley.fuzz.FuzzBench [--frames 1000000] [--minutes 9] [--seed N]
 *      [--ws-sessions 6] [--peerjs-sessions 3] [--server-heap 512m] [--heavy 0.25] [--out target/fuzz-bench]
 * </pre>
 */
public final class FuzzBench {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private FuzzBench() {}

    public static void main(String[] args) throws Exception {
        long frames = 1_000_000;
        double minutes = 9;
        long seed = 0x5eed_2026L;
        int wsSessions = 6;
        int peerjsSessions = 3;
        String serverHeap = "512m";
        double heavy = 0.25;
        Path out = Path.of("target", "fuzz-bench");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--frames" -> frames = Long.parseLong(args[++i]);
                case "--minutes" -> minutes = Double.parseDouble(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--ws-sessions" -> wsSessions = Integer.parseInt(args[++i]);
                case "--peerjs-sessions" -> peerjsSessions = Integer.parseInt(args[++i]);
                case "--server-heap" -> serverHeap = args[++i];
                case "--heavy" -> heavy = Double.parseDouble(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Files.createDirectories(out);
        int status = new Run(frames, minutes, seed, wsSessions, peerjsSessions, serverHeap, heavy, out).run();
        System.exit(status);
    }

    private record Run(long target, double minutes, long seed, int wsSessions, int peerjsSessions, String serverHeap, double heavy,
            Path out) {

        int run() throws Exception {
            Path repo = ProtocolDoc.repo();
            ProtocolDoc wsDoc = ProtocolDoc.signaling(repo);
            ProtocolDoc pjDoc = ProtocolDoc.peerjs(repo);
            Map<String, Set<String>> types = WsFrames.typesByDirection(Files.readString(repo.resolve("PROTOCOL.md")));
            int port = freePort();
            Path log = out.resolve("server.log");
            Path data = Files.createTempDirectory("parley-fuzz-bench");
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process server = new ProcessBuilder(javaBin, "-Xmx" + serverHeap, "-cp", System.getProperty("java.class.path"),
                    "dev.parley.Parley", "--port", String.valueOf(port), "--host", "127.0.0.1", "--data-dir", data.toString(),
                    "--max-connections-per-ip", "5000", "--peerjs-expire-timeout", "1000")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                String http = "http://127.0.0.1:" + port;
                awaitHealthy(http, server);
                System.out.printf("fuzz bench: Parley pid %d on port %d, -Xmx%s; target %,d frames or %.1f minutes; seed %d; "
                        + "%d /ws and %d /peerjs sessions; heavy frames at %.2f of the test mix%n", server.pid(), port, serverHeap, target,
                        minutes, seed, wsSessions, peerjsSessions, heavy);
                Memory before = memory(server, http);
                System.out.println("server before: " + before);
                return fuzz(http, server, wsDoc, pjDoc, types, before, log);
            } finally {
                server.destroy();
                if (!server.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    server.destroyForcibly();
                }
            }
        }

        private int fuzz(String http, Process server, ProtocolDoc wsDoc, ProtocolDoc pjDoc, Map<String, Set<String>> types,
                Memory before, Path log) throws Exception {
            URI ws = URI.create(http.replace("http:", "ws:") + "/ws");
            String wsBase = http.replace("http:", "ws:");
            FuzzStats wsStats = new FuzzStats("/ws");
            FuzzStats pjStats = new FuzzStats("/peerjs");
            AtomicLong remaining = new AtomicLong(target);
            long start = System.nanoTime();
            long deadline = start + (long) (minutes * 60e9);
            List<Thread> threads = new ArrayList<>();
            List<Throwable> crashes = java.util.Collections.synchronizedList(new ArrayList<>());
            try (WsBystanders wsBystanders = new WsBystanders(ws); PeerJsBystanders pjBystanders = new PeerJsBystanders(wsBase)) {
                for (int i = 0; i < wsSessions + peerjsSessions; i++) {
                    boolean isWs = i < wsSessions;
                    long sessionSeed = seed + 1_000_003L * i;
                    threads.add(Thread.ofPlatform().name((isWs ? "ws" : "peerjs") + "-fuzz-" + i).start(() -> {
                        try {
                            long generation = 0;
                            while (remaining.get() > 0 && System.nanoTime() < deadline) {
                                Random random = new Random(sessionSeed + generation++);
                                if (isWs) {
                                    try (WsFuzzer f = new WsFuzzer(ws, wsDoc, types.get("client"), types.get("server"), random, wsStats,
                                            wsBystanders.ids(), wsBystanders.room(), WAIT)) {
                                        f.heavy(heavy);
                                        drive(remaining, deadline, f::runUntil);
                                        f.finish();
                                    }
                                } else {
                                    try (PeerJsFuzzer f = new PeerJsFuzzer(wsBase, pjDoc, random, pjStats, pjBystanders.ids(), WAIT)) {
                                        f.heavy(heavy);
                                        drive(remaining, deadline, f::runUntil);
                                        f.finish();
                                    }
                                }
                            }
                        } catch (Throwable t) {
                            crashes.add(t);
                            t.printStackTrace();
                        }
                    }));
                }
                Thread progress = Thread.ofPlatform().daemon().start(() -> {
                    while (true) {
                        try {
                            Thread.sleep(30_000);
                        } catch (InterruptedException e) {
                            return;
                        }
                        long sent = wsStats.frames() + pjStats.frames();
                        double s = (System.nanoTime() - start) / 1e9;
                        System.out.printf("  %.0f s: %,d frames (%,.0f/s), violations %d%n", s, sent, sent / s,
                                wsStats.violationCount() + pjStats.violationCount());
                    }
                });
                for (Thread t : threads) {
                    t.join();
                }
                progress.interrupt();
                double seconds = (System.nanoTime() - start) / 1e9;
                boolean wsSettled = wsBystanders.stopAndSettle(Duration.ofSeconds(10));
                boolean pjSettled = pjBystanders.stopAndSettle(Duration.ofSeconds(10));
                List<String> bystanderViolations = new ArrayList<>(wsBystanders.violations());
                bystanderViolations.addAll(pjBystanders.violations());
                wsBystanders.close();
                pjBystanders.close();
                boolean healthy = healthy(http) && server.isAlive();
                boolean freshSocketWorks = freshSocketWorks(ws);
                Memory after = memory(server, http);
                // Sockets dropped without a close leave their participants until the heartbeat timeout (8 s).
                String registries = awaitEmpty(http, Duration.ofSeconds(20));
                Memory settled = memory(server, http);
                Path histogram = out.resolve("server-heap-histogram.txt");
                new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(server.pid()),
                        "GC.class_histogram").redirectErrorStream(true).redirectOutput(histogram.toFile()).start().waitFor();
                long total = wsStats.frames() + pjStats.frames();
                long serverLogErrors = Files.readAllLines(log).stream().filter(l -> l.contains(" ERROR ") || l.contains(" WARN ")).count();

                System.out.println();
                System.out.println("=== Parley fuzz bench ===");
                System.out.printf("frames sent: %,d (/ws %,d, /peerjs %,d) in %.1f s: %,.0f frames/s; %,d KiB; %,d connections%n",
                        total, wsStats.frames(), pjStats.frames(), seconds, total / seconds, (wsStats.bytes() + pjStats.bytes()) / 1024,
                        wsStats.connections() + pjStats.connections());
                System.out.println(wsStats.report());
                System.out.println(pjStats.report());
                System.out.println(wsBystanders.summary() + (wsSettled ? "; all delivered" : "; NOT all delivered"));
                System.out.println(pjBystanders.summary() + (pjSettled ? "; all delivered" : "; NOT all delivered"));
                System.out.println("bystander violations: " + bystanderViolations.size());
                bystanderViolations.stream().limit(20).forEach(v -> System.out.println("  - " + v));
                System.out.println("server still up: " + (healthy ? "yes (/healthz 200, a fresh /ws socket " + (freshSocketWorks ? "joins" : "FAILS") + ")" : "NO"));
                System.out.println("server log: " + serverLogErrors + " WARN/ERROR lines (" + log + ")");
                System.out.println("server before: " + before);
                System.out.println("server after:  " + after);
                System.out.println("server settled: " + settled + "; " + registries);
                System.out.println("what the server's heap holds at the end: " + histogram);
                boolean reachedTarget = total >= target;
                if (!reachedTarget) {
                    System.out.printf("stopped by the time limit at %,d of %,d frames%n", total, target);
                }
                boolean ok = crashes.isEmpty() && wsStats.violationCount() == 0 && pjStats.violationCount() == 0
                        && bystanderViolations.isEmpty() && wsSettled && pjSettled && healthy && freshSocketWorks
                        && registries.startsWith("empty");
                System.out.println("result: " + (ok ? "PASS" : "FAIL") + (crashes.isEmpty() ? "" : " (" + crashes.size() + " fuzzer crashes)"));
                return ok ? 0 : 1;
            }
        }

        private interface Chunk {
            int run(int count, long deadlineNanos) throws IOException;
        }

        /** Claims frames from the shared budget in chunks until it or the time runs out, or 50,000 frames for one session. */
        private static void drive(AtomicLong remaining, long deadline, Chunk chunk) throws IOException {
            long done = 0;
            while (done < 50_000 && System.nanoTime() < deadline) {
                long claim = Math.min(500, remaining.getAndAdd(-500));
                if (claim <= 0) {
                    return;
                }
                int sent = chunk.run((int) claim, deadline);
                done += sent;
                if (sent < claim) {
                    remaining.addAndGet(claim - sent);
                }
            }
        }

        private static boolean freshSocketWorks(URI ws) {
            try (RawWebSocket s = RawWebSocket.connect(ws, WAIT)) {
                s.sendText(Json.write(Json.Obj.of("type", "join", "version", 1, "room", UUID.randomUUID().toString())));
                return s.next(WAIT) instanceof RawWebSocket.Text t && t.text().startsWith("{\"type\":\"joined\"");
            } catch (IOException e) {
                return false;
            }
        }
    }

    /** The server's heap after a full GC (from its own metrics) and its resident set size. */
    record Memory(double heapMiB, double rssMiB, double cpuSeconds) {
        @Override
        public String toString() {
            return String.format("heap used after GC %.1f MiB, RSS %.1f MiB, CPU %.1f s", heapMiB, rssMiB, cpuSeconds);
        }
    }

    private static Memory memory(Process server, String http) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        new ProcessBuilder(jcmd, String.valueOf(server.pid()), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        Thread.sleep(500);
        String metrics = get(http + "/metrics");
        double heap = 0;
        Matcher m = Pattern.compile("^jvm_memory_used_bytes\\{area=\"heap\"[^}]*\\}\\s+(\\S+)", Pattern.MULTILINE).matcher(metrics);
        while (m.find()) {
            heap += Double.parseDouble(m.group(1));
        }
        Matcher cpu = Pattern.compile("^process_cpu_time_ns_total\\s+(\\S+)", Pattern.MULTILINE).matcher(metrics);
        double cpuSeconds = cpu.find() ? Double.parseDouble(cpu.group(1)) / 1e9 : -1;
        double rss = -1;
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(server.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        return new Memory(heap / 1048576.0, rss, cpuSeconds);
    }

    private static final Pattern GAUGE = Pattern.compile("^(parley_rooms|parley_participants|parley_connections)(\\{[^}]*\\})?\\s+(\\S+)",
            Pattern.MULTILINE);

    /** Waits until the server holds no room, participant or socket; says what is left either way. */
    private static String awaitEmpty(String http, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String left;
        do {
            Matcher m = GAUGE.matcher(get(http + "/metrics"));
            StringBuilder found = new StringBuilder();
            boolean empty = true;
            while (m.find()) {
                double value = Double.parseDouble(m.group(3));
                empty &= value == 0;
                found.append(found.isEmpty() ? "" : ", ").append(m.group(1)).append(m.group(2) == null ? "" : m.group(2))
                        .append(" = ").append((long) value);
            }
            left = (empty ? "empty: " : "NOT empty: ") + found;
            if (empty) {
                return left;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        return left;
    }

    private static void awaitHealthy(String http, Process server) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("Parley exited with " + server.exitValue());
            }
            if (healthy(http)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("Parley did not become healthy");
    }

    private static boolean healthy(String http) {
        try {
            return get(http + "/healthz").equals("ok");
        } catch (Exception e) {
            return false;
        }
    }

    private static String get(String url) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(WAIT).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException(url + ": " + r.statusCode());
            }
            return r.body();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
