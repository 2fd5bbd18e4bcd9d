package dev.parley.janus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.janus.JanusTesting.Recorder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding, starting, stopping and killing Janus: with the real binary, and with scripts standing in for it. */
class JanusProcessTest {
    @TempDir
    Path dir;

    private Path script(String name, String body) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    private static boolean running(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void findBinaryTakesExecutablePathsAndLooksNamesUpOnPath() throws IOException {
        Path executable = script("fake-janus", "exit 0");
        Path plain = Files.writeString(dir.resolve("not-executable"), "text");

        assertThat(JanusProcess.findBinary(executable.toString())).contains(executable);
        assertThat(JanusProcess.findBinary(plain.toString())).isEmpty();
        assertThat(JanusProcess.findBinary(dir.toString())).as("a directory").isEmpty();
        assertThat(JanusProcess.findBinary(dir.resolve("missing").toString())).isEmpty();
        assertThat(JanusProcess.findBinary("sh")).hasValueSatisfying(p -> {
            assertThat(p).isAbsolute();
            assertThat(p.getFileName()).hasToString("sh");
        });
        assertThat(JanusProcess.findBinary("no-such-program-" + ProcessHandle.current().pid())).isEmpty();
        assertThat(JanusProcess.findBinary("")).isEmpty();
        assertThat(JanusProcess.findBinary(null)).isEmpty();
    }

    @Test
    void aBinaryThatExitsAtOnceFailsTheStartWithTheEndOfItsLog() throws IOException {
        Path fake = script("fake-janus", "echo \"started with $*\"; echo 'something went wrong'; exit 3");
        Path work = dir.resolve("work");

        assertThatThrownBy(() -> JanusProcess.start(fake, work, "eth0", 40000, 40010, Duration.ofSeconds(5)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("exited with code 3")
                .hasMessageContaining("something went wrong")
                .hasMessageContaining("-C " + work.resolve("janus.jcfg") + " -F " + work);
        assertThat(work.resolve("janus.jcfg")).exists();
        assertThat(Files.readString(work.resolve("janus.log"))).contains("something went wrong");
    }

    @Test
    void aBinaryThatNeverListensTimesOutAndIsStopped() throws IOException {
        Path pidFile = dir.resolve("pid");
        Path fake = script("fake-janus", "echo $$ > " + pidFile + "; exec sleep 30");

        long before = System.nanoTime();
        assertThatThrownBy(() -> JanusProcess.start(fake, dir.resolve("work"), "eth0", 40000, 40010,
                Duration.ofMillis(600)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("did not open port");
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(10));
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(5, TimeUnit.SECONDS).join());
        assertThat(running(pid)).isFalse();
    }

    @Test
    void janusStartsWithOnlyTheVideoRoomAndWebSocketsAndCloseLeavesNothingBehind() throws Exception {
        Path work = dir.resolve("janus");
        JanusProcess janus = JanusTesting.start(work);
        long pid;
        try {
            pid = janus.pid();
            assertThat(janus.isAlive()).isTrue();
            assertThat(running(pid)).isTrue();
            assertThat(janus.url()).matches("ws://127\\.0\\.0\\.1:\\d+");
            assertThat(janus.apiSecret()).matches("[0-9a-f]{32}");
            assertThat(janus.adminKey()).matches("[0-9a-f]{32}").isNotEqualTo(janus.apiSecret());
            assertThat(janus.logFile()).isEqualTo(work.resolve("janus.log"));
            assertThat(janus.toString()).doesNotContain(janus.apiSecret());

            List<String> log = Files.readAllLines(janus.logFile());
            assertThat(log).filteredOn(l -> l.contains("Loading"))
                    .extracting(l -> l.substring(l.indexOf("Loading")))
                    .containsExactlyInAnyOrder("Loading plugin 'libjanus_videoroom.so'...",
                            "Loading transport plugin 'libjanus_websockets.so'...");
            assertThat(log).anyMatch(l -> l.contains("VideoRoom will use alphanumeric IDs"));
            assertThat(String.join("\n", log)).doesNotContain(janus.apiSecret()).doesNotContain(janus.adminKey());

            JanusConnection connection = JanusConnection.connect(URI.create(janus.url()), janus.apiSecret(),
                    new Recorder()).get(5, TimeUnit.SECONDS);
            assertThat(connection.createSession().get(5, TimeUnit.SECONDS)).isPositive();
            connection.close();
        } finally {
            janus.close();
        }
        assertThat(janus.isAlive()).isFalse();
        assertThat(running(pid)).isFalse();
        janus.close(); // twice is harmless
    }

    @Test
    void killEndsJanusAtOnceAndTheConnectionHearsOfIt() throws Exception {
        JanusProcess janus = JanusTesting.start(dir.resolve("janus"));
        try {
            Recorder events = new Recorder();
            JanusConnection connection = JanusConnection.connect(URI.create(janus.url()), janus.apiSecret(), events)
                    .get(5, TimeUnit.SECONDS);
            long session = connection.createSession().get(5, TimeUnit.SECONDS);
            JanusTesting.signal(janus.pid(), "STOP"); // so the next request is still pending when Janus dies
            CompletableFuture<Void> pending = connection.keepalive(session);

            janus.kill();

            assertThat(janus.isAlive()).isFalse();
            assertThat(running(janus.pid())).isFalse();
            assertThatThrownBy(() -> pending.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(IOException.class);
            events.awaitClose(Duration.ofSeconds(5));
            assertThat(events.closes.get()).isEqualTo(1);
            assertThat(connection.isOpen()).isFalse();
        } finally {
            janus.close();
        }
    }

    @Test
    void aTakenPortMakesJanusExitAndAnotherPortIsTried() throws Exception {
        Path binary = JanusTesting.requireJanus();
        try (ServerSocket squatter = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger picks = new AtomicInteger();
            JanusProcess.PortPicker ports = () -> {
                if (picks.getAndIncrement() == 0) {
                    return squatter.getLocalPort(); // accepts connections, but it is not Janus
                }
                try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    return free.getLocalPort();
                }
            };
            Path work = dir.resolve("janus");
            try (JanusProcess janus = JanusProcess.start(binary, work, JanusTesting.iceInterface(),
                    JanusTesting.RTP_MIN, JanusTesting.RTP_MAX, Duration.ofSeconds(15), ports)) {
                assertThat(picks.get()).isEqualTo(2);
                assertThat(janus.url()).doesNotEndWith(":" + squatter.getLocalPort());
                assertThat(work.resolve("janus.log.1")).content().contains("Error creating vhost");
                JanusConnection connection = JanusConnection.connect(URI.create(janus.url()), janus.apiSecret(),
                        new Recorder()).get(5, TimeUnit.SECONDS);
                assertThat(connection.createSession().get(5, TimeUnit.SECONDS)).isPositive();
                connection.close();
            }
        }
    }

    @Test
    void aSecondStartInTheSameFolderKeepsThePreviousLog() throws Exception {
        Path work = dir.resolve("janus");
        JanusProcess first = JanusTesting.start(work);
        first.kill();
        try (JanusProcess second = JanusTesting.start(work)) {
            assertThat(second.isAlive()).isTrue();
            assertThat(second.apiSecret()).isNotEqualTo(first.apiSecret());
            assertThat(work.resolve("janus.log.1")).content().contains("Starting Meetecho Janus");
            assertThat(Files.readString(work.resolve("janus.log.1"))).doesNotContain("Bye!"); // killed, not stopped
        }
    }
}
