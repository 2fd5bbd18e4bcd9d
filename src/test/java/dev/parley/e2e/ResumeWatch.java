package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Watches a page in a call across a fault (a server restart, a cut WebSocket): whether it reloaded,
 * rebuilt or re-attached a tile, showed "Reconnecting…" and when, announced anyone as joining or
 * leaving, and when chat messages arrived; and, after it, whether the call is the same call.
 */
final class ResumeWatch {
    /** Longer than the server's default 8 s heartbeat timeout plus a sweep and some slack, so a stale socket expiring shows up. */
    private static final Duration HEARTBEAT_TIMEOUT_WATCH = Duration.ofSeconds(12);
    /** The fake microphone gives about 0.25 of totalAudioEnergy per second; a 1.5 s window must show clearly more than noise. */
    private static final double MIN_AUDIO_ENERGY = 0.05;

    private ResumeWatch() {}

    /**
     * Marks the page (a reload would lose the mark), keeps every toast, and remembers the tile elements and the
     * remote video streams, so a rebuilt tile, a re-attached stream or a tile removed and re-added shows up.
     */
    static void startWatching(MeetingPage page) {
        page.recordToasts();
        page.browser().driver().executeScript("""
            window.__marker = 1;
            // recordToasts() also keeps toasts still on screen from earlier (such as "Bob joined"): count from here.
            window.__toastBaseline = window.__toastLog.length;
            const grid = document.querySelector('[role="region"][aria-label="Participants\\' video"]');
            window.__tileLog = [];
            new MutationObserver(records => records.forEach(r => {
              r.addedNodes.forEach(n => n.dataset && n.dataset.participant
                && window.__tileLog.push('added ' + n.getAttribute('aria-label') + ' ' + n.dataset.participant));
              r.removedNodes.forEach(n => n.dataset && n.dataset.participant
                && window.__tileLog.push('removed ' + n.getAttribute('aria-label') + ' ' + n.dataset.participant));
            })).observe(grid, {childList: true, subtree: true});
            window.__banner = [];
            const banner = Array.from(document.querySelectorAll('[role="status"]'))
              .find(el => el.textContent.trim() === 'Reconnecting\u2026');
            if (banner) {
              // Every change of the banner's visibility, timed by the page (epoch ms), so a blink is not missed.
              const shown = () => banner.getClientRects().length > 0 && getComputedStyle(banner).visibility !== 'hidden';
              let last = shown();
              window.__banner.push([Date.now(), last]);
              new MutationObserver(() => {
                const now = shown();
                if (now !== last) { last = now; window.__banner.push([Date.now(), now]); }
              }).observe(banner, {attributes: true});
            }
            // Every chat message added to the log, with the page's time (epoch ms), sender and text.
            window.__chatLog = [];
            const chatLog = document.querySelector('[role="log"][aria-label="Chat messages"]');
            new MutationObserver(records => records.forEach(r => r.addedNodes.forEach(n => {
              if (n.nodeType !== 1 || n.tagName !== 'ARTICLE') return;
              const part = s => ((n.querySelector(s) || {}).textContent || '').trim();
              window.__chatLog.push([Date.now(), part('.chat-sender'), part('.chat-text')]);
            }))).observe(chatLog, {childList: true});
            window.__tilesBefore = Array.from(grid.querySelectorAll('[role="group"][data-participant]'))
              .map(el => ({el, stream: el.querySelector('video').srcObject}));
            """);
        assertThat(page.browser().driver().executeScript("return window.__tilesBefore.length")).isEqualTo(2L);
        assertThat(bannerEvents(page)).as(page.label() + ": a role=status \"Reconnecting…\" element exists (hidden)")
            .hasSize(1).allMatch(e -> e[1] == 0);
    }

    /** Toasts shown since {@link #startWatching}. */
    static List<String> newToasts(MeetingPage page) {
        List<?> raw = (List<?>) page.browser().driver().executeScript("return window.__toastLog.slice(window.__toastBaseline)");
        return raw.stream().map(String::valueOf).toList();
    }

    /** A resumed participant is no news: nobody may be announced as joining or leaving, nor the connection as lost. */
    static void assertNoPresenceToasts(MeetingPage page, String when) {
        assertThat(newToasts(page)).as(page.label() + ": toasts " + when + " (nobody joined or left)")
            .noneMatch(t -> t.contains(" left") || t.contains(" joined") || t.contains("Lost the connection")
                || t.contains("another window"));
    }

    /** The banner's visibility changes recorded by {@link #startWatching}: [epoch ms, 1 shown / 0 hidden]. */
    static List<long[]> bannerEvents(MeetingPage page) {
        List<?> raw = (List<?>) page.browser().driver().executeScript("return window.__banner");
        return raw.stream().map(o -> (List<?>) o)
            .map(e -> new long[] {((Number) e.get(0)).longValue(), Boolean.TRUE.equals(e.get(1)) ? 1 : 0}).toList();
    }

    /**
     * Waits for "Reconnecting…" to appear at or after {@code sinceEpoch} and then to go; returns the milliseconds
     * (page clock) from {@code sinceEpoch} to [appearing, going].
     */
    static long[] reconnectEpisode(MeetingPage page, long sinceEpoch) {
        long shownAt = awaitBanner(page, true, sinceEpoch);
        long goneAt = awaitBanner(page, false, shownAt);
        return new long[] {shownAt - sinceEpoch, goneAt - sinceEpoch};
    }

    /** Waits for the banner to become shown (or hidden) at or after {@code sinceEpoch}; returns the page's epoch ms of it. */
    static long awaitBanner(MeetingPage page, boolean shown, long sinceEpoch) {
        long[] at = new long[1];
        String what = "\"Reconnecting…\" " + (shown ? "shown" : "hidden") + " at or after " + sinceEpoch;
        try {
            page.awaitTrue(what, () -> bannerEvents(page).stream().filter(e -> e[0] >= sinceEpoch && (e[1] == 1) == shown)
                .findFirst().map(e -> at[0] = e[0]).isPresent());
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; banner events [epoch ms, shown] "
                + bannerEvents(page).stream().map(Arrays::toString).toList(), e);
        }
        return at[0];
    }

    /** Waits for a chat message from {@code sender} with {@code text} to be added to the log; returns the page's epoch ms of it. */
    static long awaitChatArrival(MeetingPage page, String sender, String text) {
        long[] at = new long[1];
        page.awaitTrue("chat \"" + text + "\" from " + sender, () -> {
            List<?> log = (List<?>) page.browser().driver().executeScript("return window.__chatLog");
            for (Object o : log) {
                List<?> e = (List<?>) o;
                if (sender.equals(e.get(1)) && text.equals(e.get(2))) {
                    at[0] = ((Number) e.get(0)).longValue();
                    return true;
                }
            }
            return false;
        });
        return at[0];
    }

    /** Same document, same tile elements showing the same streams, no tile added or removed, same ids, one live connection. */
    static void assertNoReloadAndSameTiles(MeetingPage page, Map<String, String> idsBefore) {
        Object marker = page.browser().driver().executeScript("return window.__marker === undefined ? null : window.__marker");
        assertThat(marker).as(page.label() + ": window.__marker (gone means the page reloaded)").isEqualTo(1L);
        @SuppressWarnings("unchecked")
        Map<String, Object> tiles = (Map<String, Object>) page.browser().driver().executeScript("""
            return {
              log: window.__tileLog,
              sameElements: window.__tilesBefore.every(t => t.el.isConnected),
              sameStreams: window.__tilesBefore.every(t => t.el.querySelector('video').srcObject === t.stream)
            };
            """);
        assertThat((List<?>) tiles.get("log")).as(page.label() + ": tiles added or removed since the call was up").isEmpty();
        assertThat(tiles.get("sameElements")).as(page.label() + ": the original tile elements are still shown").isEqualTo(true);
        assertThat(tiles.get("sameStreams")).as(page.label() + ": tiles still show the streams they showed before").isEqualTo(true);
        assertThat(tileIds(page)).as(page.label() + ": participant id behind each tile").isEqualTo(idsBefore);
        assertThat(page.browser().createdPeerConnections()).as(page.label() + ": RTCPeerConnections created (must be reused)").isEqualTo(1);
        assertThat(page.browser().peerConnectionStates()).as(page.label() + ": state of every RTCPeerConnection").containsExactly("connected");
    }

    /** Tile name → participant id, e.g. {"Alice (you)": "q3J0…", "Bob": "Zx81…"}; fails on duplicate names. */
    static Map<String, String> tileIds(MeetingPage page) {
        List<?> rows = (List<?>) page.browser().driver().executeScript("""
            return Array.from(document.querySelectorAll('[role="group"][data-participant]'))
              .filter(el => el.querySelector('video')).map(el => [el.getAttribute('aria-label'), el.dataset.participant]);
            """);
        Map<String, String> ids = new LinkedHashMap<>();
        for (Object row : rows) {
            List<?> pair = (List<?>) row;
            String previous = ids.put(String.valueOf(pair.get(0)), String.valueOf(pair.get(1)));
            assertThat(previous).as(page.label() + ": two tiles named " + pair.get(0) + " in " + rows).isNull();
        }
        return ids;
    }

    /**
     * After a resume: both pages kept their tiles, ids and connection, and nobody was seen to leave or join,
     * even once the server's heartbeat timeout has passed (a stale socket expiring must not take anyone out);
     * then chat goes both ways under the right names and media still flows.
     */
    static void assertResumedAsTheSame(List<MeetingPage> pages, Map<String, String> aliceIds, Map<String, String> bobIds,
                                        long cutAt, String when, int round) {
        MeetingPage alice = pages.get(0), bob = pages.get(1);
        for (MeetingPage page : pages) {
            assertNoReloadAndSameTiles(page, page == alice ? aliceIds : bobIds);
        }
        long watchUntil = cutAt + HEARTBEAT_TIMEOUT_WATCH.toNanos();
        while (System.nanoTime() < watchUntil) {
            Browser.pause(500);
            for (MeetingPage page : pages) {
                assertThat(page.remoteTileNames()).as(page.label() + ": remote tiles " + when).hasSize(1);
            }
        }
        for (MeetingPage page : pages) {
            assertNoReloadAndSameTiles(page, page == alice ? aliceIds : bobIds);
            assertThat(page.reconnectingShown()).as(page.label() + ": \"Reconnecting…\" " + when).isFalse();
            assertNoPresenceToasts(page, when);
        }
        alice.awaitRemoteTiles("Bob");
        bob.awaitRemoteTiles("Alice");

        String fromAlice = "Alice, resumed (" + round + ")";
        String fromBob = "Bob, resumed (" + round + ")";
        alice.chat().send(fromAlice);
        bob.awaitTrue("Alice's chat \"" + fromAlice + "\"", () -> hasChat(bob, "Alice", fromAlice));
        bob.chat().send(fromBob);
        alice.awaitTrue("Bob's chat \"" + fromBob + "\"", () -> hasChat(alice, "Bob", fromBob));
        assertThat(bob.chat().messages().stream().filter(m -> m.text().equals(fromAlice)).count())
            .as("Alice's message shown once on Bob's page").isEqualTo(1);
        assertThat(alice.chat().messages().stream().filter(m -> m.text().equals(fromBob)).count())
            .as("Bob's message shown once on Alice's page").isEqualTo(1);

        awaitMediaBothWays(alice, bob);
    }

    /**
     * After a resume the call must still carry media both ways: the listener decodes the talker's video
     * and gains audio energy from the talker's voice. Each page listens in turn with its own microphone
     * muted, as people in a call mostly do. Both fake microphones play the same beep at the same rate, so
     * with both unmuted each page's echo canceller can take its own beep for an echo of the other's and
     * remove it, and the energy sent stalls for many seconds (measured: the sender's media-source energy
     * stalls with echo cancellation on, never with it off, resume or not).
     */
    static void awaitMediaBothWays(MeetingPage alice, MeetingPage bob) {
        for (List<MeetingPage> pair : List.of(List.of(alice, bob), List.of(bob, alice))) {
            MeetingPage listener = pair.get(0), talker = pair.get(1);
            listener.click("Mute microphone");
            listener.awaitToggle("Unmute microphone", true);
            TileMedia.Window heard = listener.media(talker.label()).await(
                "video frames and audio energy from " + talker.label() + " after the resume", 1500,
                w -> w.framesDecoded() > 0 && w.audioEnergy() > MIN_AUDIO_ENERGY);
            System.out.printf("[%s] after the resume, from %s: %s%n", listener.label(), talker.label(), heard);
            listener.click("Unmute microphone");
            listener.awaitToggle("Mute microphone", false);
        }
    }

    /** Each page's own id is the id the other page has for it. */
    static void assertSameIds(Map<String, String> alice, Map<String, String> bob) {
        assertThat(alice.keySet()).containsExactlyInAnyOrder("Alice (you)", "Bob");
        assertThat(bob.keySet()).containsExactlyInAnyOrder("Bob (you)", "Alice");
        assertThat(alice.get("Alice (you)")).isEqualTo(bob.get("Alice"));
        assertThat(bob.get("Bob (you)")).isEqualTo(alice.get("Bob"));
    }

    static boolean hasChat(MeetingPage page, String sender, String text) {
        return page.chat().messages().stream().anyMatch(m -> m.sender().equals(sender) && m.text().equals(text));
    }
}
