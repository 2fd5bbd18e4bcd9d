package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import dev.parley.Parley;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HTTPS with the self-signed certificate Parley makes at first start: Chromium pages (told to accept it)
 * open https://127.0.0.1:port, join, and get media both ways, which needs the signaling WebSocket to work
 * as wss. Plus what an operator sees: the certificate file in the data folder, kept across restarts, and
 * the optional plain-HTTP port answering 308 to HTTPS.
 */
class TlsIT {

    /** Records every WebSocket URL a page opens, so the test can see that it was wss. */
    private static final String WS_RECORDER = """
        (() => {
          if (window.__wsUrls) return;
          window.__wsUrls = [];
          const Orig = window.WebSocket;
          class WebSocket extends Orig {
            constructor(...args) { super(...args); window.__wsUrls.push(this.url); }
          }
          window.WebSocket = WebSocket;
        })();
        """;

    private final List<Browser> browsers = new ArrayList<>();
    private Path dataDir;
    private Parley parley;

    @RegisterExtension
    final AfterTestExecutionCallback diagnosticsOnFailure = context -> context.getExecutionException()
        .ifPresent(e -> browsers.forEach(Browser::dumpDiagnostics));

    @BeforeEach
    void makeDataDir() throws IOException {
        dataDir = Files.createTempDirectory("parley-tls-");
    }

    @AfterEach
    void stopAll() throws IOException {
        browsers.forEach(Browser::close);
        browsers.clear();
        if (parley != null) {
            parley.close();
        }
        try (Stream<Path> walk = Files.walk(dataDir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void pagesOverHttpsJoinAndGetMediaOverWss() {
        Browser.requireChromium();
        int port = freePort();
        parley = startTls(port, null);
        String baseUrl = "https://127.0.0.1:" + port;

        List<MeetingPage> pages = Calls.joinCall(baseUrl, browsers, name -> {
            Browser browser = Browser.launch(name, "--ignore-certificate-errors");
            browser.addInitScript(WS_RECORDER);
            return browser;
        }, "Alice", "Bob");

        for (MeetingPage page : pages) {
            Object origin = page.browser().driver().executeScript("return location.origin + ' secure=' + window.isSecureContext");
            assertThat(origin).as("%s: page origin", page.label()).isEqualTo(baseUrl + " secure=true");
            List<?> sockets = (List<?>) page.browser().driver().executeScript("return window.__wsUrls || []");
            System.out.println("[tls] " + page.label() + " WebSockets opened: " + sockets);
            assertThat(sockets).as("%s: signaling WebSockets", page.label()).isNotEmpty()
                .allSatisfy(url -> assertThat(String.valueOf(url)).startsWith("wss://127.0.0.1:" + port + "/"));
            page.awaitTilesShowLiveVideo(page.label().equals("Alice") ? "Bob" : "Alice");
        }
    }

    @Test
    void selfSignedCertificateIsMadeOnceInTheDataFolderAndKept() throws Exception {
        int port = freePort();
        parley = startTls(port, null);
        List<Path> files;
        try (Stream<Path> list = Files.list(dataDir)) {
            files = list.filter(p -> p.getFileName().toString().contains("tls")).toList();
        }
        assertThat(files).as("certificate files in %s", dataDir).hasSize(1);
        Path certificateFile = files.get(0);
        assertThat(Files.size(certificateFile)).isPositive();
        long madeAt = Files.getLastModifiedTime(certificateFile).toMillis();

        X509Certificate served = servedCertificate(port);
        System.out.println("[tls] served certificate: " + served.getSubjectX500Principal() + ", SAN "
            + served.getSubjectAlternativeNames() + ", stored in " + certificateFile.getFileName());
        assertThat(served.getIssuerX500Principal()).as("self-signed").isEqualTo(served.getSubjectX500Principal());
        served.verify(served.getPublicKey());
        assertThat(served.getSubjectAlternativeNames()).as("names the address the browser dials")
            .contains(List.of(7, "127.0.0.1"));

        // A restart with the same data folder serves the same certificate (no new browser warning).
        parley.close();
        parley = startTls(port, null);
        assertThat(servedCertificate(port)).isEqualTo(served);
        assertThat(Files.getLastModifiedTime(certificateFile).toMillis()).isEqualTo(madeAt);
    }

    @Test
    void thePlainHttpPortRedirectsToHttps() throws Exception {
        int port = freePort();
        int redirect = freePort();
        parley = startTls(port, redirect);
        HttpClient plain = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response = plain.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + redirect + "/x?y=1")).timeout(Duration.ofSeconds(20)).build(),
            HttpResponse.BodyHandlers.ofString());
        System.out.println("[tls] GET http://127.0.0.1:" + redirect + "/x?y=1 -> " + response.statusCode() + " "
            + response.headers().firstValue("location").orElse("(no location)"));
        assertThat(response.statusCode()).isEqualTo(308);
        assertThat(response.headers().firstValue("location")).contains("https://127.0.0.1:" + port + "/x?y=1");

        // The HTTPS port itself answers with content, not another redirect.
        HttpResponse<String> secure = trustingClient().send(HttpRequest.newBuilder(
            URI.create("https://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(20)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(secure.statusCode()).isEqualTo(200);
        assertThat(secure.body()).contains("<html");

        // Signaling is never served in the clear there: passwords, host keys and TURN credentials travel in it.
        for (String path : List.of("/ws", "/peerjs/peerjs?key=peerjs&id=abc&token=t")) {
            var upgrade = plain.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + redirect + path),
                new java.net.http.WebSocket.Listener() {});
            Throwable failure = catchThrowable(upgrade::join);
            assertThat(failure).as("a WebSocket to %s on the plain port", path)
                .hasCauseInstanceOf(java.net.http.WebSocketHandshakeException.class);
            var refused = (java.net.http.WebSocketHandshakeException) failure.getCause();
            assertThat(refused.getResponse().statusCode()).as("answer to a WebSocket to %s on the plain port", path)
                .isEqualTo(403);
        }
    }

    // ---- helpers ----

    private Parley startTls(int port, Integer redirectPort) {
        List<String> args = new ArrayList<>(List.of("--port", String.valueOf(port), "--host", "127.0.0.1",
            "--data-dir", dataDir.toString(), "--tls"));
        if (redirectPort != null) {
            args.addAll(List.of("--http-redirect-port", String.valueOf(redirectPort)));
        }
        return Parley.start(args.toArray(String[]::new));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The leaf certificate the HTTPS port presents (trusting anything, as the browser flag does). */
    private static X509Certificate servedCertificate(int port) throws Exception {
        try (SSLSocket socket = (SSLSocket) trustAll().getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            socket.startHandshake();
            Certificate[] chain = socket.getSession().getPeerCertificates();
            return (X509Certificate) chain[0];
        }
    }

    private static HttpClient trustingClient() throws Exception {
        SSLParameters parameters = new SSLParameters();
        parameters.setEndpointIdentificationAlgorithm(""); // self-signed: no name check, as with the browser flag
        return HttpClient.newBuilder().sslContext(trustAll()).sslParameters(parameters)
            .connectTimeout(Duration.ofSeconds(10)).build();
    }

    private static SSLContext trustAll() throws Exception {
        TrustManager trustAll = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {trustAll}, new SecureRandom());
        return context;
    }
}
