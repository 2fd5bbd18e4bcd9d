package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.Parley;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The official PeerJS client (npm {@code peerjs} 1.5.5, installed at test time) in real headless Chromium,
 * with Parley as its server. Pages come from another origin than Parley, as PeerJS apps usually do.
 * Two browsers at a time, 320x240 where we choose: the build machine has two cores.
 */
class PeerJsIT {
    private static final Duration WAIT = Browser.MEDIA_TIMEOUT;

    private static Parley server;
    private static PeerJsPages pages;
    private final List<Browser> browsers = new ArrayList<>();

    @RegisterExtension
    final AfterTestExecutionCallback diagnosticsOnFailure = context -> context.getExecutionException()
        .ifPresent(e -> browsers.forEach(b -> {
            b.dumpDiagnostics();
            try {
                System.out.println("[" + b.label() + "] t=" + b.driver().executeScript(
                    "return window.t ? {id: t.id, errors: t.errors, received: t.received, remoteStream: t.remoteStream} : null"));
            } catch (RuntimeException ignored) {
                // the page may be gone
            }
        }));

    @BeforeAll
    static void start() {
        Browser.requireChromium();
        pages = PeerJsPages.start();
        // Discovery on for the tutorial page's room list.
        server = Parley.start(new String[] {"--port", "0", "--host", "127.0.0.1", "--peerjs-discovery", "--data-dir", dev.parley.support.TestServer.DATA_DIR});
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (pages != null) {
            pages.close();
        }
    }

    @AfterEach
    void closeBrowsers() {
        browsers.forEach(Browser::close);
        browsers.clear();
    }

    @Test
    void aCallsBWithItsStreamBAnswersWithItsOwnAndDataRoundTrips() {
        Browser a = launch("peerjs-a");
        Browser b = launch("peerjs-b");
        String query = "?host=127.0.0.1&port=" + server.port();
        b.open(pages.url("/" + query + "&id=bob"));
        a.open(pages.url("/" + query)); // no id: the client asks GET /peerjs/peerjs/id, cross-origin

        String bobId = awaitValue(b, "return t.id");
        String aliceId = awaitValue(a, "return t.id");
        assertThat(bobId).isEqualTo("bob");
        assertThat(aliceId).matches("[0-9a-f-]{36}");
        assertThat(peerIds()).contains(aliceId, bobId);

        a.driver().executeScript("callPeer(arguments[0])", bobId);
        awaitTrue(a, "return t.remoteStream");
        awaitTrue(b, "return t.remoteStream");
        // Remote frames decoded and growing, and audio energy too, on each side.
        a.awaitRemoteMediaFlowing(1);
        b.awaitRemoteMediaFlowing(1);
        assertThat(a.driver().executeScript("return t.call.peer")).isEqualTo(bobId);
        assertThat(b.driver().executeScript("return t.call.peer")).isEqualTo(aliceId);

        a.driver().executeScript("sendData(arguments[0], 'hello from A')", bobId);
        awaitTrue(b, "return t.received.includes('hello from A')");
        awaitTrue(a, "return t.received.some(d => d && d.echo === 'hello from A')");

        assertThat(a.driver().executeScript("return t.errors")).asList().isEmpty();
        assertThat(b.driver().executeScript("return t.errors")).asList().isEmpty();
    }

    @Test
    void theTutorialRoomConnectsTwoPeople() {
        Browser a = launch("tutorial-a");
        Browser b = launch("tutorial-b");
        String url = pages.url("/tutorial/?room=it&server=http://127.0.0.1:" + server.port());
        a.open(url);
        b.open(url);
        a.awaitRemoteMediaFlowing(1);
        b.awaitRemoteMediaFlowing(1);
        for (Browser browser : List.of(a, b)) {
            awaitTrue(browser, "return document.querySelectorAll('#people li').length === 2"
                + " && document.querySelectorAll('#video-grid video').length === 2");
        }
    }

    private Browser launch(String label) {
        Browser browser = Browser.launch(label);
        browsers.add(browser);
        return browser;
    }

    private static List<String> peerIds() {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/peerjs/peerjs/peers")).build();
        try (HttpClient client = HttpClient.newHttpClient()) {
            String body = client.send(request, HttpResponse.BodyHandlers.ofString()).body();
            return List.of(body.replaceAll("[\\[\\]\"]", "").split(","));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void awaitTrue(Browser browser, String script) {
        await(browser, script, () -> Boolean.TRUE.equals(browser.driver().executeScript(script)));
    }

    private static String awaitValue(Browser browser, String script) {
        Object[] value = new Object[1];
        await(browser, script, () -> (value[0] = browser.driver().executeScript(script)) != null);
        return String.valueOf(value[0]);
    }

    private static void await(Browser browser, String what, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                Object errors = browser.driver().executeScript("return window.t ? t.errors : null");
                throw new AssertionError(browser.label() + ": not true within " + WAIT.toSeconds() + " s: " + what
                    + "\n  PeerJS errors: " + errors + "\n  page log: " + browser.pageLog());
            }
            Browser.pause(100);
        }
    }
}
