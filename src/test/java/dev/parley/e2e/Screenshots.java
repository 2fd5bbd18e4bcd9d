package dev.parley.e2e;

import dev.parley.Parley;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;

/**
 * Not a test: takes the screenshots in docs/ of a three-person call, with the chat open, at desktop
 * and phone sizes. Run it with the test classpath: {@code java -cp ... dev.parley.e2e.Screenshots DIR}.
 */
public final class Screenshots {
    private Screenshots() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/screenshots");
        Files.createDirectories(out);
        List<Browser> browsers = new ArrayList<>();
        try (Parley server = Parley.start(new String[] {"--port", "0", "--host", "127.0.0.1", "--data-dir", dev.parley.support.TestServer.DATA_DIR})) {
            String base = "http://127.0.0.1:" + server.port();
            Browser first = Browser.launch("ada");
            browsers.add(first);
            MeetingPage ada = new MeetingPage(first, base).openLanding();
            shot(first, out.resolve("landing.png"));
            first.driver().manage().window().setSize(new Dimension(390, 844));
            Thread.sleep(500);
            shot(first, out.resolve("landing-phone.png"));
            first.driver().manage().window().setSize(new Dimension(1280, 800));
            String room = ada.createMeeting();
            ada.awaitLocalPreview();
            ada.enterName("Ada Lovelace");
            shot(first, out.resolve("prejoin.png"));
            ada.joinAs("Ada Lovelace");
            for (String name : new String[] {"Grace Hopper", "Linus"}) {
                Browser b = Browser.launch(name.split(" ")[0].toLowerCase());
                browsers.add(b);
                new MeetingPage(b, base).openRoom(room).joinAs(name);
            }
            first.awaitRemoteMediaFlowing(2);
            Browser grace = browsers.get(1);
            MeetingPage gracePage = new MeetingPage(grace, base);
            gracePage.button("Chat").click();
            gracePage.textField("Send a message").sendKeys("Hi all! Agenda: https://example.org/agenda\n");
            new MeetingPage(browsers.get(2), base).button("Mute microphone").click();
            ada.button("Chat").click();
            ada.textField("Send a message").sendKeys("Welcome, <b>everyone</b> 👋\n");
            Thread.sleep(2500);
            shot(first, out.resolve("call-desktop.png"));
            ada.button("Participants").click();
            Thread.sleep(800);
            shot(first, out.resolve("call-participants.png"));
            ada.button("Chat").click();
            Thread.sleep(500);
            first.driver().manage().window().setSize(new Dimension(390, 844));
            Thread.sleep(800);
            shot(first, out.resolve("call-phone-chat.png"));
            ada.button("Close chat").click();
            Thread.sleep(800);
            shot(first, out.resolve("call-phone.png"));
        } finally {
            browsers.forEach(Browser::close);
        }
    }

    private static void shot(Browser browser, Path file) throws Exception {
        Files.write(file, browser.driver().getScreenshotAs(OutputType.BYTES));
        System.out.println("wrote " + file);
    }
}
