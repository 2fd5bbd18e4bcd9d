package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Dimension;

/**
 * An automated accessibility scan with axe-core (from npm, injected into the page) of the landing page,
 * the pre-join screen and a two-person call: each side panel, the settings dialog, the reactions menu,
 * an unread chat badge, and the chat as a sheet at phone size. No
 * violation of impact "serious" or "critical" is allowed; every violation found is printed, with the
 * elements it concerns, so a failure says what to fix.
 */
class AccessibilityIT extends BrowserTest {

    private static final String AXE_VERSION = "4.14.1";
    private static final Path AXE_DIR = Path.of("target", "axe-core");
    private static final Path AXE_JS = AXE_DIR.resolve(Path.of("node_modules", "axe-core", "axe.min.js"));
    private static final List<String> BLOCKING = List.of("serious", "critical");

    /** Runs axe on the whole document and returns its violations as plain data. */
    private static final String RUN_AXE = """
        const done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v => ({
          id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
          nodes: v.nodes.map(n => ({target: JSON.stringify(n.target), html: n.html.slice(0, 200),
                                    summary: (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 300)}))
        }))), e => done('axe failed: ' + e));
        """;

    private static String axeSource;

    @BeforeAll
    static void loadAxeOnce() throws Exception {
        axeSource = loadAxe();
    }

    @Test
    void landingAndPreJoinPagesHaveNoSeriousViolations() {
        Browser browser = Browser.launch("a11y");
        browsers.add(browser);
        MeetingPage page = new MeetingPage(browser, baseUrl).openLanding();
        List<String> blocking = new ArrayList<>(scan(browser, "landing page"));

        page.createMeeting();
        page.awaitLocalPreview();
        blocking.addAll(scan(browser, "pre-join page"));

        assertThat(blocking).as("serious or critical axe violations (details printed above)").isEmpty();
    }

    @Test
    void callWithPanelsAndSettingsHasNoSeriousViolations() {
        List<MeetingPage> pages = Calls.joinCall(baseUrl, browsers, "Alice", "Bob");
        MeetingPage alice = pages.get(0), bob = pages.get(1);
        List<String> blocking = new ArrayList<>();

        // Chat open, with messages from both sides (one with a link) and an unread-free badge.
        alice.chat().open();
        bob.chat().open();
        bob.chat().send("Hi Alice, the notes are at https://example.org/notes");
        alice.chat().send("Thanks, <b>Bob</b>!");
        alice.chat().awaitMessages(2);
        blocking.addAll(scan(alice.browser(), "call, chat panel open"));

        bob.click("Mute microphone");
        bob.awaitToggle("Unmute microphone", true);
        bob.click("Raise hand");
        alice.openPanel("Participants");
        alice.awaitTrue("Bob's hand in the participants panel", () -> alice.people().stream()
            .anyMatch(p -> p.name().equals("Bob") && p.states().contains("Hand raised")));
        blocking.addAll(scan(alice.browser(), "call, participants panel open"));

        alice.click("Settings");
        alice.awaitTrue("the settings dialog open", () -> Boolean.TRUE.equals(alice.browser().driver().executeScript(
            "return !!document.querySelector('dialog[open]')")));
        blocking.addAll(scan(alice.browser(), "call, settings dialog open"));
        alice.click("Close settings");
        alice.awaitTrue("the settings dialog closed", () -> Boolean.TRUE.equals(alice.browser().driver().executeScript(
            "return !document.querySelector('dialog[open]')")));

        // Chat closed with an unread badge on its button; Bob's reactions menu open.
        alice.click("Participants");
        alice.awaitToggle("Participants", false);
        bob.chat().send("Can everyone see my screen?");
        alice.awaitTrue("the unread badge on Alice's Chat button", () -> alice.chat().badge() != null);
        blocking.addAll(scan(alice.browser(), "call, panels closed, unread chat badge"));
        bob.click("Send a reaction");
        bob.awaitTrue("the reactions menu open", () -> "true".equals(bob.button("Send a reaction").getAttribute("aria-expanded")));
        blocking.addAll(scan(bob.browser(), "call, reactions menu open"));

        // Phone size, where a panel is a full-screen sheet.
        alice.browser().driver().manage().window().setSize(new Dimension(390, 844));
        alice.chat().open();
        blocking.addAll(scan(alice.browser(), "call at 390x844, chat sheet open"));

        assertThat(blocking).as("serious or critical axe violations (details printed above)").isEmpty();
    }

    // ---- helpers ----

    /** Injects axe (once per document), runs it, prints every violation, and returns the blocking ones as text. */
    private static List<String> scan(Browser browser, String where) {
        browser.driver().executeScript("if (!window.axe) { " + axeSource + "\n}");
        Object raw = browser.driver().executeAsyncScript(RUN_AXE);
        if (!(raw instanceof List<?> violations)) {
            throw new AssertionError(where + ": " + raw);
        }
        List<String> blocking = new ArrayList<>();
        System.out.printf("[axe] %s: %d violation(s)%n", where, violations.size());
        for (Object o : violations) {
            Map<?, ?> v = (Map<?, ?>) o;
            StringBuilder line = new StringBuilder(String.format("[axe] %s: %s (%s) %s <%s>",
                where, v.get("id"), v.get("impact"), v.get("help"), v.get("helpUrl")));
            for (Object n : (List<?>) v.get("nodes")) {
                Map<?, ?> node = (Map<?, ?>) n;
                line.append(String.format("%n        %s  %s%n          %s", node.get("target"), node.get("html"), node.get("summary")));
            }
            System.out.println(line);
            if (BLOCKING.contains(String.valueOf(v.get("impact")))) {
                blocking.add(where + ": " + v.get("id") + " (" + v.get("impact") + ") on "
                    + ((List<?>) v.get("nodes")).stream().map(n -> String.valueOf(((Map<?, ?>) n).get("target"))).toList());
            }
        }
        return blocking;
    }

    /** axe-core from npm into target/ (never committed), installed only when that version is not already there. */
    private static String loadAxe() throws IOException, InterruptedException {
        Path pkg = AXE_DIR.resolve(Path.of("node_modules", "axe-core", "package.json"));
        boolean present = Files.isRegularFile(AXE_JS) && Files.isRegularFile(pkg)
            && Files.readString(pkg).contains("\"version\": \"" + AXE_VERSION + "\"");
        if (!present) {
            Files.createDirectories(AXE_DIR);
            List<String> command = List.of("npm", "install", "--prefix", AXE_DIR.toString(), "axe-core@" + AXE_VERSION,
                "--no-audit", "--no-fund", "--no-save", "--loglevel=error");
            Process npm;
            try {
                npm = new ProcessBuilder(command).redirectErrorStream(true).start();
            } catch (IOException e) {
                unavailable("npm is needed to install axe-core for the accessibility scan: " + e.getMessage());
                throw e;
            }
            String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0 || !Files.isRegularFile(AXE_JS)) {
                npm.destroyForcibly();
                unavailable("could not install axe-core@" + AXE_VERSION + " with " + String.join(" ", command) + ":\n" + output);
            }
        }
        return Files.readString(AXE_JS);
    }

    /** Like a missing browser: a failure on CI, a skip elsewhere. */
    private static void unavailable(String message) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(message + " (CI=true, so this is a failure, not a skip)");
        }
        Assumptions.abort(message);
    }
}
