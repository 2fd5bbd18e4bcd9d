package dev.parley;

import dev.parley.config.ParleyConfig;
import dev.parley.http.Pages;
import dev.parley.http.SecurityHeaders;
import dev.parley.http.WebRoutes;
import dev.parley.room.RoomRegistry;
import dev.parley.signaling.SignalingEndpoint;
import dev.parley.signaling.SignalingService;
import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the server together and runs it. */
public final class Parley implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Parley.class);

    private final Javalin app;
    private final ScheduledExecutorService heartbeats;
    private final RoomRegistry rooms;

    private Parley(Javalin app, ScheduledExecutorService heartbeats, RoomRegistry rooms) {
        this.app = app;
        this.heartbeats = heartbeats;
        this.rooms = rooms;
    }

    public static void main(String[] args) {
        Parley parley;
        try {
            parley = start(args);
        } catch (IllegalArgumentException e) {
            System.err.println("parley: " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(parley::close, "parley-shutdown"));
    }

    /** Starts a server from command-line arguments; {@code --port 0} picks a free port. */
    public static Parley start(String[] args) {
        return start(ParleyConfig.parse(args, System.getenv()));
    }

    public static Parley start(ParleyConfig config) {
        RoomRegistry rooms = new RoomRegistry(config.signaling().chatHistorySize());
        SignalingService signaling = new SignalingService(config.signaling(), rooms, InstantSource.system());
        Pages pages = new Pages(config.http().staticDir());
        Javalin app = Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            javalin.concurrency.useVirtualThreads = true;
            javalin.jetty.host = config.http().host();
            javalin.jetty.port = config.http().port();
            javalin.jetty.modifyWebSocketServletFactory(ws -> {
                // Frames up to 4x our limit reach the service and get a readable error; beyond, Jetty closes (1009).
                ws.setMaxTextMessageSize(4L * config.signaling().maxFrameBytes());
                ws.setIdleTimeout(config.signaling().heartbeatTimeout().multipliedBy(2));
            });
            config.http().staticDir().ifPresentOrElse(
                    dir -> javalin.staticFiles.add(dir.toString(), Location.EXTERNAL),
                    () -> javalin.staticFiles.add("/static", Location.CLASSPATH));
            SecurityHeaders.register(javalin);
            new WebRoutes(pages).register(javalin);
            new SignalingEndpoint(signaling).register(javalin);
        });
        app.start();

        ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("parley-heartbeats").daemon().factory());
        long sweepMillis = Math.max(100, Math.min(1000, config.signaling().heartbeatTimeout().toMillis() / 4));
        heartbeats.scheduleAtFixedRate(() -> {
            try {
                signaling.expireSilent();
            } catch (RuntimeException e) {
                log.error("heartbeat sweep failed", e);
            }
        }, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);

        String shownHost = "0.0.0.0".equals(config.http().host()) ? "localhost" : config.http().host();
        log.info("Parley is ready: open http://{}:{}/{}", shownHost, app.port(),
                config.http().devMode() ? " (development mode: front end served from the source tree)" : "");
        return new Parley(app, heartbeats, rooms);
    }

    public int port() {
        return app.port();
    }

    public RoomRegistry rooms() {
        return rooms;
    }

    @Override
    public void close() {
        heartbeats.shutdownNow();
        app.stop();
    }

}
