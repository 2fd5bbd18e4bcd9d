package dev.parley.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where things are, as bench/run passes them in system properties. */
record Env(Path work, String java, String jcmd, String jfr, String node, String parleyClasspath, String benchJar,
           Path peerScript) {

    static Env fromSystemProperties() {
        Path work = Path.of(required("bench.work")).toAbsolutePath();
        String javaHome = System.getProperty("java.home");
        Env env = new Env(work,
                Path.of(javaHome, "bin", "java").toString(),
                Path.of(javaHome, "bin", "jcmd").toString(),
                Path.of(javaHome, "bin", "jfr").toString(),
                System.getProperty("bench.node", "node"),
                required("bench.parley.cp"),
                required("bench.jar"),
                Path.of(required("bench.peer.script")).toAbsolutePath());
        try {
            Files.createDirectories(env.logs());
            Files.createDirectories(work.resolve("data"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return env;
    }

    Path logs() {
        return work.resolve("logs");
    }

    private static String required(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("missing -D" + name + " (bench/run sets it)");
        }
        return v;
    }
}
