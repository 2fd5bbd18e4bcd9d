package dev.parley.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * One headless Chromium with fake camera and microphone, observed the way an outsider would:
 * an init script records every RTCPeerConnection the page creates, and getStats() tells us what
 * actually arrives. Nothing here knows about Parley's own JavaScript.
 */
public final class Browser implements AutoCloseable {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    /** Makes the headless screen, and so what getDisplayMedia() captures, 1280x720 (the default is 800x600). */
    public static final String SCREEN_1280x720 = "--screen-info={1280x720}";

    /** How long media conditions may take before we call it a failure (measured worst case is ~4 s). */
    static final Duration MEDIA_TIMEOUT = Duration.ofSeconds(20);
    /** Window between two getStats() samples; long enough for several beeps' worth of energy. */
    private static final long SAMPLE_WINDOW_MS = 1500;
    /** The fake mic yields ~0.25/s of totalAudioEnergy; silence yields ~0. */
    private static final double MIN_ENERGY_GROWTH = 0.05;

    /**
     * Runs before any page script: records peer connections, page errors, and (on request) the
     * time from a "join" mark to the first decoded video frame on each connection.
     */
    private static final String PROBE = """
        (() => {
          if (window.__pcs) return;
          window.__pcs = [];
          window.__log = [];
          const note = (level, args) => {
            try { window.__log.push(level + ' ' + Array.from(args).map(String).join(' ')); } catch (e) {}
            if (window.__log.length > 200) window.__log.shift();
          };
          for (const level of ['error', 'warn']) {
            const orig = console[level].bind(console);
            console[level] = (...a) => { note(level, a); orig(...a); };
          }
          window.addEventListener('error', e => note('uncaught', [e.message]));
          window.addEventListener('unhandledrejection', e => note('unhandledrejection', [e.reason]));
          const Orig = window.RTCPeerConnection;
          if (!Orig) return;
          // A subclass keeps prototype methods, statics (generateCertificate) and instanceof intact.
          class RTCPeerConnection extends Orig {
            constructor(...args) { super(...args); window.__pcs.push(this); }
          }
          window.RTCPeerConnection = RTCPeerConnection;
          if (window.webkitRTCPeerConnection) window.webkitRTCPeerConnection = RTCPeerConnection;

          const videoFrames = async pc => {
            let frames = 0;
            (await pc.getStats()).forEach(s => {
              if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded || 0;
            });
            return frames;
          };
          window.__probe = {
            t0: null, epoch0: null, firsts: {}, timer: null,
            markJoin() {
              this.stop();
              this.t0 = performance.now();
              // Epoch time is comparable across browsers on one machine; performance.now() is not.
              this.epoch0 = performance.timeOrigin + this.t0;
              this.firsts = {};
              let busy = false;
              this.timer = setInterval(async () => {
                if (busy) return;
                if (performance.now() - this.t0 > 60000) { this.stop(); return; }
                busy = true;
                try {
                  const pcs = window.__pcs;
                  for (let i = 0; i < pcs.length; i++) {
                    if (i in this.firsts || pcs[i].connectionState === 'closed') continue;
                    if (await videoFrames(pcs[i]) > 0) this.firsts[i] = performance.now() - this.t0;
                  }
                } finally { busy = false; }
              }, 50);
            },
            firstFrames() { return Object.values(this.firsts).sort((a, b) => a - b); },
            stop() { if (this.timer) clearInterval(this.timer); this.timer = null; }
          };
        })();
        """;

    private static final String STATS = """
        const done = arguments[arguments.length - 1];
        const pcs = window.__pcs || [];
        Promise.all(pcs.map(async (pc, index) => {
          if (pc.connectionState === 'closed' || pc.signalingState === 'closed') return null;
          const inbound = [];
          (await pc.getStats()).forEach(s => {
            if (s.type !== 'inbound-rtp') return;
            inbound.push({kind: s.kind, trackId: s.trackIdentifier || '', ssrc: s.ssrc || 0,
              framesDecoded: s.framesDecoded || 0, frameWidth: s.frameWidth || 0,
              bytesReceived: s.bytesReceived || 0, totalAudioEnergy: s.totalAudioEnergy || 0});
          });
          return {index, state: pc.connectionState, inbound};
        })).then(all => done(all.filter(x => x)), e => done('getStats failed: ' + e));
        """;

    /** One inbound-rtp stream on one open peer connection. */
    public record InboundSnapshot(int pc, String connectionState, String kind, String trackId, long ssrc,
                                  long framesDecoded, long frameWidth, long bytesReceived, double totalAudioEnergy) {}

    /** One peer connection that is not closed, with its inbound streams. */
    public record PcSnapshot(int index, String state, List<InboundSnapshot> inbound) {
        long framesDecoded() {
            return inbound.stream().filter(s -> s.kind().equals("video")).mapToLong(InboundSnapshot::framesDecoded).sum();
        }

        double audioEnergy() {
            return inbound.stream().filter(s -> s.kind().equals("audio")).mapToDouble(InboundSnapshot::totalAudioEnergy).sum();
        }
    }

    private final String label;
    private final Path profile;
    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private boolean closed;

    private Browser(String label, Path profile, ChromeDriverService service, ChromeDriver driver) {
        this.label = label;
        this.profile = profile;
        this.service = service;
        this.driver = driver;
    }

    /** Skips locally when Chromium is absent, but fails on CI so a missing browser never passes silently. */
    public static void requireChromium() {
        List<String> missing = Stream.of(CHROMIUM, CHROMEDRIVER).filter(p -> !Files.isExecutable(p)).map(Path::toString).toList();
        if (missing.isEmpty()) {
            return;
        }
        String message = "Browser tests need " + missing + "; install with: apt-get install -y chromium chromium-driver";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(message + " (CI=true, so this is a failure, not a skip)");
        }
        Assumptions.abort(message);
    }

    /** Each browser gets its own fake voice; see {@link FakeMicrophone}. */
    private static final java.util.concurrent.atomic.AtomicInteger VOICES = new java.util.concurrent.atomic.AtomicInteger();

    public static Browser launch(String label) {
        return launch(label, new String[0]);
    }

    /**
     * Like {@link #launch(String)}, with extra Chromium switches. For example {@link #SCREEN_1280x720}, since
     * getDisplayMedia() captures the headless "monitor", which is 800x600 unless told otherwise.
     */
    public static Browser launch(String label, String... extraArguments) {
        requireChromium();
        // Selenium's CDP version mismatch warning is harmless noise on every launch.
        Logger.getLogger("org.openqa.selenium").setLevel(Level.SEVERE);
        Path profile;
        try {
            profile = Files.createTempDirectory("parley-e2e-" + label + "-");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create Chromium profile dir", e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments(
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            "--allow-loopback-in-peer-connection", "--autoplay-policy=no-user-gesture-required",
            "--window-size=1280,800", "--user-data-dir=" + profile,
            FakeMicrophone.flag(VOICES.getAndIncrement()));
        options.addArguments(extraArguments);
        // An explicit driver path keeps Selenium Manager (which downloads) out of the picture.
        ChromeDriverService service = new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
        ChromeDriver driver;
        try {
            driver = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            service.stop();
            deleteQuietly(profile);
            throw e;
        }
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", PROBE));
        return new Browser(label, profile, service, driver);
    }

    public String label() {
        return label;
    }

    public ChromeDriver driver() {
        return driver;
    }

    public boolean isClosed() {
        return closed;
    }

    public void open(String url) {
        driver.get(url);
    }

    /** Every peer connection on the current page that is not closed. */
    public List<PcSnapshot> peerConnections() {
        Object raw = driver.executeAsyncScript(STATS);
        if (!(raw instanceof List<?> list)) {
            throw new IllegalStateException(label + ": stats script returned " + raw);
        }
        List<PcSnapshot> result = new ArrayList<>();
        for (Object o : list) {
            Map<?, ?> pc = (Map<?, ?>) o;
            int index = num(pc.get("index")).intValue();
            String state = String.valueOf(pc.get("state"));
            List<InboundSnapshot> inbound = new ArrayList<>();
            for (Object s : (List<?>) pc.get("inbound")) {
                Map<?, ?> m = (Map<?, ?>) s;
                inbound.add(new InboundSnapshot(index, state, String.valueOf(m.get("kind")), String.valueOf(m.get("trackId")),
                    num(m.get("ssrc")).longValue(), num(m.get("framesDecoded")).longValue(), num(m.get("frameWidth")).longValue(),
                    num(m.get("bytesReceived")).longValue(), num(m.get("totalAudioEnergy")).doubleValue()));
            }
            result.add(new PcSnapshot(index, state, List.copyOf(inbound)));
        }
        return result;
    }

    /** All inbound-rtp streams on open connections. */
    public List<InboundSnapshot> inbound() {
        return peerConnections().stream().flatMap(pc -> pc.inbound().stream()).toList();
    }

    /** How many RTCPeerConnections the current page has created since it loaded, closed ones included. */
    public long createdPeerConnections() {
        return num(driver.executeScript("return (window.__pcs || []).length")).longValue();
    }

    /** The connectionState of every RTCPeerConnection the current page created, closed ones included, oldest first. */
    public List<String> peerConnectionStates() {
        Object raw = driver.executeScript("return (window.__pcs || []).map(pc => pc.connectionState)");
        return ((List<?>) raw).stream().map(String::valueOf).toList();
    }

    /**
     * Waits until at least {@code expectedPeers} open connections are "connected" and, between two
     * samples {@value #SAMPLE_WINDOW_MS} ms apart, each decodes more video frames and gains audio energy.
     */
    public List<PcSnapshot> awaitRemoteMediaFlowing(int expectedPeers) {
        long deadline = System.nanoTime() + MEDIA_TIMEOUT.toNanos();
        List<PcSnapshot> before = peerConnections();
        while (true) {
            pause(SAMPLE_WINDOW_MS);
            List<PcSnapshot> after = peerConnections();
            List<Integer> flowing = flowingConnections(before, after);
            if (flowing.size() >= expectedPeers) {
                return after;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(label + ": expected media flowing from " + expectedPeers
                    + " peer(s) within " + MEDIA_TIMEOUT.toSeconds() + " s, flowing on pcs " + flowing
                    + "\n  before: " + before + "\n  after:  " + after + "\n  page log: " + pageLog());
            }
            before = after;
        }
    }

    /** Indexes of connected pcs whose video frames and audio energy both grew from one sample to the next. */
    static List<Integer> flowingConnections(List<PcSnapshot> before, List<PcSnapshot> after) {
        List<Integer> flowing = new ArrayList<>();
        for (PcSnapshot now : after) {
            PcSnapshot then = before.stream().filter(p -> p.index() == now.index()).findFirst().orElse(null);
            if (then == null || !now.state().equals("connected")) {
                continue;
            }
            boolean video = now.framesDecoded() > then.framesDecoded();
            boolean audio = now.audioEnergy() - then.audioEnergy() > MIN_ENERGY_GROWTH;
            if (video && audio) {
                flowing.add(now.index());
            }
        }
        return flowing;
    }

    /** Waits until every open connection is "connected" (none stuck in new/connecting/failed), and there are n of them. */
    public void awaitAllConnected(int n) {
        long deadline = System.nanoTime() + MEDIA_TIMEOUT.toNanos();
        List<PcSnapshot> pcs;
        while (true) {
            pcs = peerConnections();
            if (pcs.size() == n && pcs.stream().allMatch(pc -> pc.state().equals("connected"))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(label + ": expected exactly " + n + " open peer connection(s), all connected; got "
                    + pcs.stream().map(pc -> "#" + pc.index() + "=" + pc.state()).toList() + "\n  page log: " + pageLog());
            }
            pause(200);
        }
    }

    /** Starts the in-page watch used by {@link #awaitFirstFrames}; call right before clicking "join". */
    public void markJoin() {
        driver.executeScript("window.__probe && window.__probe.markJoin()");
    }

    /**
     * Milliseconds (page clock) from {@link #markJoin()} until {@code peers} distinct connections had each
     * decoded a video frame. Resolution is the 50 ms in-page polling interval.
     */
    public double awaitFirstFrames(int peers) {
        long deadline = System.nanoTime() + MEDIA_TIMEOUT.toNanos();
        while (true) {
            List<?> firsts = (List<?>) driver.executeScript("return window.__probe ? window.__probe.firstFrames() : []");
            if (firsts.size() >= peers) {
                driver.executeScript("window.__probe.stop()");
                return num(firsts.get(peers - 1)).doubleValue();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(label + ": only " + firsts.size() + " of " + peers
                    + " connections decoded a frame after join; pcs: " + peerConnections());
            }
            pause(100);
        }
    }

    /** Wall-clock time (epoch ms) of the last {@link #markJoin()}, to line up several browsers. */
    public double joinMarkEpochMillis() {
        return num(driver.executeScript("return window.__probe ? window.__probe.epoch0 : 0")).doubleValue();
    }

    /** Adds a script that runs before any page script in every document loaded from now on. */
    public void addInitScript(String source) {
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", source));
    }

    /** Errors and warnings the page printed, for failure messages. */
    public List<String> pageLog() {
        if (closed) {
            return List.of();
        }
        try {
            Object log = driver.executeScript("return window.__log || []");
            return ((List<?>) log).stream().map(String::valueOf).toList();
        } catch (RuntimeException e) {
            return List.of("(page log unavailable: " + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    /** Prints what a person debugging a failure would want: URL, connections, page errors. */
    public void dumpDiagnostics() {
        if (closed) {
            return;
        }
        try {
            System.out.println("[" + label + "] url=" + driver.getCurrentUrl());
            System.out.println("[" + label + "] pcs=" + peerConnections());
        } catch (RuntimeException e) {
            System.out.println("[" + label + "] diagnostics failed: " + e.getMessage().lines().findFirst().orElse(""));
        }
        System.out.println("[" + label + "] page log=" + pageLog());
    }

    /** Quits Chromium (like closing the tab without pressing Leave) and removes its profile. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            driver.quit();
        } catch (RuntimeException e) {
            System.out.println("[" + label + "] quit failed: " + e.getMessage());
        } finally {
            service.stop();
            deleteQuietly(profile);
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static Number num(Object o) {
        return o instanceof Number n ? n : 0;
    }

    private static void deleteQuietly(Path dir) {
        // Chromium may still be flushing files as it exits, so retry briefly; leftovers in /tmp are harmless.
        for (int attempt = 0; attempt < 5 && Files.exists(dir); attempt++) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                pause(200);
            }
        }
    }
}
