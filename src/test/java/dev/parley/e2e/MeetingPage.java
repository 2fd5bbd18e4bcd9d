package dev.parley.e2e;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
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

    /** The chat panel of this page. */
    public MeetingChat chat() {
        return new MeetingChat(this);
    }

    /** Whether a displayed role=status element reads "Reconnecting…" (the page shows it while its signaling socket is down). */
    public boolean reconnectingShown() {
        return Boolean.TRUE.equals(browser.driver().executeScript("""
            return Array.from(document.querySelectorAll('[role="status"]')).some(el =>
              el.textContent.trim() === 'Reconnecting\u2026' && el.getClientRects().length > 0
              && getComputedStyle(el).visibility !== 'hidden');
            """));
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
            "//*[@role='group'][@aria-label=" + AccessibleNames.literal(name) + "][.//video]"));
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
        return tile(tileName).findElements(By.xpath(".//*[@role='img'][@aria-label=" + AccessibleNames.literal(imageLabel) + "]"))
            .stream().anyMatch(WebElement::isDisplayed);
    }

    /** The tile's avatar placeholder text if it is displayed, else null. */
    public String tileAvatar(String tileName) {
        return tile(tileName).findElements(By.cssSelector(".avatar")).stream().filter(WebElement::isDisplayed)
            .map(WebElement::getText).findFirst().orElse(null);
    }

    /** The media that reaches a remote tile, read from getStats. */
    public TileMedia media(String tileName) {
        return new TileMedia(this, tileName);
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
        return AccessibleNames.textField(browser, name, UI_TIMEOUT);
    }

    /** A button (element, input button or role=button) whose accessible name is {@code name}. */
    public WebElement button(String name) {
        return AccessibleNames.button(browser, name, UI_TIMEOUT);
    }

    /** A visible checkbox by its accessible name: aria-label, or the text of the label around it or naming it. */
    public WebElement checkbox(String name) {
        return AccessibleNames.checkbox(browser, name, UI_TIMEOUT);
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
}
