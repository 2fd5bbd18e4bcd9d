package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.parley.Parley;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

/**
 * Real calls between headless Chromium pages against a real Parley server. Media is judged only by
 * what each page's getStats() reports, and the UI only by accessible names (see MeetingPage).
 * Browsers run one scenario at a time and at most three at once: the build machine has two cores.
 */
class CallIT extends BrowserTest {

    private static final Duration TILE_GONE_TIMEOUT = Duration.ofSeconds(10);

    @Test
    void twoParticipantsSeeAndHearEachOther() {
        List<MeetingPage> pages = joinCall("Alice", "Bob");
        assertEveryoneSeesAndHearsEveryone(pages, "Alice", "Bob");
        printJoinTimes(pages, "Alice", "Bob");
    }

    @Test
    void threeParticipantsSeeAndHearEachOther() {
        List<MeetingPage> pages = joinCall("Alice", "Bob", "Carol");
        assertEveryoneSeesAndHearsEveryone(pages, "Alice", "Bob", "Carol");
        printJoinTimes(pages, "Alice", "Bob", "Carol");
    }

    @Test
    void aLinkWithATrailingSlashOrCapitalsOpensTheSameMeeting() {
        MeetingPage alice = page("Alice").openLanding();
        String room = URI.create(alice.createMeeting()).getPath();
        alice.awaitLocalPreview();
        alice.joinAs("Alice");
        String id = room.substring("/r/".length());
        MeetingPage bob = page("Bob").openRoom(baseUrl + "/r/" + id.toUpperCase(Locale.ROOT) + "/");
        bob.awaitLocalPreview();
        bob.joinAs("Bob");
        bob.awaitRemoteTiles("Alice");
        alice.awaitRemoteTiles("Bob");
        assertThat(bob.path()).as("the link as the page shows and copies it").isEqualTo(room);
    }

    @Test
    void leavingRemovesTileEverywhere() {
        List<MeetingPage> pages = joinCall("Alice", "Bob", "Carol");
        MeetingPage alice = pages.get(0), bob = pages.get(1), carol = pages.get(2);
        alice.awaitRemoteTiles("Bob", "Carol");
        bob.awaitRemoteTiles("Alice", "Carol");
        carol.awaitRemoteTiles("Alice", "Bob");

        long leftAt = System.nanoTime();
        carol.leave();
        assertThat(carol.path()).isEqualTo("/");
        carol.button("New meeting"); // really the landing page, not just a URL change
        alice.awaitRemoteTiles(TILE_GONE_TIMEOUT, "Bob");
        bob.awaitRemoteTiles(TILE_GONE_TIMEOUT, "Alice");
        System.out.printf("[leave] Carol's tile gone on Alice and Bob %d ms after clicking Leave%n", millisSince(leftAt));
        // Whoever stays keeps talking.
        alice.browser().awaitRemoteMediaFlowing(1);
        bob.browser().awaitRemoteMediaFlowing(1);

        long closedAt = System.nanoTime();
        bob.browser().close(); // tab gone without "Leave": the server must notice on its own
        alice.awaitRemoteTiles(TILE_GONE_TIMEOUT);
        System.out.printf("[leave] Bob's tile gone on Alice %d ms after Bob's browser quit%n", millisSince(closedAt));
    }

    @RepeatedTest(3)
    void simultaneousJoinConnects() throws Exception {
        MeetingPage alice = page("Alice").openLanding();
        String room = alice.createMeeting();
        MeetingPage bob = page("Bob").openRoom(room);
        alice.enterName("Alice");
        bob.enterName("Bob");
        WebElement aliceJoin = alice.joinNowButton();
        WebElement bobJoin = bob.joinNowButton();

        // Both clicks are released together; each thread drives only its own WebDriver.
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Long> a = pool.submit(() -> clickWhenReleased(go, alice, aliceJoin));
            Future<Long> b = pool.submit(() -> clickWhenReleased(go, bob, bobJoin));
            go.countDown();
            System.out.printf("[simultaneous] clicks landed %d ms apart%n", Math.abs(a.get() - b.get()) / 1_000_000);
        } finally {
            pool.shutdownNow();
        }

        alice.awaitJoined("Alice");
        bob.awaitJoined("Bob");
        alice.awaitRemoteTiles("Bob");
        bob.awaitRemoteTiles("Alice");
        alice.browser().awaitRemoteMediaFlowing(1);
        bob.browser().awaitRemoteMediaFlowing(1);
        // A glare bug can leave a second connection stuck in "new" next to a working one.
        alice.browser().awaitAllConnected(1);
        bob.browser().awaitAllConnected(1);
    }

    /**
     * An offer lost on its way (here dropped by the newcomer's page; after a server restart, sent while the
     * other side was still rejoining) must not leave the pair unconnected for good: the stalled connection
     * withdraws it and offers again.
     */
    @Test
    void aLostOfferIsMadeAgain() {
        AliceAndBob pair = aliceInAndBobArriving(dropFirst("offer"));
        MeetingPage alice = pair.alice(), bob = pair.bob();
        bob.joinAs("Bob");
        alice.awaitRemoteTiles("Bob");
        bob.awaitTrue("Bob's page dropped its first offer", () -> dropped(bob));
        alice.browser().awaitRemoteMediaFlowing(1);
        bob.browser().awaitRemoteMediaFlowing(1);
    }

    /** The same when the answer is lost: the other side had the offer, and answers it again. */
    @Test
    void anOfferWhoseAnswerWasLostIsAnsweredAgain() {
        Browser aliceBrowser = Browser.launch("Alice");
        browsers.add(aliceBrowser);
        aliceBrowser.addInitScript(dropFirst("answer"));
        MeetingPage alice = new MeetingPage(aliceBrowser, baseUrl).openLanding();
        String room = alice.createMeeting();
        alice.awaitLocalPreview();
        alice.joinAs("Alice");
        MeetingPage bob = page("Bob").openRoom(room);
        bob.awaitLocalPreview();
        bob.joinAs("Bob");
        alice.awaitTrue("Alice's page dropped its first answer", () -> dropped(alice));
        alice.browser().awaitRemoteMediaFlowing(1);
        bob.browser().awaitRemoteMediaFlowing(1);
    }

    /** Wraps WebSocket.send so that the first SDP of this type ("offer" or "answer") sent in a `signal` never leaves the page. */
    private static String dropFirst(String sdpType) {
        return """
            (() => {
              const send = WebSocket.prototype.send;
              WebSocket.prototype.send = function (data) {
                if (!window.__dropped && typeof data === 'string' && data.includes('"type":"signal"')
                    && data.includes('"type":"%s"')) {
                  window.__dropped = true;
                  return;
                }
                return send.call(this, data);
              };
            })();
            """.formatted(sdpType);
    }

    private static boolean dropped(MeetingPage page) {
        return Boolean.TRUE.equals(page.browser().driver().executeScript("return window.__dropped === true"));
    }

    /**
     * The signaling socket opens on the pre-join screen, so "Join now" does not wait for one; heartbeats
     * keep it open there past the server's heartbeat timeout (8 s), and joining uses it.
     */
    @Test
    void joiningUsesTheSocketOpenedOnThePreJoinScreen() {
        AliceAndBob pair = aliceInAndBobArriving(COUNT_SOCKETS);
        MeetingPage alice = pair.alice(), bob = pair.bob();
        bob.awaitTrue("a socket opened on the pre-join screen", () -> openSockets(bob) == 1);
        Browser.pause(10_000);
        assertThat(socketsMade(bob)).as("sockets Bob's page made on the pre-join screen, after 10 s there").isEqualTo(1);
        assertThat(openSockets(bob)).as("Bob's pre-join socket still open after 10 s").isEqualTo(1);
        // A camera turned off there is off, not missing.
        bob.click("Turn off camera");
        bob.awaitTrue("the pre-join screen to say \"Camera is off\"", () -> "Camera is off".equals(bob.browser().driver().executeScript(
            "const note = document.getElementById('preview-off'); return note && !note.hidden ? note.textContent : null")));
        bob.click("Turn on camera");
        bob.awaitLocalPreview();

        bob.joinAs("Bob");
        alice.awaitRemoteTiles("Bob");
        bob.awaitRemoteTiles("Alice");
        alice.browser().awaitRemoteMediaFlowing(1);
        bob.browser().awaitRemoteMediaFlowing(1);
        assertThat(socketsMade(bob)).as("sockets Bob's page made, once in the call").isEqualTo(1);
    }

    @Test
    void landingJoinsByCodeOrLinkAndListsRecentMeetings() {
        MeetingPage page = page("Solo").openLanding();
        String room = page.createMeeting();
        String roomPath = page.path();
        String code = roomPath.substring("/r/".length());

        page.openLanding().joinFromLanding(room);
        awaitPath(page, roomPath, "joining by full link");
        page.openLanding().joinFromLanding(code);
        awaitPath(page, roomPath, "joining by bare code");

        page.joinAs("Solo");
        page.leave();
        Object listed = page.browser().driver().executeScript(
            "return Array.from(document.querySelectorAll('a[href]')).some(a => a.getAttribute('href').endsWith(arguments[0]))",
            roomPath);
        assertThat(listed).as("landing page links to the meeting just left (recent meetings) %s", roomPath).isEqualTo(true);
    }

    // ---- helpers ----

    /** Counts the WebSockets a page makes, and those open now. */
    private static final String COUNT_SOCKETS = """
        (() => {
          const Original = window.WebSocket;
          window.__sockets = [];
          window.WebSocket = class extends Original {
            constructor(...args) { super(...args); window.__sockets.push(this); }
          };
        })();
        """;

    private static long socketsMade(MeetingPage page) {
        return ((Number) page.browser().driver().executeScript("return window.__sockets.length")).longValue();
    }

    private static long openSockets(MeetingPage page) {
        return ((Number) page.browser().driver().executeScript(
            "return window.__sockets.filter(s => s.readyState === WebSocket.OPEN).length")).longValue();
    }

    private record AliceAndBob(MeetingPage alice, MeetingPage bob) {}

    /** Alice makes a meeting and joins it; Bob's browser, running {@code initScript} in every page, opens it but has not joined. */
    private AliceAndBob aliceInAndBobArriving(String initScript) {
        MeetingPage alice = page("Alice").openLanding();
        String room = alice.createMeeting();
        alice.awaitLocalPreview();
        alice.joinAs("Alice");
        Browser bobBrowser = Browser.launch("Bob");
        browsers.add(bobBrowser);
        bobBrowser.addInitScript(initScript);
        MeetingPage bob = new MeetingPage(bobBrowser, baseUrl).openRoom(room);
        bob.awaitLocalPreview();
        return new AliceAndBob(alice, bob);
    }

    private MeetingPage page(String label) {
        Browser browser = Browser.launch(label);
        browsers.add(browser);
        return new MeetingPage(browser, baseUrl);
    }

    /** First person creates the meeting via "New meeting"; the others open its URL; each joins in turn. */
    private List<MeetingPage> joinCall(String... names) {
        return Calls.joinOneByOne(baseUrl, browsers, Browser::launch, names);
    }

    private static void assertEveryoneSeesAndHearsEveryone(List<MeetingPage> pages, String... names) {
        for (int i = 0; i < pages.size(); i++) {
            pages.get(i).awaitRemoteTiles(others(names, i));
        }
        for (int i = 0; i < pages.size(); i++) {
            MeetingPage page = pages.get(i);
            page.browser().awaitRemoteMediaFlowing(names.length - 1);
            page.awaitTilesShowLiveVideo(others(names, i));
        }
    }

    /**
     * Per page: "Join now" click to a decoded frame from every remote peer (earlier joiners also wait for
     * later ones to arrive). Then the whole call: last click until every page has every remote frame.
     */
    private static void printJoinTimes(List<MeetingPage> pages, String... names) {
        StringBuilder line = new StringBuilder("[timing] " + names.length + " participants, join -> first frame from all "
            + (names.length - 1) + " remote peer(s):");
        double lastClick = 0, everyoneReady = 0;
        for (int i = 0; i < pages.size(); i++) {
            Browser browser = pages.get(i).browser();
            double mark = browser.joinMarkEpochMillis();
            double ms = browser.awaitFirstFrames(names.length - 1);
            lastClick = Math.max(lastClick, mark);
            everyoneReady = Math.max(everyoneReady, mark + ms);
            line.append(String.format(" %s (joined %d of %d) %.0f ms;", names[i], i + 1, names.length, ms));
        }
        System.out.println(line);
        System.out.printf("[timing] %d participants: every page had every remote frame %.0f ms after the last \"Join now\"%n",
            names.length, everyoneReady - lastClick);
    }

    private static String[] others(String[] names, int self) {
        List<String> rest = new ArrayList<>(List.of(names));
        rest.remove(self);
        return rest.toArray(String[]::new);
    }

    private static long clickWhenReleased(CountDownLatch go, MeetingPage page, WebElement button) throws InterruptedException {
        go.await();
        page.clickJoinNow(button);
        return System.nanoTime();
    }

    private static void awaitPath(MeetingPage page, String expected, String why) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!page.path().equals(expected) && System.nanoTime() < deadline) {
            Browser.pause(100);
        }
        assertThat(page.path()).as(why).isEqualTo(expected);
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
