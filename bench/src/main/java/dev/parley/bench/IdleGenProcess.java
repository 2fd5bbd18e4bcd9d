package dev.parley.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** An {@link IdleGen} child process, driven line by line over its stdin and stdout. */
final class IdleGenProcess {
    private final Process process;
    private final BufferedReader from;
    private final PrintWriter to;

    private IdleGenProcess(Process process) {
        this.process = process;
        this.from = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.to = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    static IdleGenProcess start(Env env, String mode, int port, String prefix, long intervalMs, int roomSize) throws IOException {
        Process p = new ProcessBuilder(env.java(), "-XX:+UseSerialGC", "-Xmx1g", "-cp", env.benchJar(),
                "dev.parley.bench.IdleGen", mode, "127.0.0.1", String.valueOf(port), prefix,
                String.valueOf(intervalMs), String.valueOf(roomSize))
                .redirectError(env.logs().resolve(prefix + ".err").toFile()).start();
        Server.track(p);
        IdleGenProcess g = new IdleGenProcess(p);
        String hello = g.from.readLine();
        if (!"ready".equals(hello)) {
            throw new IOException("generator did not start: " + hello);
        }
        return g;
    }

    String command(String line) throws IOException {
        to.println(line);
        String answer = from.readLine();
        if (answer == null) {
            throw new IOException("generator exited");
        }
        return answer;
    }

    String problems() {
        try {
            return command("problems");
        } catch (IOException e) {
            return "(gone)";
        }
    }

    void quit() {
        try {
            command("quit");
            process.waitFor(15, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            // fall through to kill
        }
        process.destroyForcibly();
    }
}
