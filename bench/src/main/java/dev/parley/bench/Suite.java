package dev.parley.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the benchmark sections against servers it starts on loopback and prints their tables (also
 * written as Markdown to the results file). Usage (bench/run passes the paths):
 * {@code Suite [--quick] [--sections relay,ceiling,idle,room,jfr] [--out FILE]}.
 */
public final class Suite {
    private static final int GEN_THREADS = 2;
    private static final int MESSAGE_BYTES = 1400;

    private final Env env;
    private final boolean quick;
    private final StringBuilder markdown = new StringBuilder();
    private String finalCpuLine;
    private String finalRatioLine;

    private Suite(Env env, boolean quick) {
        this.env = env;
        this.quick = quick;
    }

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        boolean quick = false;
        Set<String> sections = new LinkedHashSet<>(List.of("relay", "ceiling", "idle", "room", "jfr"));
        Path out = null;
        Path finalLines = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--sections" -> sections = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
                case "--out" -> out = Path.of(args[++i]);
                case "--final" -> finalLines = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (quick) {
            sections.retainAll(Set.of("relay"));
        }
        Suite suite = new Suite(Env.fromSystemProperties(), quick);
        Thread.sleep(300); // let this JVM's own start-up work settle
        long b0 = Machine.busyNanos();
        long own0 = RelayGen.processCpu();
        Thread.sleep(1000);
        double busy = Math.max(0, (Machine.busyNanos() - b0) - (RelayGen.processCpu() - own0)) / 1e9;
        suite.md("- other load before the run: " + String.format("%.2f", busy) + " of " + Runtime.getRuntime().availableProcessors()
                + " cores busy" + (busy > 0.25 ? " (WARNING: the machine is shared right now; figures will be noisy)" : ""));
        try {
            for (String section : sections) {
                switch (section) {
                    case "relay" -> suite.relay();
                    case "ceiling" -> suite.ceiling();
                    case "idle" -> suite.idle();
                    case "room" -> suite.room();
                    case "jfr" -> suite.jfr();
                    case "none" -> { }
                    default -> throw new IllegalArgumentException("unknown section " + section);
                }
            }
        } finally {
            if (out != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
                Files.writeString(out, suite.markdown.toString());
            }
        }
        if (suite.finalRatioLine != null) {
            // bench/run prints these last, after any browser part; without --final they are printed here
            String last = suite.finalCpuLine + "\n" + suite.finalRatioLine + "\n";
            if (finalLines != null) {
                Files.writeString(finalLines, last);
            } else {
                System.out.print(last);
            }
        }
        System.exit(0);
    }

    // ---------------------------------------------------------------- output helpers

    private void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** A line that goes to the console and to the Markdown results. */
    private void md(String line) {
        say(line);
        markdown.append(line).append('\n');
    }

    static String ms(long nanos) {
        double v = nanos / 1e6;
        return v < 10 ? String.format("%.2f ms", v) : v < 100 ? String.format("%.1f ms", v) : String.format("%.0f ms", v);
    }

    static String us(double micros) {
        return Double.isNaN(micros) ? "n/a" : String.format("%.1f µs", micros);
    }

    static String num(double v) {
        return String.format("%,.0f", v);
    }

    static String kb(double bytes) {
        return String.format("%.1f KB", bytes / 1024);
    }

    static String mb(double bytes) {
        return String.format("%.0f MB", bytes / 1048576);
    }

    static double median(List<Double> values) {
        List<Double> v = values.stream().filter(d -> !Double.isNaN(d)).sorted().toList();
        if (v.isEmpty()) {
            return Double.NaN;
        }
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    static <T> double median(List<T> items, ToDoubleFunction<T> f) {
        return median(items.stream().map(x -> f.applyAsDouble(x)).toList());
    }

    // ---------------------------------------------------------------- 1. PeerJS relay, A B A B

    private void relay() throws Exception {
        int[][] configs = quick ? new int[][] {{50, 8}} : new int[][] {{50, 1}, {50, 8}, {500, 8}, {5000, 1}};
        if (System.getProperty("bench.relay.configs") != null) { // e.g. 50x8,500x8
            configs = Arrays.stream(System.getProperty("bench.relay.configs").split(","))
                    .map(c -> Arrays.stream(c.split("x")).mapToInt(Integer::parseInt).toArray()).toArray(int[][]::new);
        }
        int rounds = 3;
        long warmup = quick ? 1000 : 1500;
        long measure = quick ? 3500 : 5000;
        md("");
        md("### PeerJS relay: Parley /peerjs vs peer@1.0.2, " + (quick ? "quick" : "full") + " run, " + Instant.now());
        md("");
        md("Pairs of peers ping-pong " + MESSAGE_BYTES + "-byte OFFER/ANSWER frames, W in flight per pair; " + rounds
                + " rounds of A B (Parley, then peer); " + warmup + " ms warm-up + " + measure + " ms measured per run; generator: "
                + GEN_THREADS + " selector threads in one JVM.");
        md("");
        try (Server parley = Server.parley(env, "parley-relay", List.of(), List.of());
             Server peer = !alternative() ? Server.peer(env, "peer-relay", 1_000_000)
                     : Server.parley(new Env(env.work(), env.java(), env.jcmd(), env.jfr(), env.node(),
                             System.getProperty("bench.alt.cp", env.parleyClasspath()), env.benchJar(), env.peerScript()),
                             "alt-relay", altJvmOptions(), List.of())) {
            // -Dbench.alt.cp=CLASSPATH and/or -Dbench.alt.jvm="JVM OPTIONS" put a second Parley in peer's place,
            // for before/after comparisons of a change
            if (peer.kind == Server.Kind.PARLEY) {
                md("(B is not peer in this run: it is Parley from " + System.getProperty("bench.alt.cp", "the same build")
                        + " with JVM options " + altJvmOptions() + ")");
            }
            say("servers: parley pid " + parley.pid() + " port " + parley.port + ", peer pid " + peer.pid() + " port " + peer.port);
            // untimed warm-up of both (JIT for Parley, and the generator itself)
            for (Server s : List.of(parley, peer)) {
                RelayGen.Result r = new RelayGen(s.label, s.address(), 50, 8, MESSAGE_BYTES, GEN_THREADS, "warm" + s.kind)
                        .run(quick ? 1500 : 3000, 500, s::cpuNanos);
                say("warm-up " + s.label + ": " + num(r.perSecond()) + " msg/s" + (r.problem() == null ? "" : " " + r.problem()));
            }
            List<String[]> rows = new ArrayList<>();
            List<String[]> ratioRows = new ArrayList<>();
            int runNo = 0;
            for (int[] cfg : configs) {
                int peers = cfg[0];
                int window = cfg[1];
                List<RelayGen.Result> pr = new ArrayList<>();
                List<RelayGen.Result> nr = new ArrayList<>();
                for (int round = 1; round <= rounds; round++) {
                    for (Server s : List.of(parley, peer)) {
                        runNo++;
                        RelayGen.Result r = new RelayGen(s.label, s.address(), peers, window, MESSAGE_BYTES, GEN_THREADS,
                                "r" + runNo).run(warmup, measure, s::cpuNanos);
                        (s == parley ? pr : nr).add(r);
                        say(String.format("  %4d peers W=%d %-6s round %d: %9s msg/s  p50 %s  p99 %s  p99.9 %s  server %s/msg (%.2f cores, %s)  gen %s/msg  other %.2f cores  errors %d%s",
                                peers, window, s.kind == Server.Kind.PARLEY ? "parley" : "peer", round, num(r.perSecond()),
                                ms(r.p50()), ms(r.p99()), ms(r.p999()), us(r.serverCpuPerMessageMicros()), r.serverCores(),
                                s.cpuSource(), us(r.generatorCpuPerMessageMicros()), r.otherCores(), r.errors(),
                                r.problem() == null ? "" : "  " + r.problem()));
                        Thread.sleep(quick ? 300 : 700); // let the server finish closing the run's sockets
                    }
                }
                List<Double> ratios = new ArrayList<>();
                for (int i = 0; i < rounds; i++) {
                    ratios.add(pr.get(i).perSecond() / nr.get(i).perSecond());
                }
                double ratio = median(ratios);
                double cpuP = median(pr, RelayGen.Result::serverCpuPerMessageMicros);
                double cpuN = median(nr, RelayGen.Result::serverCpuPerMessageMicros);
                for (List<RelayGen.Result> list : List.of(pr, nr)) {
                    RelayGen.Result first = list.get(0);
                    rows.add(new String[] {String.valueOf(peers), String.valueOf(window),
                            first.server().startsWith("parley") ? "Parley" : "peer",
                            num(median(list, RelayGen.Result::perSecond)),
                            String.join(" / ", list.stream().map(r -> num(r.perSecond())).toList()),
                            ms((long) median(list, r -> r.p50())), ms((long) median(list, r -> r.p99())),
                            ms((long) median(list, r -> r.p999())),
                            us(median(list, RelayGen.Result::serverCpuPerMessageMicros)),
                            String.format("%.2f", median(list, RelayGen.Result::serverCores)),
                            us(median(list, RelayGen.Result::generatorCpuPerMessageMicros)),
                            String.format("%.2f", median(list, RelayGen.Result::otherCores)),
                            String.valueOf(list.stream().mapToLong(RelayGen.Result::errors).sum())});
                }
                ratioRows.add(new String[] {String.valueOf(peers), String.valueOf(window),
                        String.join(" / ", ratios.stream().map(x -> String.format("%.2f", x)).toList()),
                        String.format("%.2f", ratio), String.format("%.2f", cpuP / cpuN)});
                if (peers == 50 && window == 8) {
                    finalCpuLine = String.format("server CPU per relayed message (50 peers, W=8, median of %d): parley %s, peer %s (parley/peer %.2f; parley CPU from %s, peer from /proc)",
                            rounds, us(cpuP), us(cpuN), cpuP / cpuN, parley.cpuSource());
                    finalRatioLine = String.format("peerjs relay ratio parley/peer: %.2f", ratio);
                }
            }
            md("");
            md("| peers | W | server | msg/s (median) | msg/s per run | p50 | p99 | p99.9 | server CPU/msg | server cores | generator CPU/msg | other processes (cores) | errors |");
            md("|---:|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (String[] r : rows) {
                md("| " + String.join(" | ", r) + " |");
            }
            md("");
            md("| peers | W | msg/s ratio Parley/peer per A B pair | median ratio | server CPU/msg ratio Parley/peer |");
            md("|---:|---:|---|---:|---:|");
            for (String[] r : ratioRows) {
                md("| " + String.join(" | ", r) + " |");
            }
            Map<String, Double> m = parley.metrics();
            if (m != null) {
                md("");
                md(String.format("Parley /metrics after the runs: messages in (peerjs) %s, out %s; relay latency timer p50 %s, p99 %s (server-side: arrival to hand-off).",
                        num(Server.sum(m, "parley_messages_in_total", "endpoint=\"peerjs\"")),
                        num(Server.sum(m, "parley_messages_out_total", "endpoint=\"peerjs\"")),
                        quantileMetric(m, "0.5"), quantileMetric(m, "0.99")));
            } else {
                md("");
                md("Parley has no /metrics endpoint in this build: its CPU was read from /proc/<pid>/stat.");
            }
        }
    }

    private static boolean alternative() {
        return System.getProperty("bench.alt.cp") != null || System.getProperty("bench.alt.jvm") != null;
    }

    private static List<String> altJvmOptions() {
        String v = System.getProperty("bench.alt.jvm", "").trim();
        return v.isEmpty() ? List.of() : List.of(v.split("\\s+"));
    }

    private static String quantileMetric(Map<String, Double> m, String q) {
        for (Map.Entry<String, Double> e : m.entrySet()) {
            String k = e.getKey();
            if (k.startsWith("parley_relay_latency_seconds{") && k.contains("endpoint=\"peerjs\"") && k.contains("quantile=\"" + q + "\"")) {
                return String.format("%.1f µs", e.getValue() * 1e6);
            }
        }
        return "n/a";
    }

    // ---------------------------------------------------------------- generator ceiling

    private void ceiling() throws Exception {
        md("");
        md("### Generator ceiling against the bench's trivial relay (one thread, no parsing beyond dst)");
        md("");
        md("| peers | W | msg/s | p50 | p99 | generator CPU/msg | generator cores | relay CPU/msg |");
        md("|---:|---:|---:|---:|---:|---:|---:|---:|");
        try (Server trivial = Server.trivial(env, "trivial-relay")) {
            new RelayGen("trivial", trivial.address(), 50, 8, MESSAGE_BYTES, GEN_THREADS, "cw").run(2000, 500, trivial::cpuNanos);
            int n = 0;
            for (int[] cfg : new int[][] {{50, 8}, {500, 8}}) {
                RelayGen.Result r = new RelayGen("trivial", trivial.address(), cfg[0], cfg[1], MESSAGE_BYTES, GEN_THREADS, "c" + n++)
                        .run(1500, 5000, trivial::cpuNanos);
                md(String.format("| %d | %d | %s | %s | %s | %s | %.2f | %s |", cfg[0], cfg[1], num(r.perSecond()), ms(r.p50()), ms(r.p99()),
                        us(r.generatorCpuPerMessageMicros()), r.generatorCpuNanos() / 1e9 / r.seconds(), us(r.serverCpuPerMessageMicros())));
            }
        }
    }

    // ---------------------------------------------------------------- 2. idle connection capacity

    private record IdleTarget(String label, boolean parley, String mode, long intervalMs) {}

    private void idle() throws Exception {
        md("");
        md("### Idle connection capacity (2 generator processes, connections only heartbeat)");
        List<IdleTarget> targets = List.of(
                new IdleTarget("peer@1.0.2 /peerjs (HEARTBEAT every 5 s)", false, "peerjs", 5000),
                new IdleTarget("Parley /peerjs (HEARTBEAT every 5 s)", true, "peerjs", 5000),
                new IdleTarget("Parley /ws (joined, rooms of 8, ping every 2 s)", true, "ws", 2000));
        String only = System.getProperty("bench.idle.targets"); // e.g. parley-peerjs,parley-ws
        for (IdleTarget t : targets) {
            String key = (t.parley ? "parley-" : "peer-") + t.mode;
            if (only == null || Arrays.asList(only.split(",")).contains(key)) {
                idleOne(t);
            }
        }
    }

    private void idleOne(IdleTarget t) throws Exception {
        String label = (t.parley ? "parley" : "peer") + "-idle-" + t.mode;
        try (Server s = t.parley ? Server.parley(env, label, List.of(), List.of()) : Server.peer(env, label, 1_000_000)) {
            Thread.sleep(1000);
            long heap0 = s.heapAfterGc();
            Map<String, long[]> histogram0 = s.classHistogram();
            Map<String, long[]> histogram1 = null;
            int histogramAt = 0;
            long rss0 = s.rssBytes();
            int fds0 = s.openFds();
            int fdLimit = fdLimit(s.pid());
            int cap = fdLimit - fds0;
            md("");
            md("**" + t.label + "**: baseline RSS " + mb(rss0) + ", heap after GC " + mb(heap0) + ", " + fds0
                    + " fds open of a " + fdLimit + " limit, so at most " + cap + " sockets.");
            md("");
            md("| C asked | open | failed | dropped | ramp | RSS | heap after GC | RSS/conn | heap/conn | server fds | server CPU while idle |");
            md("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            int[] steps = System.getProperty("bench.idle.steps") == null ? new int[] {1000, 5000, 10000, 15000, cap, cap + 100}
                    : Arrays.stream(System.getProperty("bench.idle.steps").split(",")).mapToInt(Integer::parseInt).toArray();
            List<Gen> gens = new ArrayList<>();
            for (int g = 0; g < 2; g++) {
                gens.add(Gen.start(env, t.mode, s.port, label + "g" + g, t.intervalMs, 8));
            }
            try {
                int current = 0;
                String firstFailure = null;
                for (int c : steps) {
                    if (c <= current) {
                        continue;
                    }
                    int[] share = {(c + 1) / 2 - (current + 1) / 2, c / 2 - current / 2};
                    long r0 = System.nanoTime();
                    for (int g = 0; g < 2; g++) {
                        if (share[g] > 0) {
                            gens.get(g).command("open " + share[g] + " 1500");
                        }
                    }
                    current = c;
                    // wait until every asked connection opened or failed
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                    int[] st;
                    while (true) {
                        st = status(gens);
                        if (st[1] == 0 && st[0] + st[2] + st[3] >= c) {
                            break;
                        }
                        if (System.nanoTime() > deadline) {
                            break;
                        }
                        Thread.sleep(250);
                    }
                    double ramp = (System.nanoTime() - r0) / 1e9;
                    long cpu0 = s.procCpuNanos();
                    long h0 = System.nanoTime();
                    Thread.sleep(t.intervalMs + 1500); // at least one heartbeat from every connection
                    if (!s.process.isAlive()) {
                        st = status(gens);
                        md(String.format("| %,d | %,d | %,d | %,d | %.1f s | server exited (see its log) | | | | | |", c, st[0], st[2], st[3], ramp));
                        firstFailure = "the server process exited at C = " + String.format("%,d", c) + "; its log ends with: "
                                + s.tail().lines().reduce((a, b) -> b).orElse("");
                        break;
                    }
                    double cores = (s.procCpuNanos() - cpu0) / 1e9 / ((System.nanoTime() - h0) / 1e9);
                    st = status(gens);
                    long heap = s.heapAfterGc();
                    long rss = s.rssBytes();
                    int open = st[0];
                    String connCount = "";
                    Map<String, Double> m = s.metrics();
                    if (m != null) {
                        connCount = " (server says " + num(Server.sum(m, "parley_connections", "endpoint=\"" + t.mode + "\"")) + ")";
                    }
                    md(String.format("| %,d | %,d%s | %,d | %,d | %.1f s | %s | %s | %s | %s | %,d | %.2f cores |", c, open, connCount,
                            st[2], st[3], ramp, mb(rss), mb(heap), open == 0 ? "-" : kb((double) (rss - rss0) / open),
                            open == 0 ? "-" : kb((double) (heap - heap0) / open), s.openFds(), cores));
                    if (s.kind == Server.Kind.PARLEY && c == 10000 && st[2] == 0 && st[3] == 0) {
                        histogram1 = s.classHistogram();
                        histogramAt = open;
                    }
                    if ((st[2] > 0 || st[3] > 0) && firstFailure == null) {
                        firstFailure = "first failures at C = " + String.format("%,d", c) + " (" + open + " held): "
                                + gens.get(0).problems() + " " + gens.get(1).problems();
                        break;
                    }
                    if (!s.process.isAlive()) {
                        firstFailure = "server died at C = " + c;
                        break;
                    }
                }
                md("");
                md(firstFailure == null ? "No failures up to the last step." : firstFailure);
                if (histogram1 != null) {
                    perConnectionClasses(histogram0, histogram1, histogramAt);
                }
            } finally {
                for (Gen g : gens) {
                    g.quit();
                }
            }
        }
    }

    /** The classes that grew most between two histograms, per connection held. */
    private void perConnectionClasses(Map<String, long[]> before, Map<String, long[]> after, int connections) {
        List<Map.Entry<String, long[]>> grown = new ArrayList<>();
        long total = 0;
        for (Map.Entry<String, long[]> e : after.entrySet()) {
            long[] b = before.getOrDefault(e.getKey(), new long[2]);
            long[] d = {e.getValue()[0] - b[0], e.getValue()[1] - b[1]};
            total += d[1];
            grown.add(Map.entry(e.getKey(), d));
        }
        grown.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
        md("");
        md(String.format("Live heap per connection by class at %,d connections (jcmd GC.class_histogram, difference from no connections): %.0f bytes in all.",
                connections, (double) total / connections));
        md("");
        md("| class | instances per connection | bytes per connection |");
        md("|---|---:|---:|");
        for (Map.Entry<String, long[]> e : grown.subList(0, Math.min(15, grown.size()))) {
            md(String.format("| `%s` | %.2f | %.0f |", e.getKey(), (double) e.getValue()[0] / connections,
                    (double) e.getValue()[1] / connections));
        }
    }

    private static int[] status(List<Gen> gens) throws IOException {
        int[] sum = new int[4];
        for (Gen g : gens) {
            String line = g.command("status");
            Matcher m = Pattern.compile("open=(\\d+) pending=(\\d+) failed=(\\d+) dropped=(\\d+)").matcher(line);
            if (m.find()) {
                for (int i = 0; i < 4; i++) {
                    sum[i] += Integer.parseInt(m.group(i + 1));
                }
            }
        }
        return sum;
    }

    private static int fdLimit(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/limits"))) {
            if (line.startsWith("Max open files")) {
                return Integer.parseInt(line.substring("Max open files".length()).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }

    /** An {@link IdleGen} child process. */
    private static final class Gen {
        final Process process;
        final BufferedReader from;
        final PrintWriter to;

        private Gen(Process process) {
            this.process = process;
            this.from = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.to = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        }

        static Gen start(Env env, String mode, int port, String prefix, long intervalMs, int roomSize) throws IOException {
            Process p = new ProcessBuilder(env.java(), "-XX:+UseSerialGC", "-Xmx1g", "-cp", env.benchJar(),
                    "dev.parley.bench.IdleGen", mode, "127.0.0.1", String.valueOf(port), prefix,
                    String.valueOf(intervalMs), String.valueOf(roomSize))
                    .redirectError(env.logs().resolve(prefix + ".err").toFile()).start();
            Server.track(p);
            Gen g = new Gen(p);
            String hello = g.from.readLine();
            if (!"ready".equals(hello)) {
                throw new IOException("generator did not start: " + hello);
            }
            return g;
        }

        String command(String line) throws IOException {
            to.println(line);
            String answer = from.readLine();
            if (answer == null) {
                throw new IOException("generator exited");
            }
            return answer;
        }

        String problems() {
            try {
                return command("problems");
            } catch (IOException e) {
                return "(gone)";
            }
        }

        void quit() {
            try {
                command("quit");
                process.waitFor(15, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                // fall through to kill
            }
            process.destroyForcibly();
        }
    }

    // ---------------------------------------------------------------- 3. room protocol

    private void room() throws Exception {
        md("");
        md("### Parley room protocol (/ws): join latency and chat fan-out");
        md("");
        int participants = 2000;
        double rate = 500;
        double chat = 1.5;
        md(participants + " participants per run, in rooms of k, joining at " + (int) rate + "/s; then each sends "
                + chat + " chat messages per second (allowance: 2/s) for 5 s; every delivery (sender included) is timed.");
        md("");
        md("| k | rooms | join p50 | join p99 | join max | chats sent/s | deliveries/s | chat p50 | chat p99 | chat p99.9 | server CPU/delivery | errors |");
        md("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        try (Server s = Server.parley(env, "parley-room", List.of(), List.of())) {
            new RoomGen(s.address(), 4, 400, 400, chat, GEN_THREADS).run(2000, s::cpuNanos); // warm-up
            for (int k : new int[] {2, 4, 8}) {
                RoomGen.Result r = new RoomGen(s.address(), k, participants, rate, chat, GEN_THREADS).run(5000, s::cpuNanos);
                md(String.format("| %d | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d%s |", k, r.participants() / k,
                        ms(r.joinP50()), ms(r.joinP99()), ms(r.joinMax()), num(r.chatsSent() / r.chatSeconds()),
                        num(r.deliveriesPerSecond()), ms(r.chatP50()), ms(r.chatP99()), ms(r.chatP999()),
                        us(r.deliveries() == 0 ? Double.NaN : r.serverCpuNanos() / 1000.0 / r.deliveries()), r.errors(),
                        r.problem() == null ? "" : " " + r.problem()));
                Thread.sleep(500);
            }
        }
    }

    // ---------------------------------------------------------------- JFR

    private void jfr() throws Exception {
        Path dir = env.work().resolve("jfr");
        Files.createDirectories(dir);
        Path file = dir.resolve("parley-relay.jfr");
        Files.deleteIfExists(file);
        md("");
        md("### JFR profile of Parley relaying (50 peers, W=8)");
        md("");
        RelayGen.Result r;
        try (Server s = Server.parley(env, "parley-jfr", List.of(), List.of())) {
            new RelayGen("jfr", s.address(), 50, 8, MESSAGE_BYTES, GEN_THREADS, "jw").run(3000, 500, s::cpuNanos);
            // record only the measured run: started after the warm-up, stopped right after
            say(Server.run(env.jcmd(), String.valueOf(s.pid()), "JFR.start", "name=bench", "settings=profile",
                    "filename=" + file, "jdk.CPUTimeSample#enabled=true", "jdk.CPUTimeSample#throttle=2ms",
                    "jdk.JavaMonitorEnter#threshold=1ms", "jdk.ThreadPark#threshold=1ms").trim().replace('\n', ' '));
            r = new RelayGen("jfr", s.address(), 50, 8, MESSAGE_BYTES, GEN_THREADS, "jm").run(1000, 8000, s::cpuNanos);
            say(Server.run(env.jcmd(), String.valueOf(s.pid()), "JFR.stop", "name=bench").trim().replace('\n', ' '));
        }
        md(String.format("Recorded run: %s msg/s, server %s/msg with JFR on (`jcmd JFR.start settings=profile` plus the"
                + " CPU-time sampler, after a warm-up). Recording: `bench/.work/%s`; the views below are in `bench/.work/jfr/`.",
                num(r.perSecond()), us(r.serverCpuPerMessageMicros()), env.work().relativize(file)));
        String json = Server.run(env.jfr(), "print", "--json", "--events", "jdk.GCHeapSummary", file.toString());
        long allocated = allocatedBetween(json, Instant.EPOCH, Instant.now().plusSeconds(3600));
        if (allocated > 0) {
            md(String.format("Heap allocated during the recording (from GC heap summaries): %s for %s messages relayed,"
                    + " about **%s per relayed message**.", mb(allocated), num(r.allMessages()), kb((double) allocated / r.allMessages())));
        }
        String samples = Server.run(env.jfr(), "print", "--stack-depth", "96", "--events", "jdk.CPUTimeSample", file.toString());
        Files.writeString(dir.resolve("cpu-samples.txt"), samples);
        cpuBreakdown(samples);
        for (String view : List.of("cpu-time-hot-methods", "hot-methods", "allocation-by-site", "allocation-by-class",
                "contention-by-site", "pinned-threads", "gc")) {
            String text = Server.run(env.jfr(), "view", "--width", "160", view, file.toString());
            Files.writeString(dir.resolve(view + ".txt"), text);
            md("");
            md("`jfr view " + view + "` (top):");
            md("```");
            text.lines().filter(l -> !l.isBlank()).limit(view.equals("gc") ? 8 : 18).forEach(this::md);
            md("```");
        }
    }

    /**
     * Where the CPU goes: each CPU-time sample is charged to the first stage, in this order, that has a frame
     * anywhere in its stack. Inner work comes first, so a write system call made while sending counts as
     * sending, and what the message callback does is carved out of the decoding that calls it.
     */
    static final String[][] STAGES = {
        {"PeerJS: parse the frame (FrameCodec.read, Jackson)", "dev.parley.peerjs.FrameCodec.read"},
        {"PeerJS: build the relayed frame (FrameCodec.relay)", "dev.parley.peerjs.FrameCodec.relay"},
        {"metrics (Micrometer counters and timer, type peek)", "dev.parley.metrics.", "io.micrometer."},
        {"Jetty: send (UTF-8 encode, frame, flush, write syscall)", "org.eclipse.jetty.websocket.common.WebSocketSession.send",
            "org.eclipse.jetty.websocket.core.WebSocketCoreSession.sendFrame"},
        {"PeerJS: relay logic (registry, handlers, service)", "dev.parley.peerjs."},
        {"Javalin: WebSocket dispatch (context per message)", "io.javalin."},
        {"Jetty: text message to String (UTF-8 decode)", "org.eclipse.jetty.util.Utf8StringBuilder",
            "org.eclipse.jetty.websocket.core.messages.StringMessageSink"},
        {"Jetty: read syscall, frame parse, demask", "org.eclipse.jetty.websocket.core.WebSocketConnection"},
        {"Jetty: selector (epoll), connection upkeep", "org.eclipse.jetty."},
        {"virtual-thread scheduling (ForkJoinPool, continuations)", "java.util.concurrent.ForkJoin", "java.lang.VirtualThread",
            "jdk.internal.vm.Continuation"},
        {"JVM threads without a Java stack (GC, JIT)", "<no-stack>"},
    };

    private void cpuBreakdown(String samples) {
        Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        int total = 0;
        for (String event : samples.split("jdk.CPUTimeSample \\{")) {
            if (!event.contains("startTime")) {
                continue;
            }
            total++;
            int at = event.indexOf("stackTrace = [");
            List<String> frames = new ArrayList<>();
            if (at >= 0) {
                for (String line : event.substring(at + 14).split("\n")) {
                    String f = line.trim();
                    if (f.startsWith("]")) {
                        break;
                    }
                    if (!f.isEmpty() && !f.equals("...")) {
                        frames.add(f);
                    }
                }
            }
            if (frames.isEmpty()) {
                frames.add("<no-stack>");
            }
            String stage = "other";
            search:
            for (String[] st : STAGES) {
                for (String f : frames) {
                    for (int i = 1; i < st.length; i++) {
                        if (f.startsWith(st[i])) {
                            stage = st[0];
                            break search;
                        }
                    }
                }
            }
            counts.merge(stage, 1, Integer::sum);
        }
        md("");
        md("CPU by stage (" + total + " CPU-time samples of Parley's threads; each charged to the first stage, in the"
                + " order of `Suite.STAGES`, found anywhere in its stack, so inner work such as a send's write system call is counted as that work):");
        md("");
        md("| stage | share of Parley's CPU |");
        md("|---|---:|");
        int all = Math.max(1, total);
        counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue())
                .forEach(e -> md(String.format("| %s | %.1f%% |", e.getKey(), 100.0 * e.getValue() / all)));
    }

    /** Sum over GCs that started inside [from, to] of (heap used before it - heap used after the previous one). */
    static long allocatedBetween(String json, Instant from, Instant to) {
        Map<Long, long[]> byGc = new TreeMap<>(); // gcId -> {before, after, startEpochMillis}
        for (String chunk : json.split("\"type\": \"jdk.GCHeapSummary\"")) {
            Matcher id = Pattern.compile("\"gcId\": (\\d+)").matcher(chunk);
            Matcher when = Pattern.compile("\"when\": \"([^\"]+)\"").matcher(chunk);
            Matcher used = Pattern.compile("\"heapUsed\": (\\d+)").matcher(chunk);
            Matcher start = Pattern.compile("\"startTime\": \"([^\"]+)\"").matcher(chunk);
            if (!id.find() || !when.find() || !used.find() || !start.find()) {
                continue;
            }
            long[] e = byGc.computeIfAbsent(Long.parseLong(id.group(1)), k -> new long[] {-1, -1, 0});
            if (when.group(1).startsWith("Before")) {
                e[0] = Long.parseLong(used.group(1));
                try {
                    e[2] = OffsetDateTime.parse(start.group(1)).toInstant().toEpochMilli();
                } catch (RuntimeException ex) {
                    e[2] = 0;
                }
            } else {
                e[1] = Long.parseLong(used.group(1));
            }
        }
        long total = 0;
        long previousAfter = -1;
        for (long[] e : byGc.values()) {
            if (previousAfter >= 0 && e[0] >= 0 && e[2] >= from.toEpochMilli() && e[2] <= to.toEpochMilli()) {
                total += Math.max(0, e[0] - previousAfter);
            }
            previousAfter = e[1];
        }
        return total;
    }
}
