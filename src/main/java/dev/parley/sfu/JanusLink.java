package dev.parley.sfu;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.config.SfuConfig;
import dev.parley.janus.JanusConnection;
import dev.parley.janus.JanusListener;
import dev.parley.janus.JanusProcess;
import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one connection to Janus's API: to a Janus started here as a child process ({@code --sfu}) or to
 * an external one ({@code --janus-url}). When the connection drops it reconnects at once, so the
 * sessions can be claimed; if Janus itself died or cannot be reached, it says so and keeps trying,
 * restarting the child process.
 */
final class JanusLink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JanusLink.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(15);
    private static final long RETRY_MILLIS = 2000;
    /** A Janus that dropped the connection because it is dying exits within this. */
    private static final long EXIT_GRACE_MILLIS = 300;
    private static final String PID_FILE = "janus.pid";

    /** What the coordinator hears from the link. */
    interface Events {
        void up(JanusConnection connection, String adminKey);

        void event(JsonNode message);

        /** The connection dropped but Janus may still be there with every session: a new one follows. */
        void suspended(String why);

        /** Janus is gone, or cannot be reached: what it held is lost. */
        void down(String why);
    }

    private final SfuConfig config;
    private final Path workDir;
    private final ScheduledExecutorService scheduler;
    private final Events events;
    private volatile JanusProcess process;
    private volatile JanusConnection connection;
    private volatile boolean closed;
    /** Cleared when the Janus this server was to start is missing or does not start. */
    private volatile boolean offered;

    JanusLink(SfuConfig config, Path workDir, ScheduledExecutorService scheduler, Events events) {
        this.config = config;
        this.workDir = workDir;
        this.scheduler = scheduler;
        this.events = events;
        this.offered = !config.launchJanus() || JanusProcess.findBinary(config.janusBinary()).isPresent();
    }

    /**
     * Whether there is a Janus to route calls through: an external one named, or one installed here that
     * started. It may still be starting or away; calls that belong on it move there once it is up.
     */
    boolean offered() {
        return offered;
    }

    /** Starts Janus if asked to and connects; false when Janus cannot be had (the reason is logged). */
    boolean start() {
        if (config.launchJanus()) {
            Optional<Path> binary = JanusProcess.findBinary(config.janusBinary());
            if (binary.isEmpty()) {
                log.warn("--sfu: the Janus media server ('{}') is not installed (Debian: apt install janus); "
                        + "every room stays a peer-to-peer mesh", config.janusBinary());
                offered = false;
                return false;
            }
            try {
                process = launch(binary.get());
            } catch (IOException e) {
                log.warn("--sfu: Janus did not start ({}); every room stays a peer-to-peer mesh", e.getMessage());
                offered = false;
                return false;
            }
        }
        connect();
        return true;
    }

    Optional<JanusConnection> connection() {
        return Optional.ofNullable(connection);
    }

    private JanusProcess launch(Path binary) throws IOException {
        String iface = config.iceInterface().orElseGet(JanusLink::firstInterface);
        stopLeftover();
        JanusProcess started = JanusProcess.start(binary, workDir, iface, config.rtpPortMin(), config.rtpPortMax(),
                STARTUP_TIMEOUT);
        Files.writeString(workDir.resolve(PID_FILE), Long.toString(started.pid()));
        log.info("Janus media server started (pid {}, ICE on {}, UDP {}-{})", started.pid(), iface,
                config.rtpPortMin(), config.rtpPortMax());
        return started;
    }

    private void connect() {
        if (closed) {
            return;
        }
        URI url = process != null ? URI.create(process.url()) : config.janusUrl().orElseThrow();
        String secret = process != null ? process.apiSecret() : config.apiSecret().orElse(null);
        String adminKey = process != null ? process.adminKey() : config.adminKey().orElse(null);
        JanusConnection.connect(url, secret, new JanusListener() {
            @Override
            public void onEvent(JsonNode message) {
                events.event(message);
            }

            @Override
            public void onClose(int code, String reason) {
                lost("the connection to Janus closed (" + code + (reason == null || reason.isEmpty() ? "" : " " + reason) + ")");
            }
        }).whenComplete((opened, error) -> {
            if (error != null) {
                log.warn("cannot reach Janus at {}: {}; retrying", url, rootMessage(error));
                events.down("Janus cannot be reached");
                retry();
                return;
            }
            connection = opened;
            log.info("connected to Janus at {}", url);
            events.up(opened, adminKey);
        });
    }

    private void lost(String why) {
        if (closed) {
            return;
        }
        connection = null;
        JanusProcess child = process;
        if (child != null && child.awaitExit(Duration.ofMillis(EXIT_GRACE_MILLIS))) {
            log.warn("{}: Janus exited; rooms on the SFU go back to peer to peer", why);
            events.down(why);
            retry();
            return;
        }
        log.warn("{}; reconnecting to take its sessions over", why);
        events.suspended(why);
        scheduler.execute(this::connect);
    }

    private void retry() {
        if (closed) {
            return;
        }
        scheduler.schedule(() -> {
            JanusProcess child = process;
            if (child != null && !child.isAlive()) {
                log.warn("Janus (pid {}) is gone; starting it again", child.pid());
                try {
                    process = launch(JanusProcess.findBinary(config.janusBinary()).orElseThrow(
                            () -> new IOException("janus is no longer installed")));
                } catch (IOException | RuntimeException e) {
                    log.warn("Janus did not start again: {}", e.getMessage());
                    retry();
                    return;
                }
            }
            connect();
        }, RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * A Janus left running by a Parley that was killed (SIGKILL skips shutdown hooks) still holds its
     * sessions and ports: stop it, if the recorded process is still a Janus using this folder.
     */
    private void stopLeftover() {
        Path pidFile = workDir.resolve(PID_FILE);
        try {
            if (!Files.exists(pidFile)) {
                return;
            }
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().commandLine().orElse("").contains(workDir.toAbsolutePath().toString())
                            || p.info().commandLine().orElse("").contains(workDir.toString()))
                    .ifPresent(p -> {
                        log.warn("stopping Janus pid {} left running by an earlier Parley", pid);
                        p.destroyForcibly();
                        p.onExit().orTimeout(3, TimeUnit.SECONDS).exceptionally(e -> null).join();
                    });
            Files.deleteIfExists(pidFile);
        } catch (IOException | NumberFormatException e) {
            log.warn("cannot check for a Janus left running earlier: {}", e.getMessage());
        }
    }

    /** For tests of the fallback: the child process, if Parley started one. */
    Optional<JanusProcess> process() {
        return Optional.ofNullable(process);
    }

    @Override
    public void close() {
        closed = true;
        JanusConnection c = connection;
        if (c != null) {
            c.close();
        }
        JanusProcess p = process;
        if (p != null) {
            p.close();
        }
    }

    /** Janus skips loopback for ICE, so it needs a real interface; the first one up will do on one host. */
    static String firstInterface() {
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nif.isUp() && !nif.isLoopback() && nif.getInetAddresses().hasMoreElements()) {
                    return nif.getName();
                }
            }
        } catch (SocketException e) {
            log.warn("cannot list network interfaces: {}", e.getMessage());
        }
        return "eth0";
    }

    private static String rootMessage(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
