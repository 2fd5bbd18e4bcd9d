package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.Parley;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/** Janus for the SFU tests: present (or the test is skipped locally, failed on CI), and reachable. */
final class SfuSupport {
    private SfuSupport() {}

    static void requireJanus() {
        dev.parley.support.JanusInstalled.require();
    }

    static void awaitAvailable(Parley server, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!server.sfu().orElseThrow().available()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Parley did not reach Janus within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }

    /** Marks the page and records tiles added and removed, and pictures blanked, from now on: no reload, no lost tile, no blank. */
    static void watchTiles(MeetingPage page) {
        page.browser().driver().executeScript("""
            window.__marker = 1;
            window.__tileLog = [];
            window.__tilesBefore = Array.from(document.querySelectorAll('#grid [data-participant]'));
            new MutationObserver(records => records.forEach(r => {
              r.addedNodes.forEach(n => n.dataset && n.dataset.participant && window.__tileLog.push('added ' + n.getAttribute('aria-label')));
              r.removedNodes.forEach(n => n.dataset && n.dataset.participant && window.__tileLog.push('removed ' + n.getAttribute('aria-label')));
            })).observe(document.getElementById('grid'), {childList: true, subtree: true});
            // A remote tile showing a picture must not be handed a stream whose video has had no packet yet:
            // it would go blank until that video's first frame.
            const srcObject = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject');
            Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
              configurable: true,
              get() { return srcObject.get.call(this); },
              set(value) {
                const tile = this.localName === 'video' && this.closest('[data-participant]');
                const moving = (value?.getVideoTracks?.() ?? []).some(t => !t.muted && t.readyState === 'live');
                if (tile && !tile.classList.contains('tile-local') && this.readyState >= 2 && !moving) {
                  window.__tileLog.push('blanked ' + tile.getAttribute('aria-label'));
                }
                srcObject.set.call(this, value);
              },
            });
            """);
    }

    /** Same document, the tiles from before all still there, only {@code added} arrived, and no picture went blank. */
    static void assertSameTiles(MeetingPage page, String added) {
        @SuppressWarnings("unchecked")
        Map<String, Object> state = (Map<String, Object>) page.browser().driver().executeScript("""
            return {marker: window.__marker === undefined ? null : window.__marker, log: window.__tileLog,
                    same: window.__tilesBefore.every(t => t.isConnected)};
            """);
        assertThat(state.get("marker")).as(page.label() + ": window.__marker (gone means the page reloaded)").isEqualTo(1L);
        assertThat(state.get("same")).as(page.label() + ": every tile from before is still shown").isEqualTo(true);
        assertThat(((List<?>) state.get("log")).stream().map(String::valueOf).toList()).as(page.label() + ": tiles added or removed, and pictures blanked")
            .containsExactly("added " + added);
    }

    /** Runs one check per page at the same time (each page is its own browser) and rethrows the first failure. */
    static void eachAtOnce(List<MeetingPage> pages, Consumer<MeetingPage> check) {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> runs = pages.stream().<Future<?>>map(page -> pool.submit(() -> check.accept(page))).toList();
            for (Future<?> run : runs) {
                try {
                    run.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }
}
