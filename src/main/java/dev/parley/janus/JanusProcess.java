package dev.parley.janus;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Janus media server run as a child process of this JVM, with a configuration generated for it in a
 * private folder: fresh random API secret and VideoRoom admin key, the WebSocket API on a free loopback
 * port, and nothing loaded but the VideoRoom plugin and the WebSocket transport. Closing stops it.
 */
public final class JanusProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JanusProcess.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(3);
    private static final long POLL_MILLIS = 50;
    private static final long CONFIRM_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The port is picked free, then released for Janus to bind; someone may take it in between. */
    private static final int START_ATTEMPTS = 3;
    private static final int TAIL_LINES = 25;
    private static final int TAIL_BYTES = 16 * 1024;
    static final String LOG_FILE = "janus.log";

    private final Process process;
    private final JanusConfig config;
    private final Path logFile;
    private final AtomicBoolean stopping = new AtomicBoolean();

    private JanusProcess(Process process, JanusConfig config, Path logFile) {
        this.process = process;
        this.config = config;
        this.logFile = logFile;
        ChildReaper.register(process);
        process.onExit().thenAccept(p -> {
            if (!stopping.get()) {
                log.warn("Janus (pid {}) exited on its own with code {}; its log is {}", p.pid(), p.exitValue(), logFile);
            }
        });
    }

    /**
     * Resolves a Janus binary: a path (anything containing a separator) that names an executable file,
     * or a bare name looked up on {@code PATH}. Empty when there is no such executable.
     */
    public static Optional<Path> findBinary(String nameOrPath) {
        if (nameOrPath == null || nameOrPath.isBlank()) {
            return Optional.empty();
        }
        try {
            if (nameOrPath.contains(File.separator)) {
                Path path = Path.of(nameOrPath);
                return executable(path) ? Optional.of(path.toAbsolutePath().normalize()) : Optional.empty();
            }
            String searchPath = System.getenv("PATH");
            if (searchPath == null) {
                return Optional.empty();
            }
            for (String dir : searchPath.split(File.pathSeparator)) {
                if (!dir.isEmpty() && executable(Path.of(dir, nameOrPath))) {
                    return Optional.of(Path.of(dir, nameOrPath).toAbsolutePath().normalize());
                }
            }
        } catch (InvalidPathException e) {
            // a name no file can have
        }
        return Optional.empty();
    }

    /**
     * Writes the configuration to {@code workDir} (created if needed) and starts {@code janus} on it,
     * returning once its WebSocket API accepts connections. Janus's output goes to {@code workDir/janus.log};
     * the previous run's log is kept as {@code janus.log.1}.
     *
     * @param iceInterface the interface (or comma-separated interfaces/addresses) Janus gathers ICE
     *     candidates on; Janus 1.1 never offers loopback, so this must be a real interface such as eth0
     * @throws IOException when Janus exits or its port is not open within {@code startupTimeout}; the
     *     message ends with the tail of its log
     */
    public static JanusProcess start(Path binary, Path workDir, String iceInterface, int rtpPortMin, int rtpPortMax,
                                     Duration startupTimeout) throws IOException {
        return start(binary, workDir, iceInterface, rtpPortMin, rtpPortMax, startupTimeout,
                JanusProcess::freeLoopbackPort);
    }

    /** Where the API port comes from; tests hand out a taken one. */
    interface PortPicker {
        int pick() throws IOException;
    }

    static JanusProcess start(Path binary, Path workDir, String iceInterface, int rtpPortMin, int rtpPortMax,
                              Duration startupTimeout, PortPicker ports) throws IOException {
        Path dir = workDir.toAbsolutePath();
        Files.createDirectories(dir);
        Set<String> plugins = new TreeSet<>(JanusConfig.KNOWN_PLUGINS);
        plugins.addAll(JanusConfig.installed(binary, "plugins"));
        Set<String> transports = new TreeSet<>(JanusConfig.KNOWN_TRANSPORTS);
        transports.addAll(JanusConfig.installed(binary, "transports"));
        String apiSecret = JanusConfig.randomSecret();
        String adminKey = JanusConfig.randomSecret();
        long deadline = System.nanoTime() + startupTimeout.toNanos();
        for (int attempt = 1; ; attempt++) {
            JanusConfig config = new JanusConfig(dir, apiSecret, adminKey, ports.pick(), iceInterface,
                    rtpPortMin, rtpPortMax, plugins, transports);
            config.writeTo(dir);
            Path logFile = rotateLog(dir);
            Process process = launch(binary, config, logFile);
            try {
                awaitPort(process, config, logFile, deadline);
                log.debug("Janus (pid {}) listens on {}", process.pid(), config.wsPort());
                return new JanusProcess(process, config, logFile);
            } catch (IOException | RuntimeException e) {
                boolean exited = !process.isAlive();
                process.destroyForcibly();
                waitQuietly(process);
                String tail = tail(logFile, config);
                // Janus 1.1 logs this and exits when its WebSocket port is taken
                if (attempt < START_ATTEMPTS && exited && tail.contains("Error creating vhost")) {
                    log.debug("Janus could not bind port {}; trying another", config.wsPort());
                    continue;
                }
                throw new IOException(e.getMessage() + "; the end of " + logFile + ":\n" + tail, e);
            }
        }
    }

    /** The WebSocket API's address, {@code ws://127.0.0.1:PORT}. */
    public String url() {
        return "ws://127.0.0.1:" + config.wsPort();
    }

    /** The secret every API request must carry. */
    public String apiSecret() {
        return config.apiSecret();
    }

    /** The VideoRoom plugin's admin_key, needed to create rooms. */
    public String adminKey() {
        return config.adminKey();
    }

    /** The operating system's process id. */
    public long pid() {
        return process.pid();
    }

    /** Whether the process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Where Janus's standard output and error go. */
    public Path logFile() {
        return logFile;
    }

    /** Kills the process at once (SIGKILL) and waits for it to be gone, as a crash would. */
    public void kill() {
        stopping.set(true);
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(5));
    }

    /** Asks Janus to stop (SIGTERM); kills it if it is still running after 3 s. */
    @Override
    public void close() {
        stopping.set(true);
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!awaitExit(STOP_GRACE)) {
            log.warn("Janus (pid {}) did not stop within {} s; killing it", process.pid(), STOP_GRACE.toSeconds());
            process.destroyForcibly();
            awaitExit(Duration.ofSeconds(5));
        }
    }

    @Override
    public String toString() {
        return "JanusProcess[pid=" + process.pid() + ", url=" + url() + "]";
    }

    /** Whether the process exits within {@code limit} (at once if it already has). */
    public boolean awaitExit(Duration limit) {
        try {
            return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return false;
        }
    }

    private static void waitQuietly(Process process) {
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean executable(Path path) {
        return Files.isRegularFile(path) && Files.isExecutable(path);
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static Path rotateLog(Path dir) throws IOException {
        Path logFile = dir.resolve(LOG_FILE);
        if (Files.exists(logFile)) {
            Files.move(logFile, dir.resolve(LOG_FILE + ".1"), StandardCopyOption.REPLACE_EXISTING);
        }
        return logFile;
    }

    private static Process launch(Path binary, JanusConfig config, Path logFile) throws IOException {
        Path dir = config.workDir();
        Process process = new ProcessBuilder(binary.toString(), "-C", dir.resolve(JanusConfig.CORE_FILE).toString(),
                "-F", dir.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        process.getOutputStream().close(); // Janus reads nothing from stdin
        return process;
    }

    /**
     * Polls until Janus listens. A port that accepts is not enough: someone else may have taken it after it
     * was picked, and Janus then exits at once. So wait for Janus to log that its server started on that
     * port, or, should a later version word it differently, for it to stay up a moment longer.
     */
    private static void awaitPort(Process process, JanusConfig config, Path logFile, long deadline)
            throws IOException {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), config.wsPort());
        String started = "started (port " + config.wsPort() + ")";
        long acceptedAt = 0;
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("Janus exited with code " + process.exitValue() + " while starting");
            }
            if (acceptedAt == 0 && accepts(address)) {
                acceptedAt = System.nanoTime();
            }
            if (acceptedAt != 0 && (tail(logFile, config).contains(started)
                    || System.nanoTime() - acceptedAt > CONFIRM_NANOS) && process.isAlive()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("Janus did not open port " + config.wsPort() + " in time");
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for Janus to start");
            }
        }
    }

    private static boolean accepts(InetSocketAddress address) {
        try (Socket probe = new Socket()) {
            probe.connect(address, 250);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** The last lines of the log, with the secrets blanked in case Janus ever echoes them. */
    static String tail(Path logFile, JanusConfig config) {
        try (SeekableByteChannel channel = Files.newByteChannel(logFile)) {
            long size = channel.size();
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(size, TAIL_BYTES));
            channel.position(size - buffer.capacity());
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // keep reading until the buffer is full
            }
            String[] lines = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).split("\n");
            String text = String.join("\n", Arrays.asList(lines).subList(Math.max(0, lines.length - TAIL_LINES), lines.length));
            return text.replace(config.apiSecret(), "***").replace(config.adminKey(), "***");
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }
}
