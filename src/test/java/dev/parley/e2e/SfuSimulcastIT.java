package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.Parley;
import dev.parley.support.TempDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Through the SFU, with a 1280x720 camera: simulcast (a device with the cores for it captures HD; the
 * tile a page pins gets the full layer, a grid tile the small one; unpinning brings it back down), then a shared screen as a second feed (shown in
 * the presenter's tile while the camera keeps arriving). Frame widths come from getStats().
 */
class SfuSimulcastIT {
    private final List<Browser> browsers = new ArrayList<>();
    private Parley server;
    private Path dataDir;

    @RegisterExtension
    final AfterTestExecutionCallback diagnosticsOnFailure = context -> context.getExecutionException()
        .ifPresent(e -> browsers.forEach(Browser::dumpDiagnostics));

    @AfterEach
    void cleanUp() {
        browsers.forEach(Browser::close);
        if (server != null) {
            server.close();
        }
        TempDirs.deleteQuietly(dataDir);
    }

    @Test
    void aPinnedTileGetsTheFullLayerAndGridTilesTheSmallOne() throws Exception {
        Browser.requireChromium();
        SfuSupport.requireJanus();
        dataDir = Files.createTempDirectory("parley-simulcast-");
        server = Parley.start(new String[] {"--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir.toString(),
            "--sfu", "--media-mode", "sfu"});
        SfuSupport.awaitAvailable(server, Duration.ofSeconds(20));
        String baseUrl = "http://127.0.0.1:" + server.port();
        List<MeetingPage> pages = Calls.joinOneByOne(baseUrl, browsers, name -> {
            Browser browser = Browser.launch(name, FakeCamera.flag(1280, 720), Browser.SCREEN_1280x720);
            // Bob's device has the cores for an HD camera through the SFU; the others (like this machine) do not.
            browser.addInitScript("Object.defineProperty(navigator, 'hardwareConcurrency', {get: () => "
                + (name.equals("Bob") ? 8 : 2) + "});");
            return browser;
        }, "Ada", "Bob", "Cy");
        MeetingPage ada = pages.get(0);
        ada.awaitRemoteTiles("Bob", "Cy");
        MeetingPage bob = pages.get(1);
        bob.awaitTrue("Bob's camera captured at 1280x720 once the call is on the SFU", () -> cameraWidth(bob) == 1280);
        MeetingPage cy = pages.get(2);
        // Publishing waits for the camera's size, so once Cy publishes, that size is final.
        cy.awaitTrue("Cy publishing to the SFU", () -> cy.browser().peerConnections().size() == 2);
        assertThat(cameraWidth(cy)).as("Cy's camera, on 2 cores, stays at 640x480").isEqualTo(640);
        // Bob and Cy stay quiet, so neither becomes Ada's active speaker (which would also get the full layer).
        for (MeetingPage page : pages.subList(1, 3)) {
            page.click("Mute microphone");
            page.awaitToggle("Unmute microphone", true);
        }
        TileMedia.Window grid = ada.media("Cy").await("Cy's video in the grid on the small layer", 1500,
            w -> w.framesDecoded() > 0 && w.frameWidth() > 0 && w.frameWidth() <= 320);
        System.out.printf("[simulcast] Cy in Ada's grid: %s%n", grid);

        ada.click("Pin Bob");
        // Above 640: more than a 640x480 capture could give. Chrome may scale its layers down when the
        // machine is busy (to 960 wide in one run with four such pages), so not exactly 1280.
        TileMedia.Window pinned = ada.media("Bob").await("Bob's pinned video on the full layer", 1500,
            w -> w.framesDecoded() > 0 && w.frameWidth() > 640);
        TileMedia.Window stillSmall = ada.media("Cy").measure(1500);
        System.out.printf("[simulcast] Bob pinned: %s; Cy meanwhile: %s%n", pinned, stillSmall);
        assertThat(stillSmall.frameWidth()).as("Cy, not pinned, stays on the small layer").isBetween(1L, 320L);

        ada.click("Unpin Bob");
        TileMedia.Window unpinned = ada.media("Bob").await("Bob back on the small layer after unpinning", 1500,
            w -> w.framesDecoded() > 0 && w.frameWidth() > 0 && w.frameWidth() <= 320);
        System.out.printf("[simulcast] Bob unpinned: %s%n", unpinned);

        // ---- Bob presents: his screen is a second feed, his camera keeps coming ----
        bob.click("Present now");
        bob.awaitToggle("Stop presenting", true);
        TileMedia.Window screen = ada.media("Bob").await("Bob's screen in his tile", 1500,
            w -> w.framesDecoded() > 0 && w.frameWidth() >= 1000);
        System.out.printf("[screen] Bob's tile on Ada's page while presenting: %s%n", screen);
        ada.awaitTrue("three remote videos decoding: Bob's screen, Bob's camera beside it, and Cy's camera",
            () -> growingVideos(ada) == 3);
        bob.click("Stop presenting");
        bob.awaitToggle("Present now", false);
        TileMedia.Window back = ada.media("Bob").await("Bob's tile back on his camera", 1500,
            w -> w.framesDecoded() > 0 && w.frameWidth() > 0 && w.frameWidth() <= 640);
        System.out.printf("[screen] Bob's tile after presenting: %s%n", back);
    }

    /** The width the page's camera is captured at now. */
    private static long cameraWidth(MeetingPage page) {
        Object width = page.browser().driver().executeScript("""
            const track = document.querySelector('.tile-local video')?.srcObject?.getVideoTracks()[0];
            return track ? track.getSettings().width : -1;
            """);
        return ((Number) width).longValue();
    }

    /** How many remote videos decode more frames over one second. */
    private static long growingVideos(MeetingPage page) {
        java.util.Map<String, Long> before = new java.util.HashMap<>();
        page.browser().inbound().stream().filter(v -> v.kind().equals("video"))
            .forEach(v -> before.put(v.trackId(), v.framesDecoded()));
        Browser.pause(1000);
        return page.browser().inbound().stream()
            .filter(v -> v.kind().equals("video") && v.framesDecoded() > before.getOrDefault(v.trackId(), Long.MAX_VALUE))
            .count();
    }
}
