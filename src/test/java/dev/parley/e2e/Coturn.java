package dev.parley.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

/**
 * A real coturn (Debian package {@code coturn}) on 127.0.0.1 for one test: a free listening port, a small
 * relay port range, a fresh random {@code static-auth-secret}, UDP only, its log captured in memory.
 * {@code --allow-loopback-peers} is set because both test browsers sit on loopback; production configs
 * must never have it (see docs/turn.md).
 */
public final class Coturn implements AutoCloseable {

    private static final List<Path> CANDIDATES = List.of(Path.of("/usr/bin/turnserver"), Path.of("/usr/local/bin/turnserver"));
    public static final String REALM = "parley.test";
    /** Relay ports per instance: each browser allocation takes one, ICE restarts take more. */
    private static final int RELAY_PORTS = 40;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
    private static final int MAX_LOG_LINES = 20_000;

    private final Process process;
    private final int port;
    private final int minRelayPort;
    private final int maxRelayPort;
    private final String secret;
    private final Path workDir;
    private final List<String> log;
    /** Stops coturn even if the test JVM exits without closing it (coturn would otherwise outlive it). */
    private final Thread stopAtExit;

    private Coturn(Process process, int port, int minRelayPort, int maxRelayPort, String secret, Path workDir, List<String> log) {
        this.process = process;
        this.port = port;
        this.minRelayPort = minRelayPort;
        this.maxRelayPort = maxRelayPort;
        this.secret = secret;
        this.workDir = workDir;
        this.log = log;
        this.stopAtExit = new Thread(process::destroyForcibly, "coturn-stop-" + port);
        Runtime.getRuntime().addShutdownHook(stopAtExit);
    }

    /** The turnserver binary; skips locally when it is missing, but fails on CI (./run-tests installs it). */
    public static Path requireTurnserver() {
        Optional<Path> found = CANDIDATES.stream().filter(Files::isExecutable).findFirst()
            .or(() -> onPath("turnserver"));
        if (found.isPresent()) {
            return found.get();
        }
        String message = "Relay tests need coturn's turnserver; install with: apt-get install -y coturn (./run-tests does)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(message + " (CI=true, so this is a failure, not a skip)");
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }

    /** Starts coturn with a fresh random secret and waits until it answers a STUN Binding request. */
    public static Coturn start() {
        Path binary = requireTurnserver();
        byte[] raw = new byte[24];
        new SecureRandom().nextBytes(raw);
        String secret = HexFormat.of().formatHex(raw);
        IllegalStateException last = null;
        // A port found free can be taken by someone else before coturn binds it; try a few times.
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                return launch(binary, secret);
            } catch (IllegalStateException e) {
                last = e;
                System.out.println("[coturn] attempt " + attempt + " failed: " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        throw last;
    }

    private static Coturn launch(Path binary, String secret) {
        int port = freeUdpAndTcpPort();
        int minRelay = freeUdpRange(RELAY_PORTS);
        int maxRelay = minRelay + RELAY_PORTS - 1;
        Path workDir;
        try {
            workDir = Files.createTempDirectory("parley-coturn-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>();
        // coturn logs through stdio, which a pipe makes block-buffered: without line buffering its session
        // lines would only show up when the buffer fills. stdbuf (coreutils) execs coturn itself, same pid.
        onPath("stdbuf").ifPresent(stdbuf -> command.addAll(List.of(stdbuf.toString(), "-oL", "-eL")));
        // -v ("moderate" verbosity) logs each session with its username and each ALLOCATE's outcome.
        command.addAll(List.of(binary.toString(), "-n", "-v",
            "--listening-ip=127.0.0.1", "--listening-port=" + port, "--relay-ip=127.0.0.1",
            "--min-port=" + minRelay, "--max-port=" + maxRelay,
            "--use-auth-secret", "--static-auth-secret=" + secret, "--realm=" + REALM,
            "--no-tls", "--no-dtls", "--allow-loopback-peers", "--no-cli", "--log-file=stdout",
            // Keep this instance's files out of /var, so parallel instances do not share them.
            "--pidfile=" + workDir.resolve("turnserver.pid"), "--db=" + workDir.resolve("turndb")));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + binary + ": " + e.getMessage(), e);
        }
        List<String> log = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (log) {
                        if (log.size() >= MAX_LOG_LINES) {
                            log.remove(0);
                        }
                        log.add(line);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "coturn-log-" + port);
        reader.setDaemon(true);
        reader.start();
        Coturn coturn = new Coturn(process, port, minRelay, maxRelay, secret, workDir, log);
        try {
            coturn.awaitStunAnswer();
        } catch (IllegalStateException e) {
            coturn.close();
            throw e;
        }
        System.out.printf("[coturn] pid %d on udp/tcp 127.0.0.1:%d, relay ports %d-%d%n", process.pid(), port, minRelay, maxRelay);
        return coturn;
    }

    /** {@code turn:127.0.0.1:<port>?transport=udp}, for Parley's --turn-url. */
    public String turnUrl() {
        return "turn:127.0.0.1:" + port + "?transport=udp";
    }

    public String secret() {
        return secret;
    }

    public int port() {
        return port;
    }

    public int minRelayPort() {
        return minRelayPort;
    }

    public int maxRelayPort() {
        return maxRelayPort;
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** Everything coturn logged so far. */
    public List<String> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    /** Log lines containing every one of {@code parts}. */
    public List<String> logLines(String... parts) {
        return log().stream().filter(line -> Arrays.stream(parts).allMatch(line::contains)).toList();
    }

    /** The last lines of the log, for failure messages. */
    public String logTail(int lines) {
        List<String> all = log();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Sends STUN Binding requests (RFC 5389, no authentication needed) until one is answered. */
    private void awaitStunAnswer() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        byte[] transaction = new byte[12];
        ThreadLocalRandom.current().nextBytes(transaction);
        ByteBuffer request = ByteBuffer.allocate(20).putShort((short) 0x0001).putShort((short) 0).putInt(0x2112A442).put(transaction);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(250);
            byte[] buffer = new byte[1500];
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("turnserver exited with " + process.exitValue() + ":\n" + logTail(40));
                }
                socket.send(new DatagramPacket(request.array(), 20, InetAddress.getLoopbackAddress(), port));
                DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(reply);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                ByteBuffer answer = ByteBuffer.wrap(reply.getData(), 0, reply.getLength());
                byte[] id = Arrays.copyOfRange(reply.getData(), 8, 20);
                if (reply.getLength() >= 20 && answer.getShort(0) == 0x0101 && Arrays.equals(id, transaction)) {
                    return; // Binding success response
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot probe coturn: " + e.getMessage(), e);
        }
        throw new IllegalStateException("turnserver did not answer STUN on 127.0.0.1:" + port + " within "
            + READY_TIMEOUT.toSeconds() + " s:\n" + logTail(40));
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(stopAtExit);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook will run
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try (Stream<Path> walk = Files.walk(workDir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // leftovers in /tmp are harmless
        }
    }

    // ---- ports ----

    /** A port that is free for both TCP and UDP on 127.0.0.1 (coturn listens on both). */
    private static int freeUdpAndTcpPort() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket tcp = new ServerSocket()) {
                tcp.setReuseAddress(false);
                tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                int port = tcp.getLocalPort();
                if (udpFree(port)) {
                    return port;
                }
            } catch (IOException e) {
                // try another
            }
        }
        throw new IllegalStateException("no free TCP+UDP port on 127.0.0.1");
    }

    /** The first port of {@code count} consecutive UDP ports that are free now, away from the usual ephemeral ones. */
    private static int freeUdpRange(int count) {
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(20000, 32000 - count);
            boolean free = true;
            for (int p = base; p < base + count && free; p++) {
                free = udpFree(p);
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no free range of " + count + " UDP ports on 127.0.0.1");
    }

    private static boolean udpFree(int port) {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<Path> onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(java.io.File.pathSeparator)).map(dir -> Path.of(dir, command)).filter(Files::isExecutable).findFirst();
    }
}
