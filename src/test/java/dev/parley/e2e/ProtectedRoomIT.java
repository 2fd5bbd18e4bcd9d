package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** Room passwords and the host's removal of a participant, in real Chromium, through the UI. */
class ProtectedRoomIT extends BrowserTest {

    private MeetingPage page(String name) {
        Browser browser = Browser.launch(name.toLowerCase());
        browsers.add(browser);
        return new MeetingPage(browser, baseUrl);
    }

    @Test
    void aWrongPasswordIsRefusedAndTheRightOneAdmits() {
        MeetingPage host = page("Host").openLanding();
        host.browser().driver().findElement(By.tagName("summary")).click();
        host.textField("Meeting password").sendKeys("correct horse");
        String room = host.createMeeting();
        assertThat(room).doesNotContain("#host=");
        host.awaitLocalPreview();
        host.joinAs("Host");

        MeetingPage guest = page("Guest").openRoom(room);
        guest.awaitLocalPreview();
        guest.enterName("Guest");
        // The pre-join screen asks for the password before any join is refused.
        WebElement password = guest.textField("Meeting password");
        guest.click("Join now");
        guest.awaitTrue("the page asks for the password", () -> guest.browser().driver()
                .findElement(By.id("join-error")).getText().contains("needs a password"));
        password.sendKeys("battery staple");
        guest.click("Join now");
        guest.awaitTrue("the wrong password is refused", () -> guest.browser().driver()
                .findElement(By.id("join-error")).getText().contains("not right"));
        assertThat(host.remoteTileNames()).isEmpty();

        password.clear();
        password.sendKeys("correct horse");
        guest.click("Join now");
        guest.awaitJoined("Guest");
        guest.awaitRemoteTiles("Host");
        host.awaitRemoteTiles("Guest");
        guest.browser().awaitRemoteMediaFlowing(1);
    }

    @Test
    void theHostRemovesAParticipantEverywhere() {
        List<MeetingPage> pages = Calls.joinCall(baseUrl, browsers, "Hosting", "Alice", "Mallory");
        MeetingPage host = pages.get(0);
        MeetingPage alice = pages.get(1);
        MeetingPage mallory = pages.get(2);

        alice.openPanel("Participants");
        assertThat(alice.browser().driver().findElements(By.cssSelector("[aria-label='Remove Mallory']"))).isEmpty();

        host.openPanel("Participants");
        host.recordToasts();
        alice.recordToasts();
        host.click("Remove Mallory");
        // Without accounts, only a lock keeps her from coming back through the link; the host is told so.
        host.awaitToast("pointing to the lock", t -> t.contains("Removed Mallory") && t.contains("Lock the meeting"));

        mallory.awaitTrue("Mallory sees that she was removed", () -> mallory.browser().driver()
                .findElement(By.id("ended-title")).getText().contains("removed"));
        assertThat(mallory.browser().driver().findElement(By.id("ended-detail")).getText())
                .as("no promise the server does not keep").doesNotContain("can't rejoin");
        alice.awaitToast("that Mallory was removed, not that she left", "Mallory was removed from the meeting"::equals);
        host.awaitRemoteTiles("Alice");
        alice.awaitRemoteTiles("Hosting");
        assertThat(host.remoteTileNames()).containsExactly("Alice");
        assertThat(alice.remoteTileNames()).containsExactly("Hosting");
        host.browser().awaitRemoteMediaFlowing(1);
    }

    @Test
    void aLockedMeetingSaysSoBeforeTheJoinAndAdmitsOnceUnlocked() {
        List<MeetingPage> pages = Calls.joinCall(baseUrl, browsers, "Hosting", "Alice");
        MeetingPage host = pages.get(0);
        host.openPanel("Participants");
        host.click("Lock meeting");
        host.awaitTrue("the lock is on", () -> "true".equals(host.ariaPressed("Unlock meeting")));

        MeetingPage late = page("Late").openRoom(host.browser().driver().getCurrentUrl());
        late.awaitLocalPreview();
        late.enterName("Late");
        WebElement notice = late.browser().driver().findElement(By.id("lock-notice"));
        late.awaitTrue("the pre-join screen says the meeting is locked", notice::isDisplayed);
        assertThat(notice.getText()).contains("locked");
        late.click("Join now");
        late.awaitTrue("the join is refused, the button usable again", () -> late.joinNowButton().isEnabled());
        assertThat(late.browser().driver().findElement(By.id("join-error")).getText()).as("the refusal, said (role=alert)")
            .contains("locked");
        assertThat(notice.isDisplayed()).as("the refusal leaves the notice up").isTrue();
        assertThat(host.remoteTileNames()).containsExactly("Alice");

        host.click("Unlock meeting");
        host.awaitTrue("the lock is off", () -> "false".equals(host.ariaPressed("Lock meeting")));
        // The page asks again on its own; nobody reloads it. The status region says so.
        late.awaitTrue("the notice says the meeting is open again", () -> notice.getText().contains("no longer locked"));
        assertThat(late.browser().driver().findElement(By.id("join-error")).getText()).as("the old refusal gone").isEmpty();
        late.click("Join now");
        late.awaitJoined("Late");
        host.awaitRemoteTiles("Alice", "Late");
        late.awaitRemoteTiles("Hosting", "Alice");
    }
}
