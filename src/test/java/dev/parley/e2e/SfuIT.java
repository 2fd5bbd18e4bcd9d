package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.Parley;
import dev.parley.support.TempDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.WebElement;

/**
 * Issue 8 in real Chromium: a four-person mesh call gets a fifth person, everyone moves to the SFU
 * (Janus, started by Parley with --sfu) without a reload or a lost tile, one of them sending nothing
 * meanwhile; every page receives video and audio from every other through it, and a leaver's tile goes
 * everywhere. Cameras are 320x240.
 */
class SfuIT {
    private static final String[] NAMES = {"Ada", "Bob", "Cy", "Dee", "Eve"};
    private static final double MIN_AUDIO_ENERGY = 0.05;
    private static Parley server;
    private static Path dataDir;

    private final List<Browser> browsers = new ArrayList<>();

    @RegisterExtension
    final AfterTestExecutionCallback diagnosticsOnFailure = context -> context.getExecutionException()
        .ifPresent(e -> browsers.forEach(Browser::dumpDiagnostics));

    @BeforeAll
    static void startServerWithJanus() throws Exception {
        Browser.requireChromium();
        SfuSupport.requireJanus();
        dataDir = Files.createTempDirectory("parley-sfu-it-");
        server = Parley.start(new String[] {"--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir.toString(), "--sfu"});
        SfuSupport.awaitAvailable(server, Duration.ofSeconds(20));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
        TempDirs.deleteQuietly(dataDir);
    }

    @AfterEach
    void closeBrowsers() {
        browsers.forEach(Browser::close);
        browsers.clear();
    }

    @Test
    void meshOfFourMovesToTheSfuWhenAFifthJoinsAndEveryoneHearsAndSeesEveryone() {
        String baseUrl = "http://127.0.0.1:" + server.port();
        // Eve's browser starts before the mesh loads the machine; she opens the meeting later.
        Browser eveBrowser = launch("Eve");
        browsers.add(eveBrowser);
        List<MeetingPage> pages = new ArrayList<>(Calls.joinOneByOne(baseUrl, browsers, SfuIT::launch,
            List.of(NAMES).subList(0, 4).toArray(String[]::new)));
        String room = baseUrl + pages.get(0).path();
        // ---- a four-person mesh: three direct connections each ----
        for (MeetingPage page : pages) {
            page.awaitRemoteTiles(others(page, 4));
            page.browser().awaitAllConnected(3);
            SfuSupport.watchTiles(page);
        }

        // Dee sends nothing while the call moves (microphone muted, camera off): no stream of hers will
        // arrive through the SFU, and nobody keeps a direct connection waiting for one.
        MeetingPage dee = pages.get(3);
        dee.click("Mute microphone");
        dee.awaitToggle("Unmute microphone", true);
        dee.click("Turn off camera");
        dee.awaitToggle("Turn on camera", true);

        // ---- the fifth joins: everyone moves to the SFU ----
        MeetingPage eve = new MeetingPage(eveBrowser, baseUrl);
        eve.openRoom(room);
        eve.awaitLocalPreview();
        eve.joinAs("Eve");
        pages.add(eve);
        for (MeetingPage page : pages) {
            page.awaitRemoteTiles(others(page, 5));
            // One connection sends to the SFU, one receives everyone; the mesh ones are closed.
            page.awaitTrue("two open connections (to and from the SFU), both connected", () -> {
                List<Browser.PcSnapshot> pcs = page.browser().peerConnections();
                return pcs.size() == 2 && pcs.stream().allMatch(pc -> pc.state().equals("connected"));
            });
        }
        dee.click("Turn on camera");
        dee.awaitToggle("Turn off camera", false);
        dee.click("Unmute microphone");
        dee.awaitToggle("Mute microphone", false);
        SfuSupport.eachAtOnce(pages, page -> {
            for (String other : others(page, 5)) {
                TileMedia.Window w = page.media(other).await("video frames from " + other + " through the SFU",
                    1500, m -> m.framesDecoded() > 0 && m.frameWidth() > 0);
                assertThat(w.frameWidth()).as(page.label() + ": width of " + other + "'s video").isLessThanOrEqualTo(320);
            }
        });
        // Timing is measured by bench/run --sfu, not here: these checks visit five loaded browsers.
        assertThat(eve.browser().createdPeerConnections()).as("Eve never made a mesh connection").isEqualTo(2);
        for (MeetingPage page : pages.subList(0, 4)) {
            SfuSupport.assertSameTiles(page, "Eve");
        }

        // ---- audio from every talker to every listener; the others are muted so no echo canceller eats the beep ----
        for (MeetingPage page : pages) {
            page.click("Mute microphone");
            page.awaitToggle("Unmute microphone", true);
        }
        for (MeetingPage talker : pages) {
            talker.click("Unmute microphone");
            talker.awaitToggle("Mute microphone", false);
            // Listeners are separate browsers, so they are measured at the same time.
            SfuSupport.eachAtOnce(pages.stream().filter(listener -> listener != talker).toList(), listener -> {
                TileMedia.Window w = listener.media(talker.label()).await("audio energy from " + talker.label(),
                    1500, m -> m.audioEnergy() > MIN_AUDIO_ENERGY);
                System.out.printf("[sfu] %s hears %s: %s%n", listener.label(), talker.label(), w);
                listener.awaitSpeaking(talker.label(), true);
            });
            // The talker's own tile lights up too: measured from what its page sends to the SFU.
            talker.awaitSpeaking(talker.label() + " (you)", true);
            talker.click("Mute microphone");
            talker.awaitToggle("Unmute microphone", true);
        }

        // ---- Bob leaves: his tile goes everywhere ----
        MeetingPage bob = pages.remove(1);
        pages.forEach(MeetingPage::recordToasts);
        bob.leave();
        for (MeetingPage page : pages) {
            page.awaitRemoteTiles(java.util.Arrays.stream(others(page, 5)).filter(n -> !n.equals("Bob")).toArray(String[]::new));
        }
        TileMedia.Window after = pages.get(0).media("Eve").await("Eve's video after Bob left", 1500,
            m -> m.framesDecoded() > 0);
        System.out.printf("[sfu] after Bob left, Ada still receives Eve: %s%n", after);
        for (MeetingPage page : pages) {
            page.awaitToast("that Bob left", "Bob left"::equals);
            // A layer request for Bob may have been on its way as he left: the refusal is no news to anyone.
            assertThat(page.toasts()).as(page.label() + ": toasts after Bob left").noneMatch(t -> t.contains("no participant"));
        }
    }

    @Test
    void aLargeMeetingFromTheStartPageGoesThroughTheSfuFromItsFirstTwoPeople() {
        String baseUrl = "http://127.0.0.1:" + server.port();
        Browser adaBrowser = launch("Ada");
        browsers.add(adaBrowser);
        MeetingPage ada = new MeetingPage(adaBrowser, baseUrl).openLanding();
        WebElement large = ada.checkbox("Large meeting: send video through the server from the start");
        large.click();
        String room = ada.createMeeting();
        ada.awaitLocalPreview();
        ada.joinAs("Ada");
        Browser bobBrowser = launch("Bob");
        browsers.add(bobBrowser);
        MeetingPage bob = new MeetingPage(bobBrowser, baseUrl).openRoom(room);
        bob.awaitLocalPreview();
        bob.joinAs("Bob");
        for (MeetingPage page : List.of(ada, bob)) {
            String other = page == ada ? "Bob" : "Ada";
            page.awaitRemoteTiles(other);
            page.awaitTrue("two connections (to and from the SFU), both connected", () -> {
                List<Browser.PcSnapshot> pcs = page.browser().peerConnections();
                return pcs.size() == 2 && pcs.stream().allMatch(pc -> pc.state().equals("connected"));
            });
            // A stream reaches its tile once its first packets have come (sfu.js): wait for that first.
            page.awaitTrue(other + "'s tile fed by audio and video", () -> {
                TileMedia.Feed fed = page.media(other).feed();
                return fed.audio() != null && fed.video() != null;
            });
            page.media(other).await("video frames from " + other + " through the SFU", 1500, m -> m.framesDecoded() > 0);
            // Two people would be a mesh in an ordinary meeting: these never made a direct connection.
            assertThat(page.browser().createdPeerConnections()).as(page.label() + "'s connections").isEqualTo(2);
        }
    }

    private static Browser launch(String name) {
        return Browser.launch(name, FakeCamera.flag(320, 240));
    }

    private static String[] others(MeetingPage page, int count) {
        return List.of(NAMES).subList(0, count).stream().filter(n -> !n.equals(page.label())).toArray(String[]::new);
    }

}
