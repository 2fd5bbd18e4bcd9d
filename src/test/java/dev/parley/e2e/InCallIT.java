package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import dev.parley.e2e.MeetingPage.Person;
import org.junit.jupiter.api.Test;

/**
 * The in-call features that are about people rather than media: the participants panel with live
 * microphone state, raised hands, reactions and the meeting link, each seen from the other page.
 * Chat is in {@link ChatIT}; microphone, camera and screen share in {@link MediaControlsIT}.
 */
class InCallIT extends BrowserTest {

    private static final List<String> REACTIONS = List.of("👍", "❤️", "😂", "🎉", "👏", "😮");

    @Test
    void participantsPanelListsEveryoneWithLiveMicrophoneState() {
        List<MeetingPage> pages = Calls.joinCall(baseUrl, browsers, "Alice", "Bob");
        MeetingPage alice = pages.get(0), bob = pages.get(1);

        alice.openPanel("Participants");
        alice.awaitTrue("heading \"Participants (2)\"", () -> "Participants (2)".equals(alice.heading("Participants")));
        alice.awaitTrue("both people, microphones on", () -> alice.people().equals(List.of(
            new Person("Alice (you)", Set.of("Host", "Microphone on", "Camera on")),
            new Person("Bob", Set.of("Microphone on", "Camera on")))));

        bob.click("Mute microphone");
        bob.awaitToggle("Unmute microphone", true);
        // The open panel updates by itself.
        alice.awaitTrue("Bob's microphone shown off in Alice's open panel", () -> alice.people().equals(List.of(
            new Person("Alice (you)", Set.of("Host", "Microphone on", "Camera on")),
            new Person("Bob", Set.of("Microphone off", "Camera on")))));
        assertThat(alice.ariaPressed("Participants")).isEqualTo("true");

        bob.openPanel("Participants");
        bob.awaitTrue("Bob's own panel", () -> bob.people().equals(List.of(
            new Person("Bob (you)", Set.of("Microphone off", "Camera on")),
            new Person("Alice", Set.of("Host", "Microphone on", "Camera on")))));

        bob.click("Unmute microphone");
        bob.awaitToggle("Mute microphone", false);
        alice.awaitTrue("Bob's microphone back on in Alice's panel", () -> alice.people().stream()
            .anyMatch(p -> p.name().equals("Bob") && p.states().contains("Microphone on")));

        alice.click("Participants");
        alice.awaitToggle("Participants", false);
        assertThat(alice.heading("Participants")).as("participants panel heading after closing it").isNull();
    }

    @Test
    void raisedHandAndReactionsReachTheOtherPage() {
        List<MeetingPage> pages = Calls.joinCall(baseUrl, browsers, "Alice", "Bob");
        MeetingPage alice = pages.get(0), bob = pages.get(1);
        alice.recordToasts();
        bob.recordToasts();
        assertThat(alice.browser().driver().executeScript(
            "const t = document.getElementById('toasts'); return t && t.getAttribute('role') + ' ' + t.getAttribute('aria-live')"))
            .as("toast region's role and aria-live").isEqualTo("status polite");

        // Hand: toast, tile and participants panel on Alice's page.
        bob.click("Raise hand");
        bob.awaitToggle("Lower hand", true);
        alice.awaitToast("\"Bob raised a hand\"", t -> t.contains("Bob") && t.toLowerCase().contains("hand"));
        alice.awaitTrue("Bob's tile showing a raised hand", () ->
            alice.tileClasses("Bob").contains("hand-raised") && alice.tileShowsImage("Bob", "Hand raised"));
        alice.openPanel("Participants");
        alice.awaitTrue("\"Hand raised\" next to Bob in the panel", () -> alice.people().stream()
            .anyMatch(p -> p.name().equals("Bob") && p.states().contains("Hand raised")));
        assertThat(alice.tileClasses("Alice (you)")).doesNotContain("hand-raised");

        bob.click("Lower hand");
        bob.awaitToggle("Raise hand", false);
        alice.awaitTrue("the hand gone from Bob's tile and the panel", () -> !alice.tileClasses("Bob").contains("hand-raised")
            && !alice.tileShowsImage("Bob", "Hand raised")
            && alice.people().stream().noneMatch(p -> p.states().contains("Hand raised")));

        // Reactions: a menu of six named buttons; one click makes a toast for the others.
        assertThat(bob.button("Send a reaction").getAttribute("aria-expanded")).isEqualTo("false");
        bob.click("Send a reaction");
        assertThat(bob.button("Send a reaction").getAttribute("aria-expanded")).isEqualTo("true");
        assertThat(bob.browser().driver().executeScript("""
            const g = Array.from(document.querySelectorAll('[role="group"][aria-label="Reactions"]')).find(e => e.getClientRects().length);
            return g ? Array.from(g.querySelectorAll('button')).map(b => b.getAttribute('aria-label')) : null;
            """)).as("buttons in the visible \"Reactions\" group")
            .isEqualTo(REACTIONS.stream().map(e -> "React with " + e).toList());
        bob.click("React with 🎉");
        String reaction = alice.awaitToast("of Bob's 🎉 reaction", t -> t.contains("Bob") && t.contains("🎉"));
        System.out.println("[reaction] toast on Alice's page: " + reaction);
        bob.awaitToast("of his own reaction", t -> t.contains("🎉"));
        bob.click("React with ❤️");
        alice.awaitToast("of Bob's ❤️ reaction", t -> t.contains("Bob") && t.contains("❤️"));

        // The meeting link: copied, or shown when the clipboard is not available.
        String room = alice.browser().driver().getCurrentUrl();
        alice.click("Copy meeting link");
        String copied = alice.awaitToast("about the meeting link",
            t -> t.equals("Meeting link copied") || t.equals("Share this link: " + room));
        System.out.println("[link] toast: " + copied);
    }
}
