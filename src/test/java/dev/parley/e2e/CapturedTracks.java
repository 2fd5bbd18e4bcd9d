package dev.parley.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The local tracks a page captured (camera, microphone, screen), to see whether it released them. */
final class CapturedTracks {
    private CapturedTracks() {}

    /** Records every track getUserMedia and getDisplayMedia hand out, so a test can see whether the camera was released. */
    private static final String CAPTURE_RECORDER = """
        (() => {
          if (window.__captured || !navigator.mediaDevices) return;
          window.__captured = [];
          const md = navigator.mediaDevices;
          for (const [name, source] of [['getUserMedia', 'user'], ['getDisplayMedia', 'display']]) {
            const orig = md[name] && md[name].bind(md);
            if (!orig) continue;
            md[name] = async (...args) => {
              const stream = await orig(...args);
              for (const track of stream.getTracks()) window.__captured.push({source, track});
              return stream;
            };
          }
        })();
        """;

    /** One captured local track: where it came from (user = camera/mic, display = screen) and whether it still runs. */
    record CapturedTrack(String source, String kind, String readyState, boolean enabled) {}

    /** From the next page load on, records every captured track; see {@link #of(Browser)}. */
    static void recordFromNextLoad(Browser browser) {
        browser.addInitScript(CAPTURE_RECORDER);
    }

    /** Every track the current page obtained from getUserMedia/getDisplayMedia, oldest first. */
    static List<CapturedTrack> of(Browser browser) {
        Object raw = browser.driver().executeScript("""
            return (window.__captured || []).map(c => ({source: c.source, kind: c.track.kind,
              readyState: c.track.readyState, enabled: c.track.enabled}));
            """);
        List<CapturedTrack> tracks = new ArrayList<>();
        for (Object o : (List<?>) raw) {
            Map<?, ?> m = (Map<?, ?>) o;
            tracks.add(new CapturedTrack(String.valueOf(m.get("source")), String.valueOf(m.get("kind")),
                String.valueOf(m.get("readyState")), Boolean.TRUE.equals(m.get("enabled"))));
        }
        return tracks;
    }
}
