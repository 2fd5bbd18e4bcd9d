package dev.parley.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * What the PeerJS browser test needs besides Parley: the official client installed from npm at test time
 * (never committed), and a small web server on another port, so the pages reach Parley cross-origin as
 * real PeerJS apps do. It serves a test page at {@code /} and the tutorial example at {@code /tutorial/}.
 */
final class PeerJsPages implements AutoCloseable {
    static final String PEERJS_VERSION = "1.5.5";
    private static final Path CLIENT_DIR = Path.of("target", "peerjs-client");
    private static final Path DIST = CLIENT_DIR.resolve("node_modules/peerjs/dist/peerjs.min.js");
    private static final Path TUTORIAL = Path.of("examples", "peerjs-tutorial");

    /** Drives the official client directly: each page answers calls and echoes data, and exposes its state as {@code t}. */
    private static final String TEST_PAGE = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>PeerJS against Parley</title></head>
        <body>
        <video id="local" autoplay muted playsinline width="160"></video>
        <video id="remote" autoplay playsinline width="160"></video>
        <script src="/peerjs.min.js"></script>
        <script>
        (() => {
          const q = new URLSearchParams(location.search);
          const t = window.t = {id: null, errors: [], received: [], remoteStream: false};
          const peer = new Peer(q.get('id') || undefined, {
            host: q.get('host'), port: Number(q.get('port')), path: '/peerjs',
            config: {iceServers: []}  // loopback only: no STUN/TURN to wait for on a closed network
          });
          t.peer = peer;
          peer.on('open', id => { t.id = id; });
          peer.on('error', e => t.errors.push(e.type + ': ' + e.message));
          const media = () => t.media ||= navigator.mediaDevices
            .getUserMedia({video: {width: 320, height: 240}, audio: true})
            .then(s => { document.getElementById('local').srcObject = s; return s; });
          const show = call => {
            t.call = call;
            call.on('stream', s => { document.getElementById('remote').srcObject = s; t.remoteStream = true; });
            call.on('error', e => t.errors.push('call: ' + e));
          };
          peer.on('call', call => media().then(s => { call.answer(s); show(call); }));
          peer.on('connection', conn => conn.on('data', d => { t.received.push(d); conn.send({echo: d}); }));
          window.callPeer = id => media().then(s => show(peer.call(id, s)));
          window.sendData = (id, message) => {
            const conn = peer.connect(id);
            conn.on('open', () => conn.send(message));
            conn.on('data', d => t.received.push(d));
            conn.on('error', e => t.errors.push('data: ' + e));
          };
        })();
        </script>
        </body></html>
        """;

    private static final Map<String, String> TYPES = Map.of(
        "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8");

    private final HttpServer server;

    private PeerJsPages(HttpServer server) {
        this.server = server;
    }

    /** Starts the page server on a free loopback port, installing the client first if needed. */
    static PeerJsPages start() {
        Path dist = installClient();
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the page server", e);
        }
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/")) {
                reply(exchange, 200, "html", TEST_PAGE.getBytes(StandardCharsets.UTF_8));
            } else if (path.equals("/peerjs.min.js") || path.equals("/tutorial/node_modules/peerjs/dist/peerjs.min.js")) {
                reply(exchange, 200, "js", Files.readAllBytes(dist));
            } else if (path.matches("/tutorial/(index\\.html|script\\.js|style\\.css)?")) {
                String name = path.equals("/tutorial/") ? "index.html" : path.substring("/tutorial/".length());
                reply(exchange, 200, name.substring(name.lastIndexOf('.') + 1), Files.readAllBytes(TUTORIAL.resolve(name)));
            } else {
                reply(exchange, 404, "html", "not found".getBytes(StandardCharsets.UTF_8));
            }
        });
        server.start();
        return new PeerJsPages(server);
    }

    /** {@code http://127.0.0.1:port} + path. */
    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static void reply(HttpExchange exchange, int status, String extension, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", TYPES.getOrDefault(extension, "application/octet-stream"));
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /**
     * {@code npm install peerjs@1.5.5} into target/ unless that version is already there. Without npm the
     * test is skipped locally but fails on CI, like a missing Chromium.
     */
    static Path installClient() {
        Path manifest = CLIENT_DIR.resolve("node_modules/peerjs/package.json");
        try {
            if (Files.isRegularFile(DIST) && Files.readString(manifest).contains("\"version\": \"" + PEERJS_VERSION + "\"")) {
                return DIST;
            }
            Files.createDirectories(CLIENT_DIR);
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare " + CLIENT_DIR, e);
        }
        Path log = CLIENT_DIR.resolve("npm-install.log");
        Process npm;
        try {
            npm = new ProcessBuilder("npm", "install", "--prefix", CLIENT_DIR.toString(), "peerjs@" + PEERJS_VERSION,
                    "--no-audit", "--no-fund", "--no-package-lock")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            String message = "The PeerJS browser test needs npm to install peerjs@" + PEERJS_VERSION + ": " + e.getMessage();
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(message + " (CI=true, so this is a failure, not a skip)", e);
            }
            Assumptions.abort(message);
            return null;
        }
        try {
            if (!npm.waitFor(3, TimeUnit.MINUTES)) {
                npm.destroyForcibly();
                throw new IllegalStateException("npm install peerjs@" + PEERJS_VERSION + " took over 3 minutes; see " + log);
            }
            if (npm.exitValue() != 0 || !Files.isRegularFile(DIST)) {
                throw new IllegalStateException("npm install peerjs@" + PEERJS_VERSION + " failed (exit " + npm.exitValue()
                    + "):\n" + Files.readString(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing peerjs", e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + log, e);
        }
        return DIST;
    }
}
