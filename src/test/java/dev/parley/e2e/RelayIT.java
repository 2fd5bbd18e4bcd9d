package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import dev.parley.Parley;
import dev.parley.support.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Calls forced through a real coturn on loopback. Parley hands each page TURN credentials derived from the
 * shared secret and {@code iceTransportPolicy: "relay"}; whether the call really went through the relay is
 * judged by each page's getStats(): the selected candidate pair's local candidate. With a wrong secret no
 * relay can be allocated, and the page must say that the connection failed rather than show a black tile.
 */
class RelayIT {

    /** Three connect windows of 10 s (the first try and two ICE restarts) before a peer is reported: ~30 s. */
    private static final Duration FAILURE_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Per open peer connection: its state, the selected pair (transport.selectedCandidatePairId, or else the
     * nominated succeeded pair) with both candidates, and the types of all local candidates gathered.
     */
    private static final String SELECTED_PAIRS = """
        const done = arguments[arguments.length - 1];
        Promise.all((window.__pcs || []).filter(pc => pc.connectionState !== 'closed').map(async pc => {
          const stats = await pc.getStats();
          const byId = new Map();
          stats.forEach(s => byId.set(s.id, s));
          let pair = null;
          stats.forEach(s => {
            if (s.type === 'transport' && s.selectedCandidatePairId && byId.has(s.selectedCandidatePairId)) {
              pair = byId.get(s.selectedCandidatePairId);
            }
          });
          let via = 'transport.selectedCandidatePairId';
          if (!pair) {
            via = 'nominated succeeded pair';
            stats.forEach(s => { if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pair = s; });
          }
          const describe = c => c ? {type: c.candidateType, address: c.address || '', port: c.port || 0,
            protocol: c.protocol || '', relayProtocol: c.relayProtocol || '', url: c.url || ''} : null;
          const localTypes = [];
          stats.forEach(s => { if (s.type === 'local-candidate') localTypes.push(s.candidateType); });
          return {state: pc.connectionState, iceGathering: pc.iceGatheringState,
            policy: pc.getConfiguration().iceTransportPolicy, via: pair ? via : 'none',
            local: describe(pair && byId.get(pair.localCandidateId)),
            remote: describe(pair && byId.get(pair.remoteCandidateId)), localTypes};
        })).then(done, e => done('getStats failed: ' + e));
        """;

    private final List<Browser> browsers = new ArrayList<>();
    private Coturn coturn;
    private Parley parley;

    /** Runs before @AfterEach closes everything, so a failure still shows each page's and coturn's state. */
    @RegisterExtension
    final AfterTestExecutionCallback diagnosticsOnFailure = context -> context.getExecutionException().ifPresent(e -> {
        browsers.forEach(Browser::dumpDiagnostics);
        for (Browser browser : browsers) {
            if (!browser.isClosed()) {
                System.out.println("[" + browser.label() + "] selected pairs=" + safePairs(browser));
            }
        }
        if (coturn != null) {
            System.out.println("[coturn] running=" + coturn.isRunning() + ", log tail:\n" + coturn.logTail(60));
        }
    });

    @BeforeEach
    void requirements() {
        Browser.requireChromium();
        Coturn.requireTurnserver();
    }

    @AfterEach
    void stopAll() {
        browsers.forEach(Browser::close);
        browsers.clear();
        if (parley != null) {
            parley.close();
        }
        if (coturn != null) {
            coturn.close();
        }
    }

    @Test
    void relayOnlyCallFlowsBothWaysThroughCoturn() {
        coturn = Coturn.start();
        String baseUrl = startParley(coturn.secret());

        long start = System.nanoTime();
        // Joins both and waits until each page decodes the other's video and hears its audio.
        List<MeetingPage> pages = Calls.joinCall(baseUrl, browsers, "Alice", "Bob");
        System.out.printf("[relay] media flowing both ways through coturn %d ms after the first browser started%n",
            (System.nanoTime() - start) / 1_000_000);

        for (MeetingPage page : pages) {
            List<Map<String, Object>> pairs = selectedPairs(page.browser());
            System.out.println("[relay] " + page.label() + " selected pair: " + pairs);
            assertThat(pairs).as("%s: open peer connections", page.label()).hasSize(1);
            Map<String, Object> pc = pairs.get(0);
            assertThat(pc.get("state")).as("%s: connection state", page.label()).isEqualTo("connected");
            assertThat(pc.get("policy")).as("%s: the page applied the server's policy", page.label()).isEqualTo("relay");
            assertThat(pc.get("via")).as("%s: a selected candidate pair exists: %s", page.label(), pc).isNotEqualTo("none");
            Map<?, ?> local = (Map<?, ?>) pc.get("local");
            assertThat(local.get("type")).as("%s: selected local candidate %s", page.label(), local).isEqualTo("relay");
            // The relay address is one coturn allocated: its relay IP and a port from its relay range.
            assertThat(local.get("address")).as("%s: relayed address", page.label()).isEqualTo("127.0.0.1");
            assertThat(((Number) local.get("port")).intValue()).as("%s: relayed port", page.label())
                .isBetween(coturn.minRelayPort(), coturn.maxRelayPort());
            assertThat(strings(pc.get("localTypes"))).as("%s: every local candidate gathered", page.label())
                .isNotEmpty().containsOnly("relay");
        }

        // coturn's own view: it accepted allocations for the usernames Parley made (<expiry>:<participant id>).
        List<String> allocations = coturn.logLines("ALLOCATE processed, success");
        System.out.println("[relay] coturn successful ALLOCATE lines: " + allocations.size()
            + allocations.stream().limit(2).map(l -> "\n  " + l).reduce("", String::concat));
        assertThat(allocations).as("coturn log shows successful allocations:\n%s", coturn.logTail(40)).isNotEmpty()
            .allSatisfy(line -> assertThat(line).containsPattern("user <\\d{10,}:[A-Za-z0-9_-]+>"));

        // Still flowing after the checks: the relayed call is stable, not a momentary success.
        for (MeetingPage page : pages) {
            page.browser().awaitRemoteMediaFlowing(1);
        }
    }

    @Test
    void wrongSecretFailsVisiblyInsteadOfLeavingABlackTile() {
        coturn = Coturn.start();
        byte[] wrong = new byte[24];
        ThreadLocalRandom.current().nextBytes(wrong);
        String baseUrl = startParley("wrong-" + HexFormat.of().formatHex(wrong));

        MeetingPage alice = page("Alice", baseUrl);
        String room = alice.openLanding().createMeeting();
        alice.awaitLocalPreview();
        alice.joinAs("Alice");
        alice.recordToasts();
        MeetingPage bob = page("Bob", baseUrl).openRoom(room);
        bob.awaitLocalPreview();
        bob.joinAs("Bob");
        bob.recordToasts();
        long joinedAt = System.nanoTime();
        alice.awaitRemoteTiles(MeetingPage.IN_CALL_TIMEOUT, "Bob");
        bob.awaitRemoteTiles(MeetingPage.IN_CALL_TIMEOUT, "Alice");

        Map<String, Long> failedAfter = new java.util.TreeMap<>();
        long deadline = joinedAt + FAILURE_TIMEOUT.toNanos();
        while (failedAfter.size() < 2) {
            for (MeetingPage[] pair : new MeetingPage[][] {{alice, bob}, {bob, alice}}) {
                String who = pair[0].label();
                if (!failedAfter.containsKey(who) && "failed".equals(connectionAttribute(pair[0], pair[1].label()))) {
                    failedAfter.put(who, (System.nanoTime() - joinedAt) / 1_000_000);
                }
            }
            if (failedAfter.size() < 2 && System.nanoTime() > deadline) {
                throw new AssertionError("within " + FAILURE_TIMEOUT.toSeconds() + " s of Bob joining, tiles marked failed only on "
                    + failedAfter.keySet() + "; Alice sees Bob as data-connection=" + connectionAttribute(alice, "Bob")
                    + ", Bob sees Alice as " + connectionAttribute(bob, "Alice") + "; Alice pcs " + safePairs(alice.browser())
                    + "; Bob pcs " + safePairs(bob.browser()) + "; toasts Alice " + alice.toasts() + ", Bob " + bob.toasts());
            }
            Browser.pause(250);
        }
        System.out.println("[relay] wrong secret: tile marked \"failed\" after (ms since Bob joined) " + failedAfter);

        for (MeetingPage[] pair : new MeetingPage[][] {{alice, bob}, {bob, alice}}) {
            MeetingPage page = pair[0];
            String other = pair[1].label();
            // What the tile shows, as rendered (the label is CSS generated content on the tile).
            Object shown = page.browser().driver().executeScript(
                "return getComputedStyle(arguments[0], '::after').content", page.tile(other));
            assertThat(String.valueOf(shown)).as("%s: text over %s's tile", page.label(), other).contains("Couldn't connect");
            String toast = page.awaitToast("saying the connection to " + other + " failed",
                t -> t.contains("Couldn't connect") && t.contains(other));
            System.out.println("[relay] " + page.label() + " toast: " + toast);

            // And nothing connected: no pair selected, no relay gathered (coturn refused the credentials), no frames.
            List<Map<String, Object>> pcs = selectedPairs(page.browser());
            assertThat(pcs).as("%s: peer connections", page.label()).isNotEmpty();
            for (Map<String, Object> pc : pcs) {
                assertThat(pc.get("state")).as("%s: %s", page.label(), pc).isNotEqualTo("connected");
                assertThat(pc.get("via")).as("%s: %s", page.label(), pc).isEqualTo("none");
                assertThat(strings(pc.get("localTypes"))).as("%s: local candidates", page.label()).doesNotContain("relay");
            }
            assertThat(page.browser().inbound()).as("%s: inbound media", page.label())
                .allSatisfy(s -> assertThat(s.framesDecoded() + s.bytesReceived()).isZero());
        }
        // coturn's own view: it refused the credentials and granted no relay.
        // (A 401 for user <> is the normal first challenge; the ones naming a user are the refusals.)
        List<String> refused = coturn.log().stream()
            .filter(l -> l.contains("check_stun_auth") || (l.contains("401") && !l.contains("user <>"))).toList();
        System.out.println("[relay] wrong secret: coturn log lines refusing credentials: " + refused.size()
            + refused.stream().limit(3).map(l -> "\n  " + l).reduce("", String::concat));
        assertThat(coturn.logLines("ALLOCATE processed, success")).as("allocations coturn granted").isEmpty();
    }

    // ---- helpers ----

    private String startParley(String turnSecret) {
        parley = Parley.start(new String[] {"--port", "0", "--host", "127.0.0.1", "--data-dir", TestServer.DATA_DIR,
            "--turn-url", coturn.turnUrl(), "--turn-secret", turnSecret, "--ice-relay-only"});
        return "http://127.0.0.1:" + parley.port();
    }

    private MeetingPage page(String label, String baseUrl) {
        Browser browser = Browser.launch(label);
        browsers.add(browser);
        return new MeetingPage(browser, baseUrl);
    }

    /** The tile's data-connection attribute (null while none was set). */
    private static String connectionAttribute(MeetingPage page, String tileName) {
        return page.tile(tileName).getAttribute("data-connection");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> selectedPairs(Browser browser) {
        Object raw = browser.driver().executeAsyncScript(SELECTED_PAIRS);
        if (!(raw instanceof List<?> list)) {
            throw new AssertionError(browser.label() + ": " + raw);
        }
        return (List<Map<String, Object>>) (List<?>) list;
    }

    private static List<String> strings(Object list) {
        return ((List<?>) list).stream().map(String::valueOf).toList();
    }

    private static Object safePairs(Browser browser) {
        try {
            return selectedPairs(browser);
        } catch (RuntimeException | AssertionError e) {
            return "(unavailable: " + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")";
        }
    }
}
