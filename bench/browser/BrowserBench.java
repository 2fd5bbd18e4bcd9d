package dev.parley.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Real browsers: time from "Join now" to the first decoded remote video frame, for calls of 2 and 3
 * participants, as the median of N runs after one warm-up run. Reuses the e2e harness as is (Browser,
 * MeetingPage: headless Chromium with fake camera and microphone, the in-page probe that polls getStats
 * every 50 ms); bench/run compiles this file against the test classes of its Parley snapshot.
 *
 * <p>Participants join one after another, as in CallIT; the figure is the last joiner's, whose page has
 * to do everything after the click: join, offer to each participant, ICE, DTLS, first frame. Parley runs
 * as its own process, built like the other bench servers. Usage: {@code BrowserBench RUNS}.
 */
public final class BrowserBench {
    private static final String[] NAMES = {"Alice", "Bob", "Carol"};

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path work = Path.of(System.getProperty("bench.work"));
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("bench.parley.cp"), "dev.parley.Parley", "--port", String.valueOf(port),
                "--host", "127.0.0.1", "--data-dir", work.resolve("data").toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("logs").resolve("parley-browser.log").toFile()).start();
        String base = "http://127.0.0.1:" + port;
        List<Browser> browsers = new ArrayList<>();
        try {
            awaitUp(base);
            for (String name : NAMES) {
                browsers.add(Browser.launch("bench-" + name));
            }
            System.out.println();
            System.out.println("### Real browsers: join to first remote frame (headless Chromium, fake camera)");
            System.out.println();
            System.out.println("Last joiner's page, from its \"Join now\" click (in-page mark) to a decoded video frame; "
                    + "one warm-up run, then " + runs + " runs; the in-page probe polls getStats() every 50 ms.");
            System.out.println();
            System.out.println("| participants | first remote frame, per run | median | frames from every peer, per run | median | whole call ready after the last click, median | goal (first frame) |");
            System.out.println("|---:|---|---:|---|---:|---:|---:|");
            for (int n = 2; n <= 3; n++) {
                List<Double> first = new ArrayList<>();
                List<Double> all = new ArrayList<>();
                List<Double> call = new ArrayList<>();
                for (int run = 0; run <= runs; run++) {
                    double[] r = oneCall(base, browsers.subList(0, n));
                    if (run > 0) {
                        first.add(r[0]);
                        all.add(r[1]);
                        call.add(r[2]);
                    }
                    System.err.printf("  %d participants, %s: first %.0f ms, all %.0f ms, call %.0f ms%n", n,
                            run == 0 ? "warm-up" : "run " + run, r[0], r[1], r[2]);
                }
                System.out.printf("| %d | %s | %.0f ms | %s | %.0f ms | %.0f ms | %s |%n", n, list(first), median(first), list(all),
                        median(all), median(call), n == 2 ? "≤ 750 ms" : "≤ 1,000 ms");
            }
        } finally {
            browsers.forEach(Browser::close);
            server.destroy();
            server.waitFor();
        }
    }

    /** One call: returns {last joiner's first remote frame, its frames from all, whole call ready after the last click}. */
    private static double[] oneCall(String base, List<Browser> browsers) {
        int n = browsers.size();
        List<MeetingPage> pages = new ArrayList<>();
        String room = null;
        for (int i = 0; i < n; i++) {
            MeetingPage page = new MeetingPage(browsers.get(i), base);
            if (room == null) {
                room = page.openLanding().createMeeting();
            } else {
                page.openRoom(room);
            }
            page.awaitLocalPreview();
            page.joinAs(NAMES[i]);
            pages.add(page);
        }
        double lastClick = 0;
        double ready = 0;
        double lastAll = 0;
        for (MeetingPage page : pages) {
            Browser b = page.browser();
            double mark = b.joinMarkEpochMillis();
            double ms = b.awaitFirstFrames(n - 1);
            lastClick = Math.max(lastClick, mark);
            ready = Math.max(ready, mark + ms);
            lastAll = ms;
        }
        Browser last = pages.get(n - 1).browser();
        List<?> firsts = (List<?>) last.driver().executeScript("return window.__probe.firstFrames()");
        double first = ((Number) firsts.get(0)).doubleValue();
        for (Browser b : browsers) {
            b.open("about:blank"); // leaves the call: the socket closes and the server removes the participant
        }
        Browser.pause(500);
        return new double[] {first, lastAll, ready - lastClick};
    }

    private static String list(List<Double> values) {
        return String.join(" / ", values.stream().map(v -> String.format("%.0f", v)).toList());
    }

    private static double median(List<Double> values) {
        List<Double> v = values.stream().sorted().toList();
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    private static void awaitUp(String base) throws InterruptedException, IOException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                Thread.sleep(200);
            }
        }
        throw new IOException("Parley did not start at " + base);
    }
}
