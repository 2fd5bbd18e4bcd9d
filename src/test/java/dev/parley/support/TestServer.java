package dev.parley.support;

import dev.parley.Parley;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Starts Parley on a free loopback port for one test body, and stops it afterwards. */
public final class TestServer {
    /** Tests keep the server's key under target/, never in the working tree. */
    public static final String DATA_DIR = "target/test-data";

    private TestServer() {}

    public static void with(Consumer<Parley> body, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--host", "127.0.0.1", "--data-dir", DATA_DIR));
        args.addAll(List.of(extraArgs));
        try (Parley parley = Parley.start(args.toArray(String[]::new))) {
            body.accept(parley);
        }
    }

    public static URI http(Parley parley, String path) {
        return URI.create("http://127.0.0.1:" + parley.port() + path);
    }

    public static URI ws(Parley parley, String path) {
        return URI.create("ws://127.0.0.1:" + parley.port() + path);
    }
}
