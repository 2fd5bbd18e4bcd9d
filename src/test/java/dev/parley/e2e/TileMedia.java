package dev.parley.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What reaches one remote tile, as the receiving page's getStats reports it: the inbound streams feeding
 * its video and audio elements, and their frames, bytes and audio energy over a window.
 */
public final class TileMedia {
    private final MeetingPage page;
    private final String tileName;

    TileMedia(MeetingPage page, String tileName) {
        this.page = page;
        this.tileName = tileName;
    }

    /** The inbound streams that feed the tile's &lt;video&gt; and &lt;audio&gt; (null where none matches). */
    public record Feed(Browser.InboundSnapshot video, Browser.InboundSnapshot audio, long atNanos) {}

    /** The inbound streams that feed the tile now. */
    public Feed feed() {
        Map<?, ?> ids = (Map<?, ?>) page.browser().driver().executeScript("""
            const tile = Array.from(document.querySelectorAll('[role="group"][aria-label]'))
              .find(el => el.getAttribute('aria-label') === arguments[0] && el.querySelector('video'));
            const track = (el, kind) => {
              const s = el && el.srcObject;
              const t = s && (kind === 'video' ? s.getVideoTracks() : s.getAudioTracks())[0];
              return t ? t.id : '';
            };
            return tile ? {video: track(tile.querySelector('video'), 'video'), audio: track(tile.querySelector('audio'), 'audio')}
                        : {video: '', audio: ''};
            """, tileName);
        List<Browser.InboundSnapshot> inbound = page.browser().inbound();
        long at = System.nanoTime();
        Browser.InboundSnapshot video = inbound.stream()
            .filter(s -> s.kind().equals("video") && !s.trackId().isEmpty() && s.trackId().equals(ids.get("video")))
            .findFirst().orElse(null);
        Browser.InboundSnapshot audio = inbound.stream()
            .filter(s -> s.kind().equals("audio") && !s.trackId().isEmpty() && s.trackId().equals(ids.get("audio")))
            .findFirst().orElse(null);
        return new Feed(video, audio, at);
    }

    /** What a remote tile's media did during one window: audio energy gained, video bytes and frames, last width. */
    public record Window(double seconds, double audioEnergy, long audioBytes, long videoBytes, long framesDecoded,
                              long frameWidth) {
        public double videoBytesPerSecond() {
            return videoBytes / seconds;
        }

        @Override
        public String toString() {
            return String.format("{%.1fs: energy +%.3f, audio +%d B, video %.0f B/s, frames +%d, width %d}",
                seconds, audioEnergy, audioBytes, videoBytesPerSecond(), framesDecoded, frameWidth);
        }
    }

    /** Samples the tile's inbound media twice, {@code millis} apart. */
    public Window measure(long millis) {
        Feed a = feed();
        Browser.pause(millis);
        Feed b = feed();
        if (a.video() == null || a.audio() == null || b.video() == null || b.audio() == null) {
            throw new AssertionError(page.label() + ": tile \"" + tileName + "\" is not fed by inbound audio and video: " + b
                + "; inbound " + page.browser().inbound());
        }
        return new Window((b.atNanos() - a.atNanos()) / 1e9,
            b.audio().totalAudioEnergy() - a.audio().totalAudioEnergy(),
            b.audio().bytesReceived() - a.audio().bytesReceived(),
            b.video().bytesReceived() - a.video().bytesReceived(),
            b.video().framesDecoded() - a.video().framesDecoded(),
            b.video().frameWidth());
    }

    /**
     * Measures windows of {@code millis} one after another until one satisfies {@code ok}, for up to
     * {@link Browser#MEDIA_TIMEOUT}; fails with every window seen.
     */
    public Window await(String what, long millis, Predicate<Window> ok) {
        long deadline = System.nanoTime() + Browser.MEDIA_TIMEOUT.toNanos();
        List<Window> seen = new ArrayList<>();
        while (true) {
            Window w = measure(millis);
            if (ok.test(w)) {
                return w;
            }
            seen.add(w);
            if (System.nanoTime() > deadline) {
                throw new AssertionError(page.label() + ": tile \"" + tileName + "\": expected " + what + " within "
                    + Browser.MEDIA_TIMEOUT.toSeconds() + " s; windows measured: " + seen + "; page log " + page.browser().pageLog());
            }
        }
    }
}
