package dev.parley.bench;

import static dev.parley.bench.Report.kb;
import static dev.parley.bench.Report.mb;
import static dev.parley.bench.Report.num;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Section 2, idle connection capacity: two {@link IdleGen} processes open connections in steps that only
 * heartbeat, and each step reports what the server holds and what it costs (RSS, heap, fds, CPU); for
 * Parley, also the live heap per connection by class.
 */
final class IdleSection {
    private final Env env;
    private final Report report;

    IdleSection(Env env, Report report) {
        this.env = env;
        this.report = report;
    }

    private record IdleTarget(String label, boolean parley, String mode, long intervalMs) {}

    void run() throws Exception {
        report.md("");
        report.md("### Idle connection capacity (2 generator processes, connections only heartbeat)");
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
            report.md("");
            report.md("**" + t.label + "**: baseline RSS " + mb(rss0) + ", heap after GC " + mb(heap0) + ", " + fds0
                    + " fds open of a " + fdLimit + " limit, so at most " + cap + " sockets.");
            report.md("");
            report.md("| C asked | open | failed | dropped | ramp | RSS | heap after GC | RSS/conn | heap/conn | server fds | server CPU while idle |");
            report.md("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            int[] steps = System.getProperty("bench.idle.steps") == null ? new int[] {1000, 5000, 10000, 15000, cap, cap + 100}
                    : Arrays.stream(System.getProperty("bench.idle.steps").split(",")).mapToInt(Integer::parseInt).toArray();
            List<IdleGenProcess> gens = new ArrayList<>();
            for (int g = 0; g < 2; g++) {
                gens.add(IdleGenProcess.start(env, t.mode, s.port, label + "g" + g, t.intervalMs, 8));
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
                        report.md(String.format("| %,d | %,d | %,d | %,d | %.1f s | server exited (see its log) | | | | | |", c, st[0], st[2], st[3], ramp));
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
                    report.md(String.format("| %,d | %,d%s | %,d | %,d | %.1f s | %s | %s | %s | %s | %,d | %.2f cores |", c, open, connCount,
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
                report.md("");
                report.md(firstFailure == null ? "No failures up to the last step." : firstFailure);
                if (histogram1 != null) {
                    perConnectionClasses(histogram0, histogram1, histogramAt);
                }
            } finally {
                for (IdleGenProcess g : gens) {
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
        report.md("");
        report.md(String.format("Live heap per connection by class at %,d connections (jcmd GC.class_histogram, difference from no connections): %.0f bytes in all.",
                connections, (double) total / connections));
        report.md("");
        report.md("| class | instances per connection | bytes per connection |");
        report.md("|---|---:|---:|");
        for (Map.Entry<String, long[]> e : grown.subList(0, Math.min(15, grown.size()))) {
            report.md(String.format("| `%s` | %.2f | %.0f |", e.getKey(), (double) e.getValue()[0] / connections,
                    (double) e.getValue()[1] / connections));
        }
    }

    private static int[] status(List<IdleGenProcess> gens) throws IOException {
        int[] sum = new int[4];
        for (IdleGenProcess g : gens) {
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
}
