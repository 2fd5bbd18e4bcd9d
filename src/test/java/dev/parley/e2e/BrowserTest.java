package dev.parley.e2e;

import dev.parley.Parley;
import dev.parley.support.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One Parley server (default settings, loopback, free port) for a test class, and the browsers each
 * test opens, closed after it. When a test fails, every page's state is printed before its browser
 * closes. Test classes run one after another, so the shared static server is never contended.
 */
abstract class BrowserTest {
    protected static Parley server;
    protected static String baseUrl;

    /** Browsers opened by the current test; closed after it. */
    protected final List<Browser> browsers = new ArrayList<>();

    @RegisterExtension
    final AfterTestExecutionCallback diagnosticsOnFailure = context -> context.getExecutionException()
        .ifPresent(e -> browsers.forEach(b -> {
            b.dumpDiagnostics();
            if (!b.isClosed()) {
                System.out.println("[" + b.label() + "] ui=" + new MeetingPage(b, baseUrl).uiState());
            }
        }));

    @BeforeAll
    static void startServer() {
        Browser.requireChromium();
        server = Parley.start(new String[] {"--port", "0", "--host", "127.0.0.1", "--data-dir", TestServer.DATA_DIR});
        baseUrl = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @AfterEach
    void closeBrowsers() {
        browsers.forEach(Browser::close);
        browsers.clear();
    }
}
