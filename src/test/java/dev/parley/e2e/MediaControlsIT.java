package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.parley.e2e.TileMedia.Window;
import org.junit.jupiter.api.Test;

/**
 * Microphone, camera and screen share in a two-person call, judged where it matters: by what the other
 * page's getStats() receives for that person's tile, and by what that tile shows. Each toggle is driven
 * by its accessible name (and by the Ctrl+D / Ctrl+E shortcuts), whose name and aria-pressed must follow.
 */
class MediaControlsIT extends BrowserTest {

    /** Length of one measurement window; the fake microphone beeps several times in it. */
    private static final long WINDOW_MS = 2000;
    /** The fake microphone yields ~0.25 of totalAudioEnergy per second, so ~0.5 per window while unmuted. */
    private static final double SILENT = 0.01;
    private static final double AUDIBLE = 0.1;

    @Test
    void muteSilencesTheSenderForOthersAndShowsTheMutedIcon() {
        List<MeetingPage> pages = Calls.joinCall(baseUrl, browsers, name -> {
            Browser browser = Browser.launch(name);
            CapturedTracks.recordFromNextLoad(browser);
            return browser;
        }, "Alice", "Bob");
        MeetingPage alice = pages.get(0), bob = pages.get(1);
        Window live = bob.media("Alice").await("Alice's audio energy growing", WINDOW_MS, w -> w.audioEnergy() > AUDIBLE);
        assertMutedIcon(bob, "Alice", false);
        alice.awaitToggle("Mute microphone", false);

        alice.click("Mute microphone");
        alice.awaitToggle("Unmute microphone", true);
        awaitMutedIcon(bob, "Alice", true);
        Window muted = awaitSilence(bob, "Alice");
        // Muting also releases the microphone (the browser's indicator goes out): no microphone track is still live.
        alice.awaitTrue("every microphone track Alice captured to be stopped", () -> liveMicrophones(alice) == 0);

        alice.click("Unmute microphone");
        alice.awaitToggle("Mute microphone", false);
        awaitMutedIcon(bob, "Alice", false);
        Window unmuted = bob.media("Alice").await("Alice's audio energy growing again after unmute", WINDOW_MS,
            w -> w.audioEnergy() > AUDIBLE);
        System.out.printf("[mute] Alice's audio energy on Bob's page per %d ms: live %s, muted %s, unmuted %s%n",
            WINDOW_MS, live, muted, unmuted);

        assertThat(liveMicrophones(alice)).as("live microphone tracks on Alice's page after unmuting").isEqualTo(1);

        // The same through Ctrl+D, in both directions.
        alice.pressShortcut('d');
        alice.awaitToggle("Unmute microphone", true);
        awaitMutedIcon(bob, "Alice", true);
        awaitSilence(bob, "Alice");
        alice.pressShortcut('d');
        alice.awaitToggle("Mute microphone", false);
        awaitMutedIcon(bob, "Alice", false);
        bob.media("Alice").await("audio energy again after a second Ctrl+D", WINDOW_MS, w -> w.audioEnergy() > AUDIBLE);

        // Muting one person says nothing about the other.
        assertMutedIcon(alice, "Bob", false);

        // With Bob quiet, Alice talking is Bob's active speaker, and stops being it once she mutes.
        bob.click("Mute microphone");
        bob.awaitToggle("Unmute microphone", true);
        bob.awaitSpeaking("Alice", true);
        alice.awaitSpeaking("Alice (you)", true);
        alice.click("Mute microphone");
        alice.awaitToggle("Unmute microphone", true);
        bob.awaitSpeaking("Alice", false);
        alice.awaitSpeaking("Alice (you)", false);
    }

    @Test
    void aSecondClickWhileTheMicrophoneOpensMutesAgain() {
        List<MeetingPage> pages = Calls.joinCall(baseUrl, browsers, name -> {
            Browser browser = Browser.launch(name);
            CapturedTracks.recordFromNextLoad(browser);
            // A microphone that takes 1.5 s to open again, as some devices do.
            browser.addInitScript("""
                const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
                navigator.mediaDevices.getUserMedia = (c) => c?.audio && !c.video
                    ? new Promise((resolve) => setTimeout(resolve, 1500)).then(() => open(c)) : open(c);
                """);
            return browser;
        }, "Alice", "Bob");
        MeetingPage alice = pages.get(0), bob = pages.get(1);
        alice.click("Mute microphone");
        alice.awaitToggle("Unmute microphone", true);

        alice.click("Unmute microphone");
        alice.click("Unmute microphone"); // still opening, so still labelled so: this click takes the first back
        alice.awaitTrue("the microphone asked for by the first click to have opened", () -> CapturedTracks.of(alice.browser()).stream()
            .filter(t -> t.source().equals("user") && t.kind().equals("audio")).count() == 2);
        assertThat(liveMicrophones(alice)).as("live microphone tracks after unmute and mute").isZero();
        alice.awaitToggle("Unmute microphone", true);
        assertMutedIcon(bob, "Alice", true);
        awaitSilence(bob, "Alice");
    }

    @Test
    void cameraOffShowsAvatarAndStopsVideoThenVideoReturns() {
        List<MeetingPage> pages = Calls.joinCall(baseUrl, browsers, name -> {
            Browser browser = Browser.launch(name);
            CapturedTracks.recordFromNextLoad(browser);
            return browser;
        }, "Alice", "Bob");
        MeetingPage alice = pages.get(0), bob = pages.get(1);
        Window on = bob.media("Alice").await("Alice's video flowing", WINDOW_MS,
            w -> w.framesDecoded() > 10 && w.videoBytes() > 0);
        assertThat(bob.tileClasses("Alice")).doesNotContain("no-video");
        assertThat(bob.tileAvatar("Alice")).as("avatar on Alice's tile while her camera is on").isNull();
        alice.awaitToggle("Turn off camera", false);

        alice.click("Turn off camera");
        alice.awaitToggle("Turn on camera", true);
        bob.awaitTrue("Alice's tile to show the no-video placeholder", () -> bob.tileClasses("Alice").contains("no-video"));
        bob.awaitTrue("the avatar \"A\" on Alice's tile", () -> "A".equals(bob.tileAvatar("Alice")));
        Window off = bob.media("Alice").await("video bytes/s under 20% of the camera-on rate ("
            + Math.round(on.videoBytesPerSecond()) + " B/s)", WINDOW_MS,
            w -> w.videoBytesPerSecond() < 0.2 * on.videoBytesPerSecond());
        // "Stop video" also releases the camera (its light goes out): no camera track is still live.
        alice.awaitTrue("every camera track Alice captured to be stopped", () -> CapturedTracks.of(alice.browser()).stream()
            .noneMatch(t -> t.source().equals("user") && t.kind().equals("video") && t.readyState().equals("live")));

        alice.pressShortcut('e');
        alice.awaitToggle("Turn off camera", false);
        bob.awaitTrue("the placeholder to go from Alice's tile", () -> !bob.tileClasses("Alice").contains("no-video"));
        assertThat(bob.tileAvatar("Alice")).as("avatar on Alice's tile after Ctrl+E").isNull();
        Window back = bob.media("Alice").await("frames decoded and bytes back above half the camera-on rate",
            WINDOW_MS, w -> w.framesDecoded() > 10 && w.videoBytesPerSecond() > 0.5 * on.videoBytesPerSecond());
        System.out.printf("[camera] Alice's video on Bob's page per %d ms: on %s, off %s, back on %s%n", WINDOW_MS, on, off, back);
        assertThat(CapturedTracks.of(alice.browser()).stream()
            .filter(t -> t.source().equals("user") && t.kind().equals("video") && t.readyState().equals("live")))
            .as("live camera tracks on Alice's page after turning it back on").hasSize(1);

        // A camera that stops by itself (unplugged) shows as off, with a word why; turning it on opens it again.
        alice.recordToasts();
        alice.browser().driver().executeScript("""
            window.__captured.filter(c => c.source === 'user' && c.track.kind === 'video' && c.track.readyState === 'live')
              .forEach(c => c.track.dispatchEvent(new Event('ended')));
            """);
        alice.awaitToggle("Turn on camera", true);
        alice.awaitToast("saying the camera stopped", text -> text.startsWith("Your camera stopped"));
        bob.awaitTrue("Alice's tile to show the no-video placeholder after her camera stopped",
            () -> bob.tileClasses("Alice").contains("no-video"));
        alice.click("Turn on camera");
        alice.awaitToggle("Turn off camera", false);
        bob.media("Alice").await("frames again after turning the lost camera on", WINDOW_MS, w -> w.framesDecoded() > 10);
    }

    @Test
    void presentingSendsTheScreenAndTakesTheLargeTileThenCameraReturns() {
        List<MeetingPage> pages = Calls.joinCall(baseUrl, browsers,
            name -> Browser.launch(name, Browser.SCREEN_1280x720), "Alice", "Bob");
        MeetingPage alice = pages.get(0), bob = pages.get(1);
        bob.media("Alice").await("Alice's camera at 640 px wide", WINDOW_MS,
            w -> w.frameWidth() == 640 && w.framesDecoded() > 0);
        alice.awaitToggle("Present now", false);

        alice.click("Present now");
        alice.awaitToggle("Stop presenting", true);
        Window screen = bob.media("Alice").await("Alice's screen at 1280 px wide", WINDOW_MS,
            w -> w.frameWidth() == 1280 && w.framesDecoded() > 0);
        bob.awaitTrue("Alice's tile marked presenting and in the large spot", () ->
            bob.tileClasses("Alice").containsAll(List.of("presenting", "spotlight")));
        assertThat(bob.tileClasses("Bob (you)")).doesNotContain("spotlight", "presenting");
        assertThat(alice.tileClasses("Alice (you)")).as("presenter's own tile").contains("presenting");
        bob.openPanel("Participants");
        bob.awaitTrue("\"Presenting\" next to Alice in Bob's participants panel", () -> bob.people().stream()
            .anyMatch(p -> p.name().equals("Alice") && p.states().contains("Presenting")));

        alice.click("Stop presenting");
        alice.awaitToggle("Present now", false);
        Window camera = bob.media("Alice").await("Alice's camera back at 640 px wide", WINDOW_MS,
            w -> w.frameWidth() == 640 && w.framesDecoded() > 0);
        bob.awaitTrue("Alice's tile back in the grid", () -> {
            var classes = bob.tileClasses("Alice");
            return !classes.contains("presenting") && !classes.contains("spotlight");
        });
        bob.awaitTrue("\"Presenting\" gone from Bob's participants panel", () -> bob.people().stream()
            .noneMatch(p -> p.states().contains("Presenting")));
        System.out.printf("[screen] Alice on Bob's page: presenting %s, after stop %s%n", screen, camera);
    }

    @Test
    void whenTwoPresentTheLatestHasTheLargeTileUntilTheyStopAlsoForSomeoneWhoJoinsAfterThem() {
        List<MeetingPage> pages = Calls.joinCall(baseUrl, browsers, "Alice", "Bob");
        MeetingPage alice = pages.get(0), bob = pages.get(1);
        bob.click("Present now");
        bob.awaitToggle("Stop presenting", true);
        alice.awaitTrue("Bob's screen in Alice's large spot", () -> alice.tileClasses("Bob").contains("spotlight"));
        alice.click("Present now");
        alice.awaitToggle("Stop presenting", true);
        // Each has their own screen in front of them: their large spot shows the other presenter.
        bob.awaitTrue("Alice in Bob's large spot", () -> bob.tileClasses("Alice").contains("spotlight"));
        assertThat(alice.tileClasses("Bob")).as("Alice's large spot").contains("spotlight");

        // Cat arrives after both started. She learns of them in order of arrival (Alice before Bob), but
        // Alice started presenting last, so Alice has the large spot, as on everyone else's page.
        MeetingPage cat = Calls.joinLate(baseUrl, browsers, bob, "Cat", "Alice", "Bob");
        cat.awaitTrue("Alice, who presented last, in Cat's large spot", () ->
            cat.tileClasses("Alice").contains("spotlight") && !cat.tileClasses("Bob").contains("spotlight"));

        alice.click("Stop presenting");
        alice.awaitToggle("Present now", false);
        cat.awaitTrue("Bob, still presenting, in Cat's large spot now", () ->
            cat.tileClasses("Bob").contains("spotlight") && !cat.tileClasses("Alice").contains("spotlight"));
        assertThat(alice.tileClasses("Bob")).as("Alice's large spot").contains("spotlight");
    }

    // ---- helpers ----

    /**
     * Waits for a window with no audio energy from that tile, then requires the next window to be silent
     * too: energy has stopped growing, rather than one quiet moment between two beeps.
     */
    private static Window awaitSilence(MeetingPage page, String tile) {
        Window first = page.media(tile).await("no audio energy from " + tile + " while muted", WINDOW_MS,
            w -> w.audioEnergy() < SILENT);
        Window next = page.media(tile).measure(WINDOW_MS);
        assertThat(next.audioEnergy()).as("%s: audio energy from %s in the window after a silent one %s; that window: %s",
            page.label(), tile, first, next).isLessThan(SILENT);
        // Not even silence: a muted microphone sends no packets, which every receiver would decode.
        assertThat(next.audioBytes()).as("%s: audio bytes from %s while muted, in %s", page.label(), tile, next).isZero();
        return next;
    }

    private static long liveMicrophones(MeetingPage page) {
        return CapturedTracks.of(page.browser()).stream()
            .filter(t -> t.source().equals("user") && t.kind().equals("audio") && t.readyState().equals("live")).count();
    }

    private static void awaitMutedIcon(MeetingPage page, String tile, boolean shown) {
        page.awaitTrue("the \"Microphone off\" icon " + (shown ? "shown" : "hidden") + " on " + tile + "'s tile",
            () -> page.tileClasses(tile).contains("audio-off") == shown && page.tileShowsImage(tile, "Microphone off") == shown);
    }

    private static void assertMutedIcon(MeetingPage page, String tile, boolean shown) {
        assertThat(page.tileClasses(tile).contains("audio-off")).as("%s: %s's tile has class audio-off", page.label(), tile)
            .isEqualTo(shown);
        assertThat(page.tileShowsImage(tile, "Microphone off")).as("%s: \"Microphone off\" visible on %s's tile", page.label(), tile)
            .isEqualTo(shown);
    }
}
