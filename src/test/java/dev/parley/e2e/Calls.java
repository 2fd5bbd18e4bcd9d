package dev.parley.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Whole calls for scenario tests: several browsers, each a person, joined into one meeting through the UI. */
public final class Calls {
    private Calls() {}

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
            pages.get(i).awaitRemoteTiles(MeetingPage.IN_CALL_TIMEOUT, others.toArray(String[]::new));
        }
        for (MeetingPage page : pages) {
            page.browser().awaitRemoteMediaFlowing(names.length - 1);
        }
        return pages;
    }

    /**
     * Launches one browser per name and clicks "Join now" on each in turn, without waiting for media:
     * the first creates the meeting with "New meeting", the others open its link ({@link MeetingPage#path()} of the
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

    /**
     * One more person, in a browser of their own, joins the meeting {@code present} is in, and waits
     * until they see everyone in {@code others}.
     */
    public static MeetingPage joinLate(String baseUrl, List<Browser> opened, MeetingPage present, String name,
                                       String... others) {
        Browser browser = Browser.launch(name);
        opened.add(browser);
        MeetingPage page = new MeetingPage(browser, baseUrl).openRoom(present.browser().driver().getCurrentUrl());
        page.awaitLocalPreview();
        page.joinAs(name);
        page.awaitRemoteTiles(MeetingPage.IN_CALL_TIMEOUT, others);
        return page;
    }

    public static List<MeetingPage> joinCall(String baseUrl, List<Browser> opened, String... names) {
        return joinCall(baseUrl, opened, Browser::launch, names);
    }
}
