package dev.parley.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Mesh against SFU with real browsers, side by side in one run: for each camera size and call size N,
 * a mesh room and an SFU room (Janus started by Parley) in turn. Per setup: N pages join at once (time
 * from the first click until every page decodes video from every other), then 8 s of steady state
 * (received frames per second; CPU of Parley, of Janus and of the rest of the machine, which is the
 * browsers), then the last page leaves and joins again (the late joiner's time to see everyone).
 * Compiled by bench/run against the e2e harness. Usage: {@code SfuBench 4,6,8 320x240,640x480 [mesh,sfu]}.
 */
public final class SfuBench {
    private static final long STEADY_MS = 8000;
    private static final Duration JOIN_LIMIT = Duration.ofSeconds(45);

    record Result(String mode, int n, String size, double allMs, double lateMs, double fpsMin, double fpsMedian,
                  double parleyCores, double janusCores, double restCores) {}

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        List<Integer> sizes = List.of(args.length > 0 ? args[0] : "4,6,8").stream()
                .flatMap(s -> List.of(s.split(",")).stream()).map(Integer::parseInt).toList();
        List<String> cameras = List.of((args.length > 1 ? args[1] : "320x240,640x480").split(","));
        List<String> modes = List.of((args.length > 2 ? args[2] : "mesh,sfu").split(","));
        Path work = Path.of(System.getProperty("bench.work"));
        List<Result> results = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (String camera : cameras) {
            int w = Integer.parseInt(camera.split("x")[0]);
            int h = Integer.parseInt(camera.split("x")[1]);
            List<Browser> browsers = new ArrayList<>();
            try {
                int max = sizes.stream().mapToInt(Integer::intValue).max().orElse(4);
                for (int i = 0; i < max; i++) {
                    Browser browser = Browser.launch("bench-" + i, FakeCamera.flag(w, h));
                    if (!Boolean.parseBoolean(System.getProperty("bench.audio", "true"))) {
                        browser.addInitScript(SfuPageScripts.NO_MICROPHONE);
                    }
                    browsers.add(browser);
                }
                for (int n : sizes) {
                    for (String mode : modes) {
                        try {
                            Result r = oneSetup(work, mode, browsers.subList(0, n), camera);
                            results.add(r);
                            System.err.println("  " + r);
                        } catch (Exception | AssertionError e) {
                            // One setup the machine could not carry must not lose the rows already measured.
                            System.err.println("  " + mode + " N=" + n + " " + camera + " failed: " + e);
                            failures.add("| " + camera + " | " + n + " | " + mode + " | not measured: " + e.getClass().getSimpleName()
                                    + " (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ") |");
                        }
                    }
                }
            } finally {
                browsers.forEach(Browser::close);
            }
        }
        System.out.println();
        System.out.println("### Mesh against SFU (Janus), real browsers on this machine");
        System.out.println();
        System.out.println("N pages with a fake camera of the given size. *All at once*: from the first \"Join now\" click (in-page time) until every page "
                + "shows a decoded frame in every other person's tile. *Late joiner*: the last page leaves and joins again; from "
                + "its click until it shows everyone. fps: received frames per second per remote video over " + STEADY_MS / 1000 + " s (lowest "
                + "page-stream, and median). Cores: CPU time over the same 8 s; *rest* is the whole machine minus Parley and Janus, "
                + "i.e. the browsers.");
        System.out.println();
        System.out.println("| camera | N | mode | all at once | late joiner | fps min / median | Parley cores | Janus cores | rest (browsers) cores |");
        System.out.println("|---|---:|---|---:|---:|---:|---:|---:|---:|");
        for (Result r : results) {
            System.out.printf("| %s | %d | %s | %s | %s | %.1f / %.1f | %.3f | %s | %.2f |%n", r.size(), r.n(), r.mode(), ms(r.allMs()),
                    ms(r.lateMs()), r.fpsMin(), r.fpsMedian(), r.parleyCores(), r.mode().equals("sfu")
                            ? String.format("%.3f", r.janusCores()) : "–", r.restCores());
        }
        failures.forEach(System.out::println);
    }

    private static Result oneSetup(Path work, String mode, List<Browser> browsers, String camera) throws Exception {
        int n = browsers.size();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        // e.g. -Dbench.parley.jvm=-Dlogback.configurationFile=debug.xml
        String jvm = System.getProperty("bench.parley.jvm", "");
        if (!jvm.isBlank()) {
            command.addAll(List.of(jvm.trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("bench.parley.cp"), "dev.parley.Parley", "--port", String.valueOf(port),
                "--host", "127.0.0.1", "--data-dir", work.resolve("data-sfu").toString(), "--media-mode", mode));
        if (mode.equals("sfu")) {
            command.add("--sfu");
        }
        Process server = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve("logs").resolve("parley-sfu-bench.log").toFile()).start();
        String base = "http://127.0.0.1:" + port;
        try {
            awaitUp(base, mode.equals("sfu"), work);
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
                pages.add(page);
            }
            for (MeetingPage page : pages) {
                page.browser().driver().executeScript(SfuPageScripts.WATCH, n - 1);
            }
            for (int i = 0; i < n; i++) {
                pages.get(i).enterName("P" + i);
            }
            for (int i = 0; i < n; i++) {
                pages.get(i).joinNowButton().click();
            }
            double all = awaitEveryone(pages) - clicks(pages, true);
            // -Dbench.talkers=K: all but the first K mute their microphone, as in most meetings (default: everyone talks).
            for (MeetingPage page : pages.subList(Math.min(n, Integer.getInteger("bench.talkers", n)), n)) {
                page.click("Mute microphone");
            }

            long parley = server.pid();
            Optional<Long> janus = server.toHandle().descendants().filter(p -> p.info().command().orElse("").endsWith("janus"))
                    .map(ProcessHandle::pid).findFirst();
            for (MeetingPage page : pages) {
                page.browser().driver().executeScript(SfuPageScripts.FPS_START, STEADY_MS);
            }
            long[] cpu0 = {BrowserCpu.machineTicks(), BrowserCpu.processTicks(parley), janus.map(BrowserCpu::processTicks).orElse(0L)};
            long t0 = System.nanoTime();
            // Each split over its own window: reading every thread of every browser takes a while on a loaded machine.
            Map<String, Long> kinds0 = BrowserCpu.byProcessType();
            long k0 = System.nanoTime();
            Map<String, Long> threads0 = BrowserCpu.byThread();
            long th0 = System.nanoTime();
            Thread.sleep(STEADY_MS);
            long[] cpu1 = {BrowserCpu.machineTicks(), BrowserCpu.processTicks(parley), janus.map(BrowserCpu::processTicks).orElse(0L)};
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Long> kinds1 = BrowserCpu.byProcessType();
            double kindSeconds = (System.nanoTime() - k0) / 1e9;
            Map<String, Long> threads1 = BrowserCpu.byThread();
            double threadSeconds = (System.nanoTime() - th0) / 1e9;
            StringBuilder byKind = new StringBuilder();
            kinds1.forEach((kind, ticks) -> byKind.append(String.format(" %s=%.2f", kind,
                    (ticks - kinds0.getOrDefault(kind, 0L)) / 100.0 / kindSeconds)));
            StringBuilder byThread = new StringBuilder();
            threads1.entrySet().stream().map(e -> Map.entry(e.getKey(), (e.getValue() - threads0.getOrDefault(e.getKey(), 0L)) / 100.0 / threadSeconds))
                    .filter(e -> e.getValue() >= 0.01).sorted(Map.Entry.comparingByValue(java.util.Comparator.reverseOrder()))
                    .forEach(e -> byThread.append(String.format("%n    %.2f  %s", e.getValue(), e.getKey())));
            System.err.println("  browser cores by process type (" + mode + ", N=" + n + ", " + camera + "):" + byKind);
            System.err.println("  browser cores by thread, 0.01 and up:" + byThread);
            List<Double> fps = new ArrayList<>();
            List<Double> byStats = new ArrayList<>();
            // Per second of each page's window: key frames decoded, PLIs and NACKs sent, frames dropped (per
            // received video); PLIs and FIRs received, key frames encoded, resolution changes (per sending page);
            // speaker highlight moves (per page).
            double[] received = new double[4];
            double[] sent = new double[9];
            double moves = 0;
            StringBuilder perPage = new StringBuilder();
            for (MeetingPage page : pages) {
                Map<?, ?> measured = (Map<?, ?>) page.browser().driver().executeAsyncScript(SfuPageScripts.FPS_COLLECT);
                double window = ((Number) measured.get("seconds")).doubleValue();
                moves += ((Number) measured.get("moves")).doubleValue() / window;
                double[] own = new double[9];
                addPerSecond(own, (List<?>) measured.get("sent"), 0, window);
                double lowest = Double.MAX_VALUE;
                for (Object o : (List<?>) measured.get("videos")) {
                    List<?> v = (List<?>) o;
                    double frames = ((Number) v.get(0)).doubleValue();
                    fps.add(frames / (((Number) v.get(1)).doubleValue() / 1000));
                    lowest = Math.min(lowest, fps.getLast());
                    byStats.add(frames / (((Number) v.get(2)).doubleValue() / 1000));
                    addPerSecond(received, v, 3, window);
                }
                for (int i = 0; i < sent.length; i++) {
                    sent[i] += own[i];
                }
                // Whether a slow stream is its sender's doing (few frames encoded) or its receiver's.
                perPage.append(String.format("%n    %s: camera %.1f fps, encoded %.1f fps (limited by CPU %.0f%%, by bandwidth %.0f%% of"
                        + " the time) at %.0f kbit/s (encoder's target %.0f, path estimate %.0f); receives %.1f fps at the lowest",
                        page.label(), own[7], own[4], own[5] * 100, own[6] * 100, own[8] * 8 / 1000,
                        ((Number) measured.get("target")).doubleValue() / 1000, ((Number) measured.get("estimate")).doubleValue() / 1000, lowest));
            }
            System.err.println("  per page:" + perPage);
            byStats.sort(Double::compare);
            double videos = Math.max(1, fps.size());
            System.err.printf("  speaker highlight changes per page per second: %.2f%n", moves / n);
            System.err.printf("  per sending page per second: %.2f PLIs and %.2f FIRs received, %.2f key frames encoded, %.2f resolution changes%n",
                    sent[0] / n, sent[1] / n, sent[2] / n, sent[3] / n);
            // Signs of overload feeding on itself: receivers asking for key frames and retransmissions.
            System.err.printf("  per received video per second: %.2f key frames, %.2f PLIs, %.2f NACKs, %.2f frames dropped%n",
                    received[0] / videos, received[1] / videos, received[2] / videos, received[3] / videos);
            System.err.printf("  fps by the stats' own timestamps: lowest %.1f, median %.1f%n", byStats.isEmpty() ? 0 : byStats.get(0),
                    byStats.isEmpty() ? 0 : byStats.get(byStats.size() / 2));
            fps.sort(Double::compare);
            double hz = 100.0; // USER_HZ on Linux
            double parleyCores = (cpu1[1] - cpu0[1]) / hz / seconds;
            double janusCores = (cpu1[2] - cpu0[2]) / hz / seconds;
            double restCores = (cpu1[0] - cpu0[0]) / hz / seconds - parleyCores - janusCores;

            MeetingPage last = pages.get(n - 1);
            last.browser().open("about:blank");
            Thread.sleep(3000);
            last.openRoom(room);
            last.awaitLocalPreview();
            last.browser().driver().executeScript(SfuPageScripts.WATCH, n - 1);
            last.enterName("P" + (n - 1));
            last.joinNowButton().click();
            double late = awaitEveryone(List.of(last)) - clicks(List.of(last), true);
            System.err.println("  the late joiner's timeline, ms after its click:" + timeline(last));
            for (MeetingPage page : pages) {
                page.browser().open("about:blank");
            }
            Thread.sleep(1000);
            return new Result(mode, n, camera, all, late, fps.isEmpty() ? 0 : fps.get(0),
                    fps.isEmpty() ? 0 : fps.get(fps.size() / 2), parleyCores, janusCores, restCores);
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    /** Epoch ms when the last page had decoded everyone, or NaN past the limit. */
    private static double awaitEveryone(List<MeetingPage> pages) throws InterruptedException {
        long deadline = System.nanoTime() + JOIN_LIMIT.toNanos();
        double latest = 0;
        for (MeetingPage page : pages) {
            while (true) {
                Object at = page.browser().driver().executeScript("return window.__seen && window.__seen.at");
                if (at instanceof Number t) {
                    latest = Math.max(latest, t.doubleValue());
                    break;
                }
                if (System.nanoTime() > deadline) {
                    return Double.NaN;
                }
                Thread.sleep(100);
            }
        }
        return latest;
    }

    /** The earliest (or latest) in-page click time, epoch ms. */
    private static double clicks(List<MeetingPage> pages, boolean earliest) {
        // A click the page never registered (it was too busy to run the listener) leaves no time: NaN.
        return pages.stream().mapToDouble(p -> p.browser().driver().executeScript("return window.__seen.clicked")
                instanceof Number t ? t.doubleValue() : Double.NaN)
            .reduce(earliest ? Math::min : Math::max).orElseThrow();
    }

    /** The page's trace (see {@link SfuPageScripts#WATCH}) from its click on, one line per step. */
    private static String timeline(MeetingPage page) {
        Object clicked = page.browser().driver().executeScript("return window.__seen.clicked");
        if (!(clicked instanceof Number click)) {
            return " (no click registered)";
        }
        StringBuilder out = new StringBuilder();
        for (Object o : (List<?>) page.browser().driver().executeScript("return window.__trace.slice().sort((a, b) => a[0] - b[0])")) {
            List<?> step = (List<?>) o;
            double at = ((Number) step.get(0)).doubleValue() - click.doubleValue();
            if (at >= 0) {
                out.append(String.format("%n    %6.0f  %s", at, step.get(1)));
            }
        }
        return out.toString();
    }

    /** Adds {@code counts[from…]}, divided by the window's seconds, to {@code totals}. */
    private static void addPerSecond(double[] totals, List<?> counts, int from, double seconds) {
        for (int i = 0; i < totals.length; i++) {
            totals[i] += ((Number) counts.get(from + i)).doubleValue() / seconds;
        }
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "> " + JOIN_LIMIT.toSeconds() + " s" : String.format("%,.0f ms", v);
    }

    private static void awaitUp(String base, boolean sfu, Path work) throws InterruptedException, IOException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        Path log = work.resolve("logs").resolve("parley-sfu-bench.log");
        while (System.nanoTime() < deadline) {
            try {
                boolean up = http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                if (up && (!sfu || (Files.exists(log) && Files.readString(log).contains("connected to Janus")))) {
                    Thread.sleep(500); // the admin session follows the connection
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(200);
        }
        throw new IOException("Parley did not start at " + base);
    }
}
