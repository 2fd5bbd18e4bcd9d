package dev.parley.bench;

import static dev.parley.bench.Report.median;
import static dev.parley.bench.Report.ms;
import static dev.parley.bench.Report.num;
import static dev.parley.bench.Report.us;
import static dev.parley.bench.Suite.GEN_THREADS;
import static dev.parley.bench.Suite.MESSAGE_BYTES;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Section 1, the PeerJS relay: Parley against peer@1.0.2 (or a second Parley build), A B A B over several
 * shapes of peers and window; per-run lines, the tables, and the ratios bench/run prints last.
 */
final class RelaySection {
    private final Env env;
    private final Report report;
    private final boolean quick;
    private String finalCpuLine;
    private String finalRatioLine;

    RelaySection(Env env, Report report, boolean quick) {
        this.env = env;
        this.report = report;
        this.quick = quick;
    }

    /** Server CPU per message at 50 peers, W=8, for bench/run's last lines; null when that shape did not run. */
    String finalCpuLine() {
        return finalCpuLine;
    }

    /** The msg/s ratio Parley/peer at 50 peers, W=8; null when that shape did not run. */
    String finalRatioLine() {
        return finalRatioLine;
    }

    void run() throws Exception {
        int[][] configs = quick ? new int[][] {{50, 8}} : new int[][] {{50, 1}, {50, 8}, {500, 8}, {5000, 1}};
        if (System.getProperty("bench.relay.configs") != null) { // e.g. 50x8,500x8
            configs = Arrays.stream(System.getProperty("bench.relay.configs").split(","))
                    .map(c -> Arrays.stream(c.split("x")).mapToInt(Integer::parseInt).toArray()).toArray(int[][]::new);
        }
        int rounds = 3;
        long warmup = quick ? 1000 : 1500;
        long measure = quick ? 3500 : 5000;
        report.md("");
        report.md("### PeerJS relay: Parley /peerjs vs peer@1.0.2, " + (quick ? "quick" : "full") + " run, " + Instant.now());
        report.md("");
        report.md("Pairs of peers ping-pong " + MESSAGE_BYTES + "-byte OFFER/ANSWER frames, W in flight per pair; " + rounds
                + " rounds of A B (Parley, then peer); " + warmup + " ms warm-up + " + measure + " ms measured per run; generator: "
                + GEN_THREADS + " selector threads in one JVM.");
        report.md("");
        try (Server parley = Server.parley(env, "parley-relay", List.of(), List.of());
             Server peer = !alternative() ? Server.peer(env, "peer-relay", 1_000_000)
                     : Server.parley(new Env(env.work(), env.java(), env.jcmd(), env.jfr(), env.node(),
                             System.getProperty("bench.alt.cp", env.parleyClasspath()), env.benchJar(), env.peerScript()),
                             "alt-relay", altJvmOptions(), List.of())) {
            // -Dbench.alt.cp=CLASSPATH and/or -Dbench.alt.jvm="JVM OPTIONS" put a second Parley in peer's place,
            // for before/after comparisons of a change
            if (peer.kind == Server.Kind.PARLEY) {
                report.md("(B is not peer in this run: it is Parley from " + System.getProperty("bench.alt.cp", "the same build")
                        + " with JVM options " + altJvmOptions() + ")");
            }
            report.say("servers: parley pid " + parley.pid() + " port " + parley.port + ", peer pid " + peer.pid() + " port " + peer.port);
            // untimed warm-up of both (JIT for Parley, and the generator itself)
            for (Server s : List.of(parley, peer)) {
                RelayGen.Result r = new RelayGen(s.label, s.address(), 50, 8, MESSAGE_BYTES, GEN_THREADS, "warm" + s.kind)
                        .run(quick ? 1500 : 3000, 500, s::cpuNanos);
                report.say("warm-up " + s.label + ": " + num(r.perSecond()) + " msg/s" + (r.problem() == null ? "" : " " + r.problem()));
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
                        report.say(String.format("  %4d peers W=%d %-6s round %d: %9s msg/s  p50 %s  p99 %s  p99.9 %s  server %s/msg (%.2f cores, %s)  gen %s/msg  other %.2f cores  errors %d%s",
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
            report.md("");
            report.md("| peers | W | server | msg/s (median) | msg/s per run | p50 | p99 | p99.9 | server CPU/msg | server cores | generator CPU/msg | other processes (cores) | errors |");
            report.md("|---:|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (String[] r : rows) {
                report.md("| " + String.join(" | ", r) + " |");
            }
            report.md("");
            report.md("| peers | W | msg/s ratio Parley/peer per A B pair | median ratio | server CPU/msg ratio Parley/peer |");
            report.md("|---:|---:|---|---:|---:|");
            for (String[] r : ratioRows) {
                report.md("| " + String.join(" | ", r) + " |");
            }
            Map<String, Double> m = parley.metrics();
            if (m != null) {
                report.md("");
                report.md(String.format("Parley /metrics after the runs: messages in (peerjs) %s, out %s; relay latency timer p50 %s, p99 %s (server-side: arrival to hand-off).",
                        num(Server.sum(m, "parley_messages_in_total", "endpoint=\"peerjs\"")),
                        num(Server.sum(m, "parley_messages_out_total", "endpoint=\"peerjs\"")),
                        quantileMetric(m, "0.5"), quantileMetric(m, "0.99")));
            } else {
                report.md("");
                report.md("Parley has no /metrics endpoint in this build: its CPU was read from /proc/<pid>/stat.");
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
}
