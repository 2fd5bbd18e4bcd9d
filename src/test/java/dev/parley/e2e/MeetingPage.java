package dev.parley.e2e;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Drives Parley's UI the way a user with a screen reader would: controls are found by their
 * accessible names only (aria-label, label[for], wrapping label, button text), never by CSS classes
 * or ids, so the tests keep passing across visual redesigns and fail when accessibility breaks.
 */
public final class MeetingPage {

    static final Pattern ROOM_PATH = Pattern.compile("/r/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Duration UI_TIMEOUT = Duration.ofSeconds(10);

    /** Participant tiles: role=group with a name and a video inside, so toolbars with role=group do not count. */
    private static final String TILE_NAMES = """
        return Array.from(document.querySelectorAll('[role="group"][aria-label]'))
          .filter(el => el.querySelector('video'))
          .map(el => el.getAttribute('aria-label'));
        """;

    /** The video track each named tile shows (its id equals inbound-rtp trackIdentifier on the receiver). */
    private static final String TILE_TRACKS = """
        const out = {};
        for (const el of document.querySelectorAll('[role="group"][aria-label]')) {
          const v = el.querySelector('video');
          const s = v && v.srcObject;
          const t = s && s.getVideoTracks ? s.getVideoTracks()[0] : null;
          out[el.getAttribute('aria-label')] = t ? t.id : '';
        }
        return out;
        """;

    private final Browser browser;
    private final String baseUrl;

    public MeetingPage(Browser browser, String baseUrl) {
        this.browser = browser;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    public Browser browser() {
        return browser;
    }

    public String label() {
        return browser.label();
    }

    // ---- landing page ----

    public MeetingPage openLanding() {
        browser.open(baseUrl + "/");
        button("New meeting");
        return this;
    }

    /** Clicks "New meeting" and returns the room URL it navigated to. */
    public String createMeeting() {
        button("New meeting").click();
        awaitPath(p -> ROOM_PATH.matcher(p).matches(), "a room path /r/<uuid> after clicking \"New meeting\"");
        return browser.driver().getCurrentUrl();
    }

    /** Types a code or link into "Meeting code or link" and clicks "Join". */
    public void joinFromLanding(String codeOrLink) {
        WebElement field = textField("Meeting code or link");
        field.clear();
        field.sendKeys(codeOrLink);
        button("Join").click();
    }

    // ---- room page ----

    public MeetingPage openRoom(String roomUrl) {
        browser.open(roomUrl);
        textField("Your name");
        return this;
    }

    public void enterName(String name) {
        WebElement field = textField("Your name");
        field.clear();
        field.sendKeys(name);
    }

    /**
     * The pre-join screen's local preview is a video element with a live camera stream. The wait is the in-call
     * one: a browser opening beside others that encode a call can take more than 10 s to start its camera.
     */
    public void awaitLocalPreview() {
        await("a playing local preview <video> on the pre-join screen", IN_CALL_TIMEOUT, () -> Boolean.TRUE.equals(browser.driver().executeScript(
            "return Array.from(document.querySelectorAll('video')).some(v => v.srcObject && v.readyState >= 2)")));
    }

    /** Locates "Join now" ahead of time so concurrent joins only have to click. */
    public WebElement joinNowButton() {
        return button("Join now");
    }

    /** Marks the in-page clock, then clicks; the mark precedes the click by one WebDriver round trip. */
    public void clickJoinNow(WebElement joinNow) {
        browser.markJoin();
        joinNow.click();
    }

    public void joinAs(String name) {
        enterName(name);
        clickJoinNow(joinNowButton());
        awaitJoined(name);
    }

    /** After joining, the local tile is labelled "<name> (you)". */
    public void awaitJoined(String name) {
        String own = name + " (you)";
        await("own tile \"" + own + "\"", () -> tileNames().contains(own));
    }

    /** Names on all participant tiles, including the local "(you)" tile. */
    public List<String> tileNames() {
        Object raw = browser.driver().executeScript(TILE_NAMES);
        return ((List<?>) raw).stream().map(String::valueOf).toList();
    }

    public Set<String> remoteTileNames() {
        Set<String> names = new TreeSet<>();
        for (String n : tileNames()) {
            if (!n.endsWith(" (you)")) {
                names.add(n);
            }
        }
        return names;
    }

    /** Waits until the remote tiles are exactly these names (no duplicates, no leftovers). */
    public void awaitRemoteTiles(Duration timeout, String... names) {
        Set<String> expected = new TreeSet<>(List.of(names));
        await("remote tiles exactly " + expected, timeout,
            () -> remoteTileNames().equals(expected) && tileNames().size() == expected.size() + 1);
    }

    public void awaitRemoteTiles(String... names) {
        awaitRemoteTiles(UI_TIMEOUT, names);
    }

    /**
     * Ties names to media: each named remote tile's video track must be an inbound stream whose decoded
     * frame count grows, so a tile showing the wrong (or a frozen) stream fails.
     */
    public void awaitTilesShowLiveVideo(String... names) {
        long deadline = System.nanoTime() + Browser.MEDIA_TIMEOUT.toNanos();
        Map<String, Long> before = framesByTile(names);
        while (true) {
            Browser.pause(1000);
            Map<String, Long> after = framesByTile(names);
            List<String> frozen = new ArrayList<>();
            for (String n : names) {
                if (after.get(n) < 0 || after.get(n) <= before.get(n)) {
                    frozen.add(n);
                }
            }
            if (frozen.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(label() + ": tiles " + frozen + " show no live remote video (frames before "
                    + before + ", after " + after + ", -1 = tile's track not found in inbound-rtp); tile tracks "
                    + browser.driver().executeScript(TILE_TRACKS) + "; inbound " + browser.inbound());
            }
            before = after;
        }
    }

    private Map<String, Long> framesByTile(String... names) {
        Map<?, ?> tracks = (Map<?, ?>) browser.driver().executeScript(TILE_TRACKS);
        List<Browser.InboundSnapshot> inbound = browser.inbound();
        Map<String, Long> frames = new HashMap<>();
        for (String n : names) {
            Object trackId = tracks.get(n);
            frames.put(n, inbound.stream().filter(s -> s.kind().equals("video") && s.trackId().equals(trackId))
                .mapToLong(Browser.InboundSnapshot::framesDecoded).max().orElse(-1));
        }
        return frames;
    }

    /** Clicks "Leave" and waits to be back on the landing page. */
    public void leave() {
        button("Leave").click();
        awaitPath("/"::equals, "the landing page \"/\" after clicking \"Leave\"");
    }

    public String path() {
        return URI.create(browser.driver().getCurrentUrl()).getPath();
    }

    // ---- whole calls, for scenario tests ----

    /**
     * Launches one browser per name with {@code launch} (e.g. {@code Browser::launch}; each is added to
     * {@code opened}, which the caller closes) and joins them one after another: the first creates the
     * meeting with "New meeting", the others open its link. Then waits until every page shows every
     * other participant's tile and receives their audio and video.
     */
    public static List<MeetingPage> joinCall(String baseUrl, List<Browser> opened, Function<String, Browser> launch,
                                             String... names) {
        List<MeetingPage> pages = joinOneByOne(baseUrl, opened, launch, names);
        for (int i = 0; i < pages.size(); i++) {
            List<String> others = new ArrayList<>(List.of(names));
            others.remove(i);
            pages.get(i).awaitRemoteTiles(IN_CALL_TIMEOUT, others.toArray(String[]::new));
        }
        for (MeetingPage page : pages) {
            page.browser().awaitRemoteMediaFlowing(names.length - 1);
        }
        return pages;
    }

    /**
     * Launches one browser per name and clicks "Join now" on each in turn, without waiting for media:
     * the first creates the meeting with "New meeting", the others open its link ({@link #path()} of the
     * first page's room).
     */
    public static List<MeetingPage> joinOneByOne(String baseUrl, List<Browser> opened, Function<String, Browser> launch,
                                                 String... names) {
        List<MeetingPage> pages = new ArrayList<>();
        String room = null;
        for (String name : names) {
            Browser browser = launch.apply(name);
            opened.add(browser);
            MeetingPage page = new MeetingPage(browser, baseUrl);
            if (room == null) {
                room = page.openLanding().createMeeting();
            } else {
                page.openRoom(room);
            }
            page.awaitLocalPreview();
            page.joinAs(name);
            pages.add(page);
        }
        return pages;
    }

    public static List<MeetingPage> joinCall(String baseUrl, List<Browser> opened, String... names) {
        return joinCall(baseUrl, opened, Browser::launch, names);
    }

    // ---- in-call features: toggles, shortcuts, chat, toasts, tiles, participants ----

    /** How long in-call UI conditions (which cross the server and another browser) may take. */
    static final Duration IN_CALL_TIMEOUT = Duration.ofSeconds(20);

    /** Waits up to {@link #IN_CALL_TIMEOUT} for a condition, failing with {@code what} and the page's state. */
    public void awaitTrue(String what, BooleanSupplier condition) {
        await(what, IN_CALL_TIMEOUT, condition);
    }

    /** Clicks the visible button with this accessible name. */
    public void click(String buttonName) {
        button(buttonName).click();
    }

    /** The aria-pressed state of the visible button with this accessible name ("true", "false", or null if absent). */
    public String ariaPressed(String buttonName) {
        return button(buttonName).getAttribute("aria-pressed");
    }

    /** Waits until the toggle reads {@code name} with aria-pressed {@code pressed} (the name says what a press will do). */
    public void awaitToggle(String name, boolean pressed) {
        awaitTrue("toggle \"" + name + "\" with aria-pressed=" + pressed, () -> Boolean.TRUE.equals(browser.driver().executeScript("""
            return Array.from(document.querySelectorAll('button[aria-label]')).some(b =>
              b.getAttribute('aria-label') === arguments[0] && b.getAttribute('aria-pressed') === arguments[1]
              && b.getClientRects().length > 0);
            """, name, String.valueOf(pressed))));
    }

    /** Presses Ctrl+key (the page's shortcuts, e.g. Ctrl+D for the microphone) on whatever has focus. */
    public void pressShortcut(char key) {
        new Actions(browser.driver()).keyDown(Keys.CONTROL).sendKeys(String.valueOf(key)).keyUp(Keys.CONTROL).perform();
    }

    /** Opens a side panel by its toggle ("Chat", "Participants") unless it is already open. */
    public void openPanel(String toggleName) {
        if (!"true".equals(ariaPressed(toggleName))) {
            click(toggleName);
        }
        awaitToggle(toggleName, true);
    }

    /** One chat message as shown: sender, time, text, and what the text turned into in the DOM. */
    public record ChatLine(String sender, String dateTime, String timeText, String text,
                           List<String> elementsInText, List<Map<String, String>> links) {}

    /** Opens the chat panel and waits for its heading. */
    public void openChat() {
        openPanel("Chat");
        awaitTrue("chat heading \"In-call messages\"", () -> Boolean.TRUE.equals(browser.driver().executeScript(
            "return Array.from(document.querySelectorAll('h1,h2,h3')).some(h => h.textContent.trim() === 'In-call messages' && h.getClientRects().length > 0)")));
    }

    /** Types a message into "Send a message" and presses Enter. */
    public void sendChat(String text) {
        textField("Send a message").sendKeys(text, Keys.ENTER);
    }

    /**
     * Puts text into "Send a message" by script, past the field's maxlength (as a modified client could),
     * then presses "Send": for testing what the server accepts.
     */
    public void sendChatBypassingField(String text) {
        WebElement field = textField("Send a message");
        browser.driver().executeScript("arguments[0].value = arguments[1]", field, text);
        click("Send");
    }

    /** The messages in the "Chat messages" log, oldest first. */
    public List<ChatLine> chatMessages() {
        Object raw = browser.driver().executeScript("""
            const log = document.querySelector('[role="log"][aria-label="Chat messages"]');
            if (!log) return null;
            return Array.from(log.querySelectorAll('article.chat-message')).map(m => {
              const time = m.querySelector('time.chat-time');
              const text = m.querySelector('p.chat-text');
              return {
                sender: (m.querySelector('.chat-sender') || {}).textContent || '',
                dateTime: time ? time.getAttribute('datetime') || '' : '',
                timeText: time ? time.textContent : '',
                text: text ? text.textContent : '',
                elements: text ? Array.from(text.querySelectorAll('*')).map(e => e.tagName.toLowerCase()) : [],
                links: text ? Array.from(text.querySelectorAll('a')).map(a => ({href: a.getAttribute('href') || '',
                  rel: a.getAttribute('rel') || '', target: a.getAttribute('target') || '', text: a.textContent})) : []
              };
            });
            """);
        if (raw == null) {
            throw new AssertionError(label() + ": no role=log region named \"Chat messages\"");
        }
        List<ChatLine> lines = new ArrayList<>();
        for (Object o : (List<?>) raw) {
            Map<?, ?> m = (Map<?, ?>) o;
            List<Map<String, String>> links = new ArrayList<>();
            for (Object l : (List<?>) m.get("links")) {
                Map<String, String> link = new TreeMap<>();
                ((Map<?, ?>) l).forEach((k, v) -> link.put(String.valueOf(k), String.valueOf(v)));
                links.add(link);
            }
            lines.add(new ChatLine(String.valueOf(m.get("sender")), String.valueOf(m.get("dateTime")),
                String.valueOf(m.get("timeText")), String.valueOf(m.get("text")),
                ((List<?>) m.get("elements")).stream().map(String::valueOf).toList(), links));
        }
        return lines;
    }

    /** Waits until the chat log holds at least {@code count} messages, and returns them. */
    public List<ChatLine> awaitChatMessages(int count) {
        awaitTrue("at least " + count + " chat message(s) in the log", () -> chatMessages().size() >= count);
        return chatMessages();
    }

    /** Elements of a tag anywhere inside the chat log (e.g. "img" for an injected image). */
    public long chatLogElements(String tag) {
        return ((Number) browser.driver().executeScript(
            "const l = document.querySelector('[role=\"log\"][aria-label=\"Chat messages\"]'); return l ? l.getElementsByTagName(arguments[0]).length : -1",
            tag)).longValue();
    }

    /** Whether a displayed role=status element reads "Reconnecting…" (the page shows it while its signaling socket is down). */
    public boolean reconnectingShown() {
        return Boolean.TRUE.equals(browser.driver().executeScript("""
            return Array.from(document.querySelectorAll('[role="status"]')).some(el =>
              el.textContent.trim() === 'Reconnecting\u2026' && el.getClientRects().length > 0
              && getComputedStyle(el).visibility !== 'hidden');
            """));
    }

    /**
     * The unread badge on the Chat button: the number it shows when visible, or null when hidden or empty.
     * The number is drawn by CSS from data-count, so the button's visible text stays its name; a badge
     * whose number is plain text is read as well.
     */
    public String chatBadge() {
        Object text = browser.driver().executeScript("""
            const b = document.getElementById('chat-badge');
            if (!b || b.hidden || b.getClientRects().length === 0) return null;
            // The number is either the badge's text or drawn by CSS (::after { content: attr(data-count) }).
            const after = getComputedStyle(b, '::after').content;
            const drawn = after && after !== 'none' && after !== 'normal' ? after.replace(/^"|"$/g, '') : '';
            const shown = (b.textContent.trim() || drawn).trim();
            return shown ? shown : null;
            """);
        return text == null ? null : String.valueOf(text);
    }

    /** From now on, keeps every toast added to the aria-live region #toasts (they vanish after a few seconds). */
    public void recordToasts() {
        browser.driver().executeScript("""
            if (window.__toastLog) return;
            window.__toastLog = [];
            const region = document.getElementById('toasts');
            const seen = n => { if (n.nodeType === 1) window.__toastLog.push(n.textContent); };
            Array.from(region.children).forEach(seen);
            new MutationObserver(records => records.forEach(r => r.addedNodes.forEach(seen)))
              .observe(region, {childList: true});
            """);
    }

    /** Texts of every toast seen since {@link #recordToasts()}, oldest first. */
    public List<String> toasts() {
        Object raw = browser.driver().executeScript("return window.__toastLog || null");
        if (raw == null) {
            throw new AssertionError(label() + ": recordToasts() was not called on this page");
        }
        return ((List<?>) raw).stream().map(String::valueOf).toList();
    }

    /** Waits for a recorded toast that satisfies {@code ok}; returns its text. */
    public String awaitToast(String what, Predicate<String> ok) {
        try {
            awaitTrue("a toast " + what, () -> toasts().stream().anyMatch(ok));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; toasts seen: " + toasts(), e);
        }
        return toasts().stream().filter(ok).findFirst().orElseThrow();
    }

    /** The participant tile (role=group with a video) named {@code name}, e.g. "Bob" or "Alice (you)". */
    public WebElement tile(String name) {
        List<WebElement> found = browser.driver().findElements(By.xpath(
            "//*[@role='group'][@aria-label=" + literal(name) + "][.//video]"));
        if (found.size() != 1) {
            throw new AssertionError(label() + ": expected one tile named \"" + name + "\", found " + found.size()
                + "; tiles " + tileNames());
        }
        return found.get(0);
    }

    /** The CSS classes of a tile (state the UI shows: audio-off, no-video, hand-raised, presenting, spotlight…). */
    public Set<String> tileClasses(String name) {
        String cls = tile(name).getAttribute("class");
        return new TreeSet<>(List.of(cls == null ? new String[0] : cls.trim().split("\\s+")));
    }

    /** Whether a role=img with this accessible name (e.g. "Microphone off") is displayed inside the tile. */
    public boolean tileShowsImage(String tileName, String imageLabel) {
        return tile(tileName).findElements(By.xpath(".//*[@role='img'][@aria-label=" + literal(imageLabel) + "]"))
            .stream().anyMatch(WebElement::isDisplayed);
    }

    /** The tile's avatar placeholder text if it is displayed, else null. */
    public String tileAvatar(String tileName) {
        return tile(tileName).findElements(By.cssSelector(".avatar")).stream().filter(WebElement::isDisplayed)
            .map(WebElement::getText).findFirst().orElse(null);
    }

    /** The inbound streams that feed a remote tile's &lt;video&gt; and &lt;audio&gt; (null where none matches). */
    public record TileMedia(Browser.InboundSnapshot video, Browser.InboundSnapshot audio, long atNanos) {}

    public TileMedia tileMedia(String tileName) {
        Map<?, ?> ids = (Map<?, ?>) browser.driver().executeScript("""
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
        List<Browser.InboundSnapshot> inbound = browser.inbound();
        long at = System.nanoTime();
        Browser.InboundSnapshot video = inbound.stream()
            .filter(s -> s.kind().equals("video") && !s.trackId().isEmpty() && s.trackId().equals(ids.get("video")))
            .findFirst().orElse(null);
        Browser.InboundSnapshot audio = inbound.stream()
            .filter(s -> s.kind().equals("audio") && !s.trackId().isEmpty() && s.trackId().equals(ids.get("audio")))
            .findFirst().orElse(null);
        return new TileMedia(video, audio, at);
    }

    /** Waits until the tile labelled {@code tileName} is (or is no longer) highlighted as the active speaker. */
    public void awaitSpeaking(String tileName, boolean speaking) {
        await("the tile of " + tileName + (speaking ? "" : " not") + " highlighted as speaking", () -> Boolean.valueOf(speaking)
            .equals(browser.driver().executeScript("""
                const tile = Array.from(document.querySelectorAll('[role="group"][aria-label]'))
                  .find(el => el.getAttribute('aria-label') === arguments[0]);
                return tile ? tile.classList.contains('speaking') : null;
                """, tileName)));
    }

    /** What a remote tile's media did during one window: audio energy gained, video bytes and frames, last width. */
    public record MediaWindow(double seconds, double audioEnergy, long audioBytes, long videoBytes, long framesDecoded,
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

    /** Samples a remote tile's inbound media twice, {@code millis} apart. */
    public MediaWindow measureTile(String tileName, long millis) {
        TileMedia a = tileMedia(tileName);
        Browser.pause(millis);
        TileMedia b = tileMedia(tileName);
        if (a.video() == null || a.audio() == null || b.video() == null || b.audio() == null) {
            throw new AssertionError(label() + ": tile \"" + tileName + "\" is not fed by inbound audio and video: " + b
                + "; inbound " + browser.inbound());
        }
        return new MediaWindow((b.atNanos() - a.atNanos()) / 1e9,
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
    public MediaWindow awaitTileMedia(String tileName, String what, long millis, Predicate<MediaWindow> ok) {
        long deadline = System.nanoTime() + Browser.MEDIA_TIMEOUT.toNanos();
        List<MediaWindow> seen = new ArrayList<>();
        while (true) {
            MediaWindow w = measureTile(tileName, millis);
            if (ok.test(w)) {
                return w;
            }
            seen.add(w);
            if (System.nanoTime() > deadline) {
                throw new AssertionError(label() + ": tile \"" + tileName + "\": expected " + what + " within "
                    + Browser.MEDIA_TIMEOUT.toSeconds() + " s; windows measured: " + seen + "; page log " + browser.pageLog());
            }
        }
    }

    /** One row of the participants panel: the name shown and its state icons' accessible names. */
    public record Person(String name, Set<String> states) {}

    /** The rows of the list labelled "Participants list", in display order. */
    public List<Person> people() {
        Object raw = browser.driver().executeScript("""
            const list = document.querySelector('[aria-label="Participants list"]');
            if (!list) return null;
            return Array.from(list.querySelectorAll('li.person')).map(li => ({
              name: ((li.querySelector('.person-name') || {}).textContent || '').trim(),
              states: Array.from(li.querySelectorAll('[role="img"][aria-label]')).map(i => i.getAttribute('aria-label'))
            }));
            """);
        if (raw == null) {
            throw new AssertionError(label() + ": no list labelled \"Participants list\"");
        }
        List<Person> people = new ArrayList<>();
        for (Object o : (List<?>) raw) {
            Map<?, ?> m = (Map<?, ?>) o;
            people.add(new Person(String.valueOf(m.get("name")),
                new TreeSet<>(((List<?>) m.get("states")).stream().map(String::valueOf).toList())));
        }
        return people;
    }

    /** The visible text of the first displayed heading (h1–h3) that starts with {@code prefix}, or null. */
    public String heading(String prefix) {
        Object text = browser.driver().executeScript("""
            const h = Array.from(document.querySelectorAll('h1,h2,h3'))
              .find(h => h.textContent.trim().startsWith(arguments[0]) && h.getClientRects().length > 0);
            return h ? h.textContent.trim() : null;
            """, prefix);
        return text == null ? null : String.valueOf(text);
    }

    /** The in-call UI's state in one line (chat, badge, toasts, people, tiles), for failure diagnostics. */
    public String uiState() {
        if (browser.isClosed()) {
            return "(browser closed)";
        }
        try {
            Object raw = browser.driver().executeScript("""
                const q = s => document.querySelector(s);
                const log = q('[role="log"][aria-label="Chat messages"]');
                const input = q('#chat-input');
                return JSON.stringify({
                  chat: log ? Array.from(log.querySelectorAll('article')).map(a => a.textContent.trim().slice(0, 80)) : null,
                  chatInput: input ? input.value.slice(0, 80) : null,
                  badge: q('#chat-badge') ? (q('#chat-badge').hidden ? 'hidden' : q('#chat-badge').textContent) : null,
                  panels: Array.from(document.querySelectorAll('[data-panel]')).map(b => b.getAttribute('aria-label') + '=' + b.getAttribute('aria-pressed')),
                  toasts: window.__toastLog || Array.from((q('#toasts') || {children: []}).children).map(t => t.textContent),
                  people: Array.from(document.querySelectorAll('li.person')).map(li => li.textContent.trim() + ' ' +
                    Array.from(li.querySelectorAll('[role="img"]')).map(i => i.getAttribute('aria-label')).join('/')),
                  tiles: Array.from(document.querySelectorAll('[role="group"][aria-label]')).filter(t => t.querySelector('video'))
                    .map(t => t.getAttribute('aria-label') + ' [' + t.className + ']')
                });
                """);
            return String.valueOf(raw);
        } catch (RuntimeException e) {
            return "(ui state unavailable: " + e.getMessage().lines().findFirst().orElse("") + ")";
        }
    }

    // ---- finding controls by accessible name ----

    /** A text input or textarea whose accessible name is {@code name}. */
    public WebElement textField(String name) {
        String n = literal(name);
        String fields = "(self::input[not(@type) or @type='text' or @type='search' or @type='url' or @type='password'] or self::textarea)";
        String xpath = String.join(" | ",
            "//*[" + fields + "][@aria-label=" + n + "]",
            "//*[" + fields + "][@id = //label[normalize-space(.)=" + n + "]/@for]",
            "//label[normalize-space(.)=" + n + "]//*[" + fields + "]",
            "//*[" + fields + "][@aria-labelledby = //*[normalize-space(.)=" + n + "]/@id]",
            "//*[" + fields + "][not(@aria-label)][@placeholder=" + n + " or @title=" + n + "]");
        return visible(By.xpath(xpath), "text field named \"" + name + "\"");
    }

    /** A button (element, input button or role=button) whose accessible name is {@code name}. */
    public WebElement button(String name) {
        String n = literal(name);
        String named = "[@aria-label=" + n + " or (not(@aria-label) and normalize-space(.)=" + n + ")]";
        String xpath = String.join(" | ",
            "//button" + named,
            "//*[@role='button']" + named,
            "//input[@type='submit' or @type='button'][@aria-label=" + n + " or @value=" + n + "]");
        return visible(By.xpath(xpath), "button named \"" + name + "\"");
    }

    /** A visible checkbox by its accessible name: aria-label, or the text of the label around it or naming it. */
    public WebElement checkbox(String name) {
        String n = literal(name);
        String box = "input[@type='checkbox']";
        String xpath = String.join(" | ",
            "//" + box + "[@aria-label=" + n + "]",
            "//label[normalize-space(.)=" + n + "]//" + box,
            "//" + box + "[@id = //label[normalize-space(.)=" + n + "]/@for]");
        return visible(By.xpath(xpath), "checkbox named \"" + name + "\"");
    }

    private WebElement visible(By by, String what) {
        WebElement[] found = new WebElement[1];
        try {
            new WebDriverWait(browser.driver(), UI_TIMEOUT).ignoring(StaleElementReferenceException.class).until(d -> {
                for (WebElement e : d.findElements(by)) {
                    if (e.isDisplayed() && e.isEnabled()) {
                        found[0] = e;
                        return true;
                    }
                }
                return false;
            });
        } catch (TimeoutException e) {
            throw new AssertionError(label() + ": no visible, enabled " + what + " on " + browser.driver().getCurrentUrl()
                + " within " + UI_TIMEOUT.toSeconds() + " s. Named controls present: " + namedControls()
                + "; page log: " + browser.pageLog(), e);
        }
        return found[0];
    }

    /** What a screen reader would list, to make "control not found" failures self-explanatory. */
    private Object namedControls() {
        return browser.driver().executeScript("""
            return Array.from(document.querySelectorAll('button,input,textarea,a,[role],label')).map(e =>
              e.tagName.toLowerCase() + (e.getAttribute('role') ? '[role=' + e.getAttribute('role') + ']' : '')
              + ' "' + (e.getAttribute('aria-label') || (e.labels && e.labels[0] && e.labels[0].textContent.trim())
                        || e.getAttribute('placeholder') || e.value || e.textContent.trim()).slice(0, 40) + '"');
            """);
    }

    private void awaitPath(Predicate<String> ok, String what) {
        await(what, () -> ok.test(path()));
    }

    private void await(String what, BooleanSupplier condition) {
        await(what, UI_TIMEOUT, condition);
    }

    private void await(String what, Duration timeout, BooleanSupplier condition) {
        try {
            new WebDriverWait(browser.driver(), timeout).pollingEvery(Duration.ofMillis(100))
                .ignoring(StaleElementReferenceException.class)
                .until(d -> condition.getAsBoolean());
        } catch (TimeoutException e) {
            throw new AssertionError(label() + ": timed out after " + timeout.toSeconds() + " s waiting for " + what
                + "; url " + browser.driver().getCurrentUrl() + "; tiles " + tileNames() + "; page log " + browser.pageLog(), e);
        }
    }

    /** XPath string literal for any text, including text containing both quote kinds. */
    static String literal(String s) {
        if (!s.contains("'")) {
            return "'" + s + "'";
        }
        if (!s.contains("\"")) {
            return "\"" + s + "\"";
        }
        return "concat('" + s.replace("'", "', \"'\", '") + "')";
    }
}
