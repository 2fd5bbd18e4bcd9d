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
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
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

    /** The pre-join screen's local preview is a video element with a live camera stream. */
    public void awaitLocalPreview() {
        await("a playing local preview <video> on the pre-join screen", () -> Boolean.TRUE.equals(browser.driver().executeScript(
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

    // ---- finding controls by accessible name ----

    /** A text input or textarea whose accessible name is {@code name}. */
    public WebElement textField(String name) {
        String n = literal(name);
        String fields = "(self::input[not(@type) or @type='text' or @type='search' or @type='url'] or self::textarea)";
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
