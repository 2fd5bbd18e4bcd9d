package dev.parley.bench;

import static dev.parley.bench.Report.kb;
import static dev.parley.bench.Report.mb;
import static dev.parley.bench.Report.num;
import static dev.parley.bench.Report.us;
import static dev.parley.bench.Suite.GEN_THREADS;
import static dev.parley.bench.Suite.MESSAGE_BYTES;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JFR profile: one recorded relay run of Parley, then where its CPU went by stage of the message path,
 * the heap allocated per relayed message, and the top of the usual {@code jfr view}s.
 */
final class JfrSection {
    private final Env env;
    private final Report report;

    JfrSection(Env env, Report report) {
        this.env = env;
        this.report = report;
    }

    void run() throws Exception {
        Path dir = env.work().resolve("jfr");
        Files.createDirectories(dir);
        Path file = dir.resolve("parley-relay.jfr");
        Files.deleteIfExists(file);
        report.md("");
        report.md("### JFR profile of Parley relaying (50 peers, W=8)");
        report.md("");
        RelayGen.Result r;
        try (Server s = Server.parley(env, "parley-jfr", List.of(), List.of())) {
            new RelayGen("jfr", s.address(), 50, 8, MESSAGE_BYTES, GEN_THREADS, "jw").run(3000, 500, s::cpuNanos);
            // record only the measured run: started after the warm-up, stopped right after
            report.say(Server.run(env.jcmd(), String.valueOf(s.pid()), "JFR.start", "name=bench", "settings=profile",
                    "filename=" + file, "jdk.CPUTimeSample#enabled=true", "jdk.CPUTimeSample#throttle=2ms",
                    "jdk.JavaMonitorEnter#threshold=1ms", "jdk.ThreadPark#threshold=1ms").trim().replace('\n', ' '));
            r = new RelayGen("jfr", s.address(), 50, 8, MESSAGE_BYTES, GEN_THREADS, "jm").run(1000, 8000, s::cpuNanos);
            report.say(Server.run(env.jcmd(), String.valueOf(s.pid()), "JFR.stop", "name=bench").trim().replace('\n', ' '));
        }
        report.md(String.format("Recorded run: %s msg/s, server %s/msg with JFR on (`jcmd JFR.start settings=profile` plus the"
                + " CPU-time sampler, after a warm-up). Recording: `bench/.work/%s`; the views below are in `bench/.work/jfr/`.",
                num(r.perSecond()), us(r.serverCpuPerMessageMicros()), env.work().relativize(file)));
        String json = Server.run(env.jfr(), "print", "--json", "--events", "jdk.GCHeapSummary", file.toString());
        long allocated = allocatedBetween(json, Instant.EPOCH, Instant.now().plusSeconds(3600));
        if (allocated > 0) {
            report.md(String.format("Heap allocated during the recording (from GC heap summaries): %s for %s messages relayed,"
                    + " about **%s per relayed message**.", mb(allocated), num(r.allMessages()), kb((double) allocated / r.allMessages())));
        }
        String samples = Server.run(env.jfr(), "print", "--stack-depth", "96", "--events", "jdk.CPUTimeSample", file.toString());
        Files.writeString(dir.resolve("cpu-samples.txt"), samples);
        cpuBreakdown(samples);
        for (String view : List.of("cpu-time-hot-methods", "hot-methods", "allocation-by-site", "allocation-by-class",
                "contention-by-site", "pinned-threads", "gc")) {
            String text = Server.run(env.jfr(), "view", "--width", "160", view, file.toString());
            Files.writeString(dir.resolve(view + ".txt"), text);
            report.md("");
            report.md("`jfr view " + view + "` (top):");
            report.md("```");
            text.lines().filter(l -> !l.isBlank()).limit(view.equals("gc") ? 8 : 18).forEach(report::md);
            report.md("```");
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
        report.md("");
        report.md("CPU by stage (" + total + " CPU-time samples of Parley's threads; each charged to the first stage, in the"
                + " order of `JfrSection.STAGES`, found anywhere in its stack, so inner work such as a send's write system call is counted as that work):");
        report.md("");
        report.md("| stage | share of Parley's CPU |");
        report.md("|---|---:|");
        int all = Math.max(1, total);
        counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue())
                .forEach(e -> report.md(String.format("| %s | %.1f%% |", e.getKey(), 100.0 * e.getValue() / all)));
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
