package dev.parley.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Parley as a separate OS process, so a test can kill it the hard way (SIGKILL) and start it again on
 * the same port with the same data folder. Runs {@code dev.parley.Parley} with the JVM running the tests,
 * on target/classes plus the jars of the test classpath. Output goes to a log file, appended across restarts.
 */
public final class ServerProcess implements AutoCloseable {

    private static final String MAIN_CLASS = "dev.parley.Parley";

    private final Process process;
    private final int port;
    private final Path log;
    private final long startedAt;

    private ServerProcess(Process process, int port, Path log, long startedAt) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.startedAt = startedAt;
    }

    /** A port nobody listens on right now on 127.0.0.1 (free when asked; another process could still take it). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port", e);
        }
    }

    /** Starts {@code java dev.parley.Parley --port P --host 127.0.0.1 --data-dir D}; does not wait for it to be ready. */
    public static ServerProcess start(int port, Path dataDir, Path log) {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(javaBin.toString(), "-cp", classpath(), MAIN_CLASS,
            "--port", String.valueOf(port), "--host", "127.0.0.1", "--data-dir", dataDir.toAbsolutePath().toString());
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            Files.writeString(log, "---- starting Parley on port " + port + " ----\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            long startedAt = System.nanoTime();
            Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
            return new ServerProcess(process, port, log, startedAt);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /**
     * target/classes first (the code under test, with its static files), then every jar of the test
     * classpath: Parley's runtime dependencies are among them, and extra test jars do no harm.
     */
    static String classpath() {
        Path target = Path.of("target").toAbsolutePath();
        Set<String> entries = new LinkedHashSet<>();
        entries.add(target.resolve("classes").toString());
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            // Failsafe also lists target/parley.jar, a copy of target/classes; twice on the path is noise (logback warns).
            if (entry.endsWith(".jar") && !target.equals(Path.of(entry).toAbsolutePath().getParent())) {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** {@link System#nanoTime()} when the process was launched. */
    public long startedAtNanos() {
        return startedAt;
    }

    /**
     * Polls GET /healthz every 50 ms until it answers 200; returns {@link System#nanoTime()} of that answer.
     * Fails early, with the log, if the process dies.
     */
    public long awaitHealthy(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofMillis(500)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
            .timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("Parley (pid " + pid() + ") exited with " + process.exitValue()
                    + " before /healthz answered; log:\n" + logTail(40));
            }
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return System.nanoTime();
                }
                last = "HTTP " + response.statusCode();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Parley on port " + port + " not healthy within " + timeout.toSeconds()
                    + " s (" + last + "); log:\n" + logTail(40));
            }
            Browser.pause(50);
        }
    }

    /** SIGKILL (what {@link Process#destroyForcibly()} sends on Linux); waits for the process to be gone; returns its exit code. */
    public int kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new AssertionError("Parley (pid " + pid() + ") still alive 10 s after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return process.exitValue();
    }

    /** The last lines of the server's output (both lives, if restarted with the same log). */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", new ArrayList<>(all.subList(Math.max(0, all.size() - lines), all.size())));
        } catch (IOException | UncheckedIOException e) {
            return "(log unavailable: " + e + ")";
        }
    }

    public Path log() {
        return log;
    }

    /** A polite stop (SIGTERM, so the shutdown hook runs), then SIGKILL if it lingers. Idempotent. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
