package dev.parley;

import dev.parley.config.ParleyConfig;
import dev.parley.http.Pages;
import dev.parley.ice.IceServers;
import dev.parley.http.SecurityHeaders;
import dev.parley.http.TlsSetup;
import dev.parley.http.WebRoutes;
import dev.parley.peerjs.PeerJsEndpoint;
import dev.parley.peerjs.PeerJsService;
import dev.parley.room.RoomRegistry;
import dev.parley.room.RoomSettingsStore;
import dev.parley.security.ServerSecret;
import dev.parley.metrics.EndpointMetrics;
import dev.parley.metrics.Metrics;
import dev.parley.signaling.AdmissionControl;
import dev.parley.signaling.ErrorCode;
import dev.parley.signaling.MessageCodec;
import dev.parley.signaling.ResumeTokens;
import dev.parley.signaling.SignalingEndpoint;
import dev.parley.signaling.RoomMedia;
import dev.parley.signaling.SignalingService;
import dev.parley.sfu.SfuCoordinator;
import java.util.Optional;
import io.javalin.Javalin;
import io.javalin.util.JavalinBindException;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.session.NullSessionCache;
import org.eclipse.jetty.session.NullSessionDataStore;
import io.javalin.http.staticfiles.Location;
import java.io.UncheckedIOException;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the server together and runs it. */
public final class Parley implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Parley.class);

    /** How long a shutdown may take before open connections are cut. */
    private static final long STOP_TIMEOUT_MILLIS = 3000;
    /** Protected rooms remembered across restarts; the oldest are forgotten first. */
    private static final int MAX_STORED_ROOMS = 50_000;
    /** How often locked rooms are checked for a host (HostlessLocks). */
    private static final long HOSTLESS_LOCK_CHECK_SECONDS = 5;

    private final Javalin app;
    private final ScheduledExecutorService heartbeats;
    private final RoomRegistry rooms;
    private final SignalingService signaling;
    private final Optional<SfuCoordinator> sfu;

    private Parley(Javalin app, ScheduledExecutorService heartbeats, RoomRegistry rooms, SignalingService signaling,
            Optional<SfuCoordinator> sfu) {
        this.app = app;
        this.heartbeats = heartbeats;
        this.rooms = rooms;
        this.signaling = signaling;
        this.sfu = sfu;
    }

    public static void main(String[] args) {
        ParleyConfig config;
        Parley parley;
        try {
            config = ParleyConfig.parse(args, System.getenv());
        } catch (ParleyConfig.HelpRequested e) {
            System.out.println(ParleyConfig.help());
            return;
        } catch (IllegalArgumentException e) {
            System.err.println("parley: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            parley = start(config);
        } catch (JavalinBindException e) {
            // A busy port (or a --host this machine does not have) is an everyday slip: said plainly, no stack trace.
            // Javalin says "Port already in use" for any bind failure; the cause tells which it was.
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            String why = root.getMessage() != null ? root.getMessage() : e.getMessage();
            System.err.printf("parley: cannot listen on %s (%s). Choose another port, or a --host of this machine.%n",
                    listening(config), why);
            System.exit(1);
            return;
        } catch (UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            // A certificate, key, data folder or rooms file that cannot be used: one line that names it.
            System.err.println("parley: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(parley::close, "parley-shutdown"));
    }

    /** Runs {@code task} every {@code millis}; a failure is logged and the next run still comes. */
    private static void every(ScheduledExecutorService executor, long millis, String what, Runnable task) {
        executor.scheduleAtFixedRate(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("{} failed", what, e);
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Where the server was asked to listen, for a refusal: the port, and the redirect port if any. */
    private static String listening(ParleyConfig config) {
        String address = config.http().host() + ":" + config.http().port();
        return config.tls().redirectPort().map(p -> address + " or port " + p).orElse(address);
    }

    /** Starts a server from command-line arguments; {@code --port 0} picks a free port. */
    public static Parley start(String[] args) {
        return start(ParleyConfig.parse(args, System.getenv()));
    }

    public static Parley start(ParleyConfig config) {
        Metrics metrics = new Metrics();
        AtomicInteger boundPort = new AtomicInteger(config.http().port());
        RoomSettingsStore roomSettings = new RoomSettingsStore(config.dataDir(), MAX_STORED_ROOMS);
        RoomRegistry rooms = new RoomRegistry(config.signaling().chatHistorySize(), config.access().maxRooms());
        ResumeTokens tokens = new ResumeTokens(ServerSecret.load(config.dataDir()), InstantSource.system(),
                config.signaling().resumeTokenLifetime(), config.dataDir().resolve("used-resume-tokens"));
        EndpointMetrics wsMetrics = metrics.endpoint("ws", Set.copyOf(MessageCodec.wireTypes()),
                Arrays.stream(ErrorCode.values()).map(ErrorCode::wire).collect(Collectors.toSet()));
        ScheduledExecutorService heartbeats = Executors.newScheduledThreadPool(1,
                Thread.ofPlatform().name("parley-heartbeats").daemon().factory());
        Optional<SfuCoordinator> sfu = config.sfu().enabled()
                ? Optional.of(new SfuCoordinator(config.sfu(), rooms, roomSettings, config.dataDir(),
                        config.signaling().maxParticipants(), heartbeats))
                : Optional.empty();
        SignalingService signaling =
                new SignalingService(config.signaling(), rooms, InstantSource.system(), tokens, roomSettings,
                        new IceServers(config.ice(), InstantSource.system()), wsMetrics,
                        sfu.<RoomMedia>map(s -> s).orElse(RoomMedia.MESH));
        metrics.gauge("parley.connections", "open WebSockets", () -> signaling.sessions().size(), "endpoint", "ws");
        metrics.gauge("parley.rooms", "rooms with someone in them", rooms::roomCount);
        metrics.gauge("parley.participants", "participants in all rooms", rooms::participantCount);
        Pages pages = new Pages(config.http().staticDir());
        PeerJsService peerjsService = new PeerJsService(config.peerjs(), InstantSource.system());
        PeerJsEndpoint peerjs = new PeerJsEndpoint(peerjsService,
                metrics.endpoint("peerjs", PeerJsEndpoint.messageTypes(), Set.of()));
        metrics.gauge("parley.connections", "open WebSockets", peerjsService::peerCount, "endpoint", "peerjs");
        Javalin app = Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            javalin.concurrency.useVirtualThreads = true;
            javalin.jetty.host = config.http().host();
            javalin.jetty.port = config.http().port();
            if (config.tls().enabled()) {
                TlsSetup.configure(javalin, config.tls(), config.http().host(), config.http().port(),
                        boundPort::get, config.dataDir());
            }
            javalin.jetty.modifyServer(server -> server.setStopTimeout(STOP_TIMEOUT_MILLIS));
            // Javalin's WebSocket upgrade creates an HTTP session that outlives the socket; Parley keeps
            // no HTTP session state, so a null cache stops every connection ever opened from costing memory.
            javalin.jetty.modifyServletContextHandler(handler -> {
                SessionHandler sessions = handler.getSessionHandler();
                NullSessionCache cache = new NullSessionCache(sessions);
                cache.setSessionDataStore(new NullSessionDataStore());
                sessions.setSessionCache(cache);
            });
            javalin.jetty.modifyWebSocketServletFactory(ws -> {
                // Frames up to 4x our limit reach the service and get a readable error; beyond, Jetty closes (1009).
                ws.setMaxTextMessageSize(4L * config.signaling().maxFrameBytes());
                ws.setIdleTimeout(config.signaling().heartbeatTimeout().multipliedBy(2));
            });
            config.http().staticDir().ifPresentOrElse(
                    dir -> javalin.staticFiles.add(dir.toString(), Location.EXTERNAL),
                    () -> javalin.staticFiles.add("/static", Location.CLASSPATH));
            SecurityHeaders.register(javalin);
            new WebRoutes(pages, roomSettings, InstantSource.system(), () -> sfu.map(SfuCoordinator::offered).orElse(false))
                    .register(javalin);
            new SignalingEndpoint(signaling, new AdmissionControl(config.access()), wsMetrics).register(javalin);
            javalin.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(metrics.scrape()));
            peerjs.register(javalin);
        });
        app.start();
        boundPort.set(app.port());

        sfu.ifPresent(SfuCoordinator::start);
        long sweepMillis = Math.max(100, Math.min(1000, config.signaling().heartbeatTimeout().toMillis() / 4));
        every(heartbeats, sweepMillis, "heartbeat sweep", signaling::expireSilent);
        peerjs.scheduleSweeps(heartbeats);
        every(heartbeats, TimeUnit.SECONDS.toMillis(HOSTLESS_LOCK_CHECK_SECONDS), "lock sweep", signaling::releaseHostlessLocks);

        String host = config.http().host();
        // An IPv6 address goes in brackets in a URL.
        String shownHost = "0.0.0.0".equals(host) || "::".equals(host) ? "localhost" : host.contains(":") ? "[" + host + "]" : host;
        log.info("Parley is ready: open {}://{}:{}/{}", config.tls().enabled() ? "https" : "http", shownHost, app.port(),
                config.http().devMode() ? " (development mode: front end served from the source tree)" : "");
        return new Parley(app, heartbeats, rooms, signaling, sfu);
    }

    public int port() {
        return app.port();
    }

    public RoomRegistry rooms() {
        return rooms;
    }

    /** The SFU coordinator, when {@code --sfu} or {@code --janus-url} is given. */
    public Optional<SfuCoordinator> sfu() {
        return sfu;
    }

    @Override
    public void close() {
        heartbeats.shutdownNow();
        signaling.shutdown();
        sfu.ifPresent(SfuCoordinator::close);
        try {
            app.stop();
        } catch (RuntimeException e) {
            // Jetty waited STOP_TIMEOUT_MILLIS for clients to close and then cut them; that is the bound.
            log.warn("some connections did not close within {} ms and were cut", STOP_TIMEOUT_MILLIS);
        }
    }

}
