package dev.parley.janus;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Starting a real Janus for tests, and a listener that records what it hears. */
final class JanusTesting {
    /** Janus binds media ports only once ICE starts, which these tests never do. */
    static final int RTP_MIN = 47000;
    static final int RTP_MAX = 47999;

    private JanusTesting() {
    }

    /** The janus binary; skips the test when it is missing, except on CI (CI=true), where that fails. */
    static Path requireJanus() {
        return dev.parley.support.JanusInstalled.require();
    }

    static JanusProcess start(Path workDir) throws IOException {
        return JanusProcess.start(requireJanus(), workDir, iceInterface(), RTP_MIN, RTP_MAX, Duration.ofSeconds(15));
    }

    /** The first interface that is up and not loopback, as Janus needs one for ICE. */
    static String iceInterface() {
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nif.isUp() && !nif.isLoopback() && nif.getInetAddresses().hasMoreElements()) {
                    return nif.getName();
                }
            }
        } catch (SocketException e) {
            // fall through
        }
        return "eth0";
    }

    /** Sends SIGSTOP or SIGCONT, to make Janus hang and resume; returns once a stopped Janus is really still. */
    static void signal(long pid, String signal) throws IOException, InterruptedException {
        int rc = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
        if (rc != 0) {
            throw new IOException("kill -" + signal + " " + pid + " failed: " + rc);
        }
        // kill(2) returns before every thread has stopped; a busy machine leaves a window in which
        // Janus still answers.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (signal.equals("STOP") && !allThreadsStopped(pid)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("Janus (pid " + pid + ") did not stop");
            }
            Thread.sleep(10);
        }
    }

    /** Linux: every thread's state in /proc/PID/task/TID/stat is T (stopped). */
    private static boolean allThreadsStopped(long pid) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                String stat = Files.readString(task.resolve("stat"));
                // the state follows the command name, which is in parentheses and may contain spaces
                char state = stat.charAt(stat.lastIndexOf(')') + 2);
                if (state != 'T' && state != 't') {
                    return false;
                }
            }
            return true;
        }
    }

    /** Records events and closes. */
    static final class Recorder implements JanusListener {
        final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        final AtomicInteger closes = new AtomicInteger();
        final CountDownLatch closed = new CountDownLatch(1);
        volatile int closeCode;

        @Override
        public void onEvent(JsonNode message) {
            events.add(message);
        }

        @Override
        public void onClose(int code, String reason) {
            closeCode = code;
            closes.incrementAndGet();
            closed.countDown();
        }

        void awaitClose(Duration timeout) throws InterruptedException {
            if (!closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the connection did not report its close within " + timeout);
            }
        }

        /** The first event (older ones are dropped) that matches, or an AssertionError after the timeout. */
        JsonNode await(Predicate<JsonNode> wanted, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                JsonNode next = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
                if (next == null) {
                    throw new AssertionError("no matching Janus event within " + timeout);
                }
                if (wanted.test(next)) {
                    return next;
                }
            }
        }
    }
}
