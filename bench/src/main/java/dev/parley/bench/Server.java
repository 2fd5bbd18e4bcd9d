package dev.parley.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
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
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server process under test, on loopback: Parley (from the bench's build snapshot), peer@1.0.2 under
 * Node, or the bench's own trivial relay. Reads its CPU time from /proc (and Parley's from /metrics when
 * that endpoint exists) and its memory from /proc, jcmd, or V8's heap statistics for Node.
 */
final class Server implements AutoCloseable {
    enum Kind { PARLEY, PEER, TRIVIAL }

    private static final long CLOCK_TICKS = 100; // getconf CLK_TCK on Linux
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade: Node hands Upgrade requests to ws, which ignores other paths
            .connectTimeout(Duration.ofSeconds(2)).build();

    final Kind kind;
    final String label;
    final int port;
    final Process process;
    final Path log;
    private final String jcmd;
    /** Whether the server has a /metrics endpoint with process CPU time; null until asked. */
    private Boolean metricsEndpoint;
    private boolean cpuFromMetrics;

    /** Every process started here, ended when this JVM exits however it exits (Ctrl-C included). */
    private static final List<Process> STARTED = new java.util.concurrent.CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.forEach(p -> {
            if (p.isAlive()) {
                p.destroy();
            }
        }), "bench-cleanup"));
    }

    static Process track(Process p) {
        STARTED.add(p);
        return p;
    }

    private Server(Kind kind, String label, int port, Process process, Path log, String jcmd) {
        track(process);
        this.kind = kind;
        this.label = label;
        this.port = port;
        this.process = process;
        this.log = log;
        this.jcmd = jcmd;
    }

    long pid() {
        return process.pid();
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parley from {@code jar} and {@code lib/*}, with limits raised for load and any extra JVM options. */
    static Server parley(Env env, String label, List<String> jvmOptions, List<String> extraFlags) throws IOException, InterruptedException {
        int port = freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(env.java());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(env.parleyClasspath());
        cmd.add("dev.parley.Parley");
        cmd.addAll(List.of("--port", String.valueOf(port), "--host", "127.0.0.1",
                "--data-dir", env.work().resolve("data").toString(),
                "--max-connections-per-ip", "1000000", "--max-rooms", "1000000",
                "--peerjs-concurrent-limit", "1000000"));
        cmd.addAll(extraFlags);
        Path log = env.logs().resolve(label + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Server s = new Server(Kind.PARLEY, label, port, p, log, env.jcmd());
        try {
            s.awaitHttp("/peerjs", Duration.ofSeconds(40));
        } catch (IOException | InterruptedException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** peer@1.0.2 through bench/peer-server.mjs, concurrent_limit raised to {@code limit}. */
    static Server peer(Env env, String label, int limit) throws IOException, InterruptedException {
        int port = freePort();
        List<String> cmd = List.of(env.node(), "--expose-gc", env.peerScript().toString(),
                "--port", String.valueOf(port), "--limit", String.valueOf(limit));
        Path log = env.logs().resolve(label + ".log");
        Process p = new ProcessBuilder(cmd).directory(env.peerScript().getParent().toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Server s = new Server(Kind.PEER, label, port, p, log, null);
        try {
            s.awaitHttp("/peerjs", Duration.ofSeconds(20));
        } catch (IOException | InterruptedException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** The bench's own minimal relay, to find the generator's ceiling. */
    static Server trivial(Env env, String label) throws IOException, InterruptedException {
        int port = freePort();
        List<String> cmd = List.of(env.java(), "-XX:+UseSerialGC", "-Xmx256m", "-cp", env.benchJar(),
                "dev.parley.bench.TrivialRelay", String.valueOf(port));
        Path log = env.logs().resolve(label + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Server s = new Server(Kind.TRIVIAL, label, port, p, log, null);
        try {
            s.awaitTcp(Duration.ofSeconds(20));
        } catch (IOException | InterruptedException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void awaitHttp(String path, Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(label + " exited early; see " + log + ":\n" + tail());
            }
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(100);
        }
        throw new IOException(label + " did not answer " + path + " within " + timeout + "; see " + log);
    }

    private void awaitTcp(Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IOException(label + " did not listen within " + timeout);
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** CPU time of the process (user + system), from /metrics for Parley when it has it, else /proc. */
    long cpuNanos() {
        if (kind == Kind.PARLEY && !Boolean.FALSE.equals(metricsEndpoint)) {
            Map<String, Double> m = metrics();
            Double v = m == null ? null : m.get("process_cpu_time_ns_total");
            if (v != null) {
                cpuFromMetrics = true;
                return v.longValue();
            }
        }
        cpuFromMetrics = false;
        return procCpuNanos();
    }

    String cpuSource() {
        return cpuFromMetrics ? "/metrics" : "/proc";
    }

    long procCpuNanos() {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid() + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
            return ticks * (1_000_000_000L / CLOCK_TICKS);
        } catch (IOException e) {
            throw new UncheckedIOException(label + " is gone", e);
        }
    }

    /** Resident set size in bytes. */
    long rssBytes() {
        return procStatus("VmRSS");
    }

    long procStatus(String field) {
        if (!process.isAlive()) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
                if (line.startsWith(field + ":")) {
                    String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException e) {
            return -1; // it exited meanwhile
        }
        return -1;
    }

    int openFds() {
        try (var s = Files.list(Path.of("/proc/" + pid() + "/fd"))) {
            return (int) s.count();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Parley's /metrics as name{labels} to value, or null when it has no such endpoint. */
    Map<String, Double> metrics() {
        if (kind != Kind.PARLEY || Boolean.FALSE.equals(metricsEndpoint)) {
            return null;
        }
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200 || !r.body().contains("# TYPE")) {
                metricsEndpoint = false;
                return null;
            }
            metricsEndpoint = true;
            Map<String, Double> out = new TreeMap<>();
            for (String line : r.body().split("\n")) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int sp = line.lastIndexOf(' ');
                try {
                    out.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
                } catch (NumberFormatException ignored) {
                    // NaN and friends
                }
            }
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Sum of every series of {@code name} whose labels contain all of {@code labelParts}. */
    static double sum(Map<String, Double> metrics, String name, String... labelParts) {
        double total = 0;
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            String k = e.getKey();
            if (!(k.equals(name) || k.startsWith(name + "{"))) {
                continue;
            }
            boolean all = true;
            for (String part : labelParts) {
                all &= k.contains(part);
            }
            if (all) {
                total += e.getValue();
            }
        }
        return total;
    }

    /** Heap in use after a full collection, in bytes: jcmd GC.run + GC.heap_info for Parley, gc() in Node for peer. */
    long heapAfterGc() throws IOException, InterruptedException {
        if (kind == Kind.PARLEY) {
            run(jcmd, String.valueOf(pid()), "GC.run");
            String info = run(jcmd, String.valueOf(pid()), "GC.heap_info");
            Matcher m = Pattern.compile("used (\\d+)K").matcher(info);
            if (m.find()) {
                return Long.parseLong(m.group(1)) * 1024;
            }
            return -1;
        }
        if (kind == Kind.PEER && process.isAlive()) {
            // the wrapper prints "mem {...}" on SIGUSR2; wait for a new such line in its log
            long before = Files.readAllLines(log).stream().filter(l -> l.startsWith("mem ")).count();
            run("kill", "-USR2", String.valueOf(pid()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                List<String> mem = Files.readAllLines(log).stream().filter(l -> l.startsWith("mem ")).toList();
                if (mem.size() > before) {
                    Matcher m = Pattern.compile("\"heapUsed\":(\\d+)").matcher(mem.get(mem.size() - 1));
                    if (m.find()) {
                        return Long.parseLong(m.group(1));
                    }
                }
                Thread.sleep(50);
            }
        }
        return -1;
    }

    /** Live objects by class after a full GC (Parley only): class name to {instances, bytes}. */
    Map<String, long[]> classHistogram() throws IOException, InterruptedException {
        Map<String, long[]> out = new TreeMap<>();
        if (kind != Kind.PARLEY) {
            return out;
        }
        Matcher m = Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)").matcher(run(jcmd, String.valueOf(pid()), "GC.class_histogram"));
        while (m.find()) {
            out.put(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
        }
        return out;
    }

    static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy(); // SIGTERM: Parley's shutdown hook runs, JFR dumps on exit
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
