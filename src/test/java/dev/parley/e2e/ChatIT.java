package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.parley.e2e.MeetingChat.Line;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;

/**
 * In-call chat between real Chromium pages: delivery with names and times, text-only rendering of
 * hostile input, safe links, the unread badge, the server's length and rate limits (errors reach the
 * sender only), and history for late joiners. Everything is read from the DOM by accessible names.
 */
class ChatIT extends BrowserTest {

    private static final String XSS = "<img src=x onerror=alert(1)>";

    /**
     * Counts calls to window.alert, confirm and print-like dialogs in {@code window.__dialogs}, still letting
     * them open, so a test can tell "a script tried" from "nothing ran". Applies from the next page load on.
     */
    private static final String DIALOG_COUNTER = """
        (() => {
          if (window.__dialogs !== undefined) return;
          window.__dialogs = 0;
          for (const name of ['alert', 'confirm', 'prompt']) {
            const orig = window[name];
            window[name] = function (...args) { window.__dialogs++; return orig.apply(this, args); };
          }
        })();
        """;

    @Test
    void messagesArriveWithNamesRenderAsTextAndLimitsReachOnlyTheSender() {
        List<MeetingPage> pages = Calls.joinCall(baseUrl, browsers, name -> {
            Browser browser = Browser.launch(name);
            browser.addInitScript(DIALOG_COUNTER); // from the next page load on
            return browser;
        }, "Alice", "Bob");
        MeetingPage alice = pages.get(0), bob = pages.get(1);
        alice.recordToasts();
        bob.recordToasts();

        // Delivery, and the unread badge while Bob's panel is closed.
        alice.chat().open();
        assertThat(bob.chat().badge()).as("Bob's unread badge before any message").isNull();
        Instant sentAt = Instant.now();
        alice.chat().send("Hello Bob, can you hear me?");
        bob.awaitTrue("unread badge \"1\" on Bob's closed Chat button", () -> "1".equals(bob.chat().badge()));
        assertThat(bob.ariaPressed("Chat")).isEqualTo("false");
        // The log is in the closed panel, so a notice shows (and screen readers say) who wrote what.
        bob.awaitToast("a notice with the message", "Alice: Hello Bob, can you hear me?"::equals);
        assertThat(alice.toasts()).as("Alice's notices: none of her own message").noneMatch(t -> t.contains("Hello Bob"));
        bob.chat().open();
        bob.awaitTrue("the unread badge to clear once the chat is open", () -> bob.chat().badge() == null);

        Line hello = last(bob.chat().awaitMessages(1));
        assertThat(hello.sender()).isEqualTo("Alice");
        assertThat(hello.text()).isEqualTo("Hello Bob, can you hear me?");
        assertThat(hello.timeText()).as("visible time of the message").isNotBlank();
        assertThat(Duration.between(sentAt, Instant.parse(hello.dateTime())).abs())
            .as("the message's <time datetime> (%s) is the time it was sent", hello.dateTime())
            .isLessThan(Duration.ofMinutes(1));
        assertThat(last(alice.chat().awaitMessages(1)).sender()).as("own message, on the sender's page").isEqualTo("Alice (you)");

        bob.chat().send("Loud and clear.");
        alice.awaitTrue("Bob's reply on Alice's page", () -> last(alice.chat().messages()).text().equals("Loud and clear."));
        assertThat(last(alice.chat().messages()).sender()).isEqualTo("Bob");

        // Hostile markup is text: nothing is parsed, nothing runs, on either page.
        alice.chat().send(XSS);
        Line xss = awaitLast(bob, XSS);
        assertThat(xss.elementsInText()).as("elements created from the message text").isEmpty();
        awaitLast(alice, XSS);
        for (MeetingPage page : pages) {
            assertThat(page.chat().logElements("img")).as("%s: <img> elements in the chat log", page.label()).isZero();
            assertThat(dialogCalls(page)).as("%s: alert/confirm/prompt calls", page.label()).isZero();
            assertThatThrownBy(() -> page.browser().driver().switchTo().alert())
                .as("%s: an open dialog", page.label()).isInstanceOf(NoAlertPresentException.class);
        }

        // http(s) links become safe anchors; a javascript: "link" stays text.
        alice.chat().send("Agenda: https://example.org/agenda?day=1, notes at http://intranet.example/notes.");
        Line links = awaitLast(bob, "Agenda: https://example.org/agenda?day=1, notes at http://intranet.example/notes.");
        assertThat(links.links()).as("anchors in the message").hasSize(2);
        assertThat(links.links()).extracting(l -> l.get("href"))
            .containsExactly("https://example.org/agenda?day=1", "http://intranet.example/notes");
        for (Map<String, String> link : links.links()) {
            assertThat(link.get("rel").split(" ")).as("rel of %s", link).contains("noopener", "noreferrer");
        }
        String js = "Try javascript:alert(document.domain) or JavaScript:void(0)";
        alice.chat().send(js);
        Line jsLine = awaitLast(bob, js);
        assertThat(jsLine.links()).as("anchors made from a javascript: URL").isEmpty();
        assertThat(jsLine.elementsInText()).isEmpty();

        // Too long (2,001 characters, past the field's own maxlength): an error toast for Alice only.
        int before = bob.chat().messages().size();
        alice.chat().sendBypassingField("x".repeat(2001));
        String error = alice.awaitToast("saying the message is too long",
            t -> t.toLowerCase().contains("longer than 2000") || t.toLowerCase().contains("too long"));
        System.out.println("[chat] too-long error toast on the sender: " + error);
        // Exactly 2,000 is allowed. It also marks the end: what the server sent Bob before it has arrived.
        String limit = "y".repeat(2000);
        alice.chat().sendBypassingField(limit);
        awaitLast(bob, limit);
        awaitLast(alice, limit);
        assertThat(bob.chat().messages()).as("Bob's messages after the refused one and the 2,000-character one")
            .hasSize(before + 1).noneMatch(m -> m.text().length() > 2000);
        assertThat(alice.chat().messages()).noneMatch(m -> m.text().length() > 2000);
        assertThat(bob.toasts()).as("toasts on the receiver").noneMatch(ChatIT::looksLikeError);

        // Too fast: a burst of 15 goes past the allowance; what is held back reaches nobody, the notice only Alice.
        WebElement field = alice.textField("Send a message");
        alice.browser().driver().executeScript("""
            for (let i = 1; i <= 15; i++) { arguments[0].value = 'burst ' + i; arguments[0].form.requestSubmit(); }
            """, field);
        String tooFast = alice.awaitToast("saying she sends too fast", t -> t.toLowerCase().contains("too fast"));
        System.out.println("[chat] rate-limit toast on the sender: " + tooFast);
        // Nothing typed is lost: what could not go yet stays in the box, and one notice says why, not one per try.
        assertThat(field.getDomProperty("value")).as("the message that could not go, still in the box").isEqualTo("burst 15");
        assertThat(alice.browser().driver().executeScript(
            "return Array.from(document.getElementById('toasts').children).filter(t => t.textContent === arguments[0]).length",
            tooFast)).as("\"too fast\" notices on screen at once").isEqualTo(1L);
        field.clear();
        // Once the allowance refills, one more message gets through and closes the burst on both pages.
        alice.awaitTrue("a message accepted again after the burst", () -> {
            if (alice.chat().messages().stream().anyMatch(m -> m.text().equals("after the burst"))) {
                return true;
            }
            alice.chat().send("after the burst");
            Browser.pause(1000);
            return false;
        });
        awaitLast(bob, "after the burst");
        List<String> aliceBurst = burst(alice.chat().messages());
        List<String> bobBurst = burst(bob.chat().messages());
        System.out.printf("[chat] burst of 15: %d accepted (%s)%n", aliceBurst.size(), aliceBurst);
        assertThat(aliceBurst).as("accepted burst messages").isNotEmpty().hasSizeLessThan(15);
        assertThat(bobBurst).as("burst messages Bob received = the ones accepted").isEqualTo(aliceBurst);
        assertThat(bob.toasts()).as("toasts on the receiver").noneMatch(ChatIT::looksLikeError);
    }

    @Test
    void lateJoinerSeesEarlierMessagesInOrder() {
        List<MeetingPage> pages = Calls.joinCall(baseUrl, browsers, "Alice", "Bob");
        MeetingPage alice = pages.get(0), bob = pages.get(1);
        alice.chat().open();
        bob.chat().open();
        // Each waits for the previous message, so the server's order is the order written here.
        alice.chat().send("First, from Alice");
        awaitLast(bob, "First, from Alice");
        bob.chat().send("Second, from Bob: https://example.org/doc");
        awaitLast(alice, "Second, from Bob: https://example.org/doc");
        alice.chat().send("Third, " + XSS);
        awaitLast(bob, "Third, " + XSS);

        MeetingPage carol = Calls.joinLate(baseUrl, browsers, alice, "Carol", "Alice", "Bob");
        carol.chat().open();
        List<Line> history = carol.chat().awaitMessages(3);
        assertThat(history).extracting(Line::sender, Line::text).containsExactly(
            tuple("Alice", "First, from Alice"),
            tuple("Bob", "Second, from Bob: https://example.org/doc"),
            tuple("Alice", "Third, " + XSS));
        assertThat(history).allSatisfy(m -> assertThat(m.timeText()).isNotBlank());
        assertThat(history.stream().map(m -> Instant.parse(m.dateTime())).toList()).as("history times").isSorted();
        assertThat(history.get(1).links()).extracting(l -> l.get("href")).containsExactly("https://example.org/doc");
        assertThat(carol.chat().logElements("img")).as("<img> elements in Carol's chat log").isZero();

        // And the late joiner takes part live.
        carol.chat().send("Sorry I'm late");
        Line seen = awaitLast(alice, "Sorry I'm late");
        assertThat(seen.sender()).isEqualTo("Carol");
        assertThat(awaitLast(bob, "Sorry I'm late").sender()).isEqualTo("Carol");
    }

    // ---- helpers ----

    private static Line last(List<Line> lines) {
        assertThat(lines).isNotEmpty();
        return lines.get(lines.size() - 1);
    }

    /** Waits until the newest message on the page has exactly this text. */
    private static Line awaitLast(MeetingPage page, String text) {
        page.awaitTrue("newest chat message \"" + abbreviate(text) + "\"", () -> {
            List<Line> lines = page.chat().messages();
            return !lines.isEmpty() && lines.get(lines.size() - 1).text().equals(text);
        });
        return last(page.chat().messages());
    }

    private static List<String> burst(List<Line> lines) {
        return lines.stream().map(Line::text).filter(t -> t.startsWith("burst ")).toList();
    }

    private static boolean looksLikeError(String toast) {
        String t = toast.toLowerCase();
        return t.contains("too long") || t.contains("longer than") || t.contains("too fast") || t.contains("error");
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 30) + "…(" + s.length() + " chars)" : s;
    }

    /** How many alert/confirm/prompt calls the page made (-1: the counter was not installed). */
    private static long dialogCalls(MeetingPage page) {
        return ((Number) page.browser().driver().executeScript(
            "return window.__dialogs === undefined ? -1 : window.__dialogs")).longValue();
    }
}
