package dev.parley.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/** The in-call chat as a user sees it: the "Chat" panel, its "Chat messages" log and the unread badge. */
public final class MeetingChat {
    private final MeetingPage page;

    MeetingChat(MeetingPage page) {
        this.page = page;
    }

    /** One chat message as shown: sender, time, text, and what the text turned into in the DOM. */
    public record Line(String sender, String dateTime, String timeText, String text,
                       List<String> elementsInText, List<Map<String, String>> links) {}

    /** Opens the chat panel and waits for its heading. */
    public void open() {
        page.openPanel("Chat");
        page.awaitTrue("chat heading \"In-call messages\"", () -> Boolean.TRUE.equals(page.browser().driver().executeScript(
            "return Array.from(document.querySelectorAll('h1,h2,h3')).some(h => h.textContent.trim() === 'In-call messages' && h.getClientRects().length > 0)")));
    }

    /** Types a message into "Send a message" and presses Enter. */
    public void send(String text) {
        page.textField("Send a message").sendKeys(text, Keys.ENTER);
    }

    /**
     * Puts text into "Send a message" by script, past the field's maxlength (as a modified client could),
     * then presses "Send": for testing what the server accepts.
     */
    public void sendBypassingField(String text) {
        WebElement field = page.textField("Send a message");
        page.browser().driver().executeScript("arguments[0].value = arguments[1]", field, text);
        page.click("Send");
    }

    /** The messages in the "Chat messages" log, oldest first. */
    public List<Line> messages() {
        Object raw = page.browser().driver().executeScript("""
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
            throw new AssertionError(page.label() + ": no role=log region named \"Chat messages\"");
        }
        List<Line> lines = new ArrayList<>();
        for (Object o : (List<?>) raw) {
            Map<?, ?> m = (Map<?, ?>) o;
            List<Map<String, String>> links = new ArrayList<>();
            for (Object l : (List<?>) m.get("links")) {
                Map<String, String> link = new TreeMap<>();
                ((Map<?, ?>) l).forEach((k, v) -> link.put(String.valueOf(k), String.valueOf(v)));
                links.add(link);
            }
            lines.add(new Line(String.valueOf(m.get("sender")), String.valueOf(m.get("dateTime")),
                String.valueOf(m.get("timeText")), String.valueOf(m.get("text")),
                ((List<?>) m.get("elements")).stream().map(String::valueOf).toList(), links));
        }
        return lines;
    }

    /** Waits until the chat log holds at least {@code count} messages, and returns them. */
    public List<Line> awaitMessages(int count) {
        page.awaitTrue("at least " + count + " chat message(s) in the log", () -> messages().size() >= count);
        return messages();
    }

    /** Elements of a tag anywhere inside the chat log (e.g. "img" for an injected image). */
    public long logElements(String tag) {
        return ((Number) page.browser().driver().executeScript(
            "const l = document.querySelector('[role=\"log\"][aria-label=\"Chat messages\"]'); return l ? l.getElementsByTagName(arguments[0]).length : -1",
            tag)).longValue();
    }

    /**
     * The unread badge on the Chat button: the number it shows when visible, or null when hidden or empty.
     * The number is drawn by CSS from data-count, so the button's visible text stays its name; a badge
     * whose number is plain text is read as well.
     */
    public String badge() {
        Object text = page.browser().driver().executeScript("""
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
}
