package dev.parley.peerjs;

import dev.parley.metrics.EndpointMetrics;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import dev.parley.metrics.MessageTypes;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HttpStatus;
import io.javalin.websocket.WsContext;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds {@link PeerJsService} to Javalin where a PeerJS client created with
 * {@code new Peer(id, {host, port, path: '/peerjs'})} looks for it:
 * <ul>
 *   <li>{@code GET /peerjs}: a short JSON description;</li>
 *   <li>{@code GET /peerjs/<key>/id}: a fresh id, as text;</li>
 *   <li>{@code GET /peerjs/<key>/peers}: the connected ids when discovery is on, else 401;</li>
 *   <li>WebSocket {@code /peerjs/peerjs?key=&id=&token=}: the signaling itself.</li>
 * </ul>
 */
public final class PeerJsEndpoint {
    private static final Logger log = LoggerFactory.getLogger(PeerJsEndpoint.class);

    public static final String PATH = "/peerjs";
    /** The client appends {@code peerjs} to its path for the socket, whatever the key. */
    public static final String WS_PATH = PATH + "/peerjs";
    private static final String PEER = "parley.peerjs.peer";
    /** Frames queued to one slow socket before sends to it fail and it is closed, bounding its memory. */
    private static final int MAX_OUTGOING_FRAMES = 1024;

    private static final String DESCRIPTION = FrameCodec.object(
            "name", "Parley PeerJS endpoint",
            "description", "Brokers connections between PeerJS clients, compatible with PeerServer.",
            "website", "https://peerjs.com/");

    private final PeerJsService service;
    private final PeerJsConfig config;
    private final OriginPolicy origins;

    private final EndpointMetrics metrics;

    public PeerJsEndpoint(PeerJsService service) {
        this(service, EndpointMetrics.NONE);
    }

    public PeerJsEndpoint(PeerJsService service, EndpointMetrics metrics) {
        this.metrics = metrics;
        this.service = service;
        this.config = service.config();
        this.origins = new OriginPolicy(config.allowedOrigins());
    }

    /** The PeerJS message types by wire name, for counting traffic by type. */
    public static Set<String> messageTypes() {
        return Arrays.stream(Wire.Type.values()).map(Wire.Type::text).collect(Collectors.toUnmodifiableSet());
    }

    public void register(JavalinConfig javalin) {
        var routes = javalin.routes;
        routes.before(PATH, this::cors);
        routes.before(PATH + "/*", this::cors);
        routes.options(PATH, this::preflight);
        routes.options(PATH + "/*", this::preflight);
        routes.get(PATH, ctx -> ctx.contentType("application/json").result(DESCRIPTION));
        routes.get(PATH + "/{key}/id", ctx -> ctx.header("Cache-Control", "no-store")
                .contentType("text/plain; charset=utf-8").result(service.newId()));
        routes.get(PATH + "/{key}/peers", this::peers);
        routes.wsBeforeUpgrade(WS_PATH, ctx -> {
            if (!origins.allows(ctx.header("Origin"))) {
                throw new ForbiddenResponse("origin not allowed");
            }
        });
        routes.ws(WS_PATH, ws -> {
            ws.onConnect(ctx -> {
                limit(ctx.session);
                Peer peer = service.open(ctx.queryParam("key"), ctx.queryParam("id"), ctx.queryParam("token"),
                        new WsTransport(ctx, metrics));
                if (peer != null) {
                    ctx.attribute(PEER, peer);
                }
            });
            ws.onMessage(ctx -> {
                Peer peer = ctx.attribute(PEER);
                if (peer != null) {
                    String text = ctx.message();
                    metrics.messageIn(MessageTypes.peek(text));
                    long start = System.nanoTime();
                    service.receive(peer, text);
                    metrics.relayed(System.nanoTime() - start);
                }
            });
            ws.onClose(ctx -> {
                Peer peer = ctx.attribute(PEER);
                if (peer != null) {
                    service.closed(peer);
                }
            });
            ws.onError(ctx -> log.debug("PeerJS socket error", ctx.error()));
        });
    }

    /** Runs {@link PeerJsService#sweep()} on {@code executor} at the configured interval. */
    public void scheduleSweeps(ScheduledExecutorService executor) {
        long every = config.sweepInterval().toMillis();
        executor.scheduleAtFixedRate(() -> {
            try {
                service.sweep();
            } catch (RuntimeException e) {
                log.error("PeerJS sweep failed", e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Per-socket limits, overriding the server-wide ones set for the room protocol. Jetty itself closes a
     * socket whose frame exceeds the size (1009, message too big); its idle timeout is only a backstop
     * behind the alive timeout, which the sweep enforces.
     */
    private void limit(Session session) {
        session.setMaxTextMessageSize(config.maxMessageBytes());
        session.setMaxBinaryMessageSize(config.maxMessageBytes());
        session.setIdleTimeout(config.aliveTimeout().multipliedBy(2).plus(Duration.ofSeconds(1)));
        session.setMaxOutgoingFrames(MAX_OUTGOING_FRAMES);
    }

    private void peers(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        if (!config.allowDiscovery() || !config.key().equals(ctx.pathParam("key"))) {
            ctx.status(HttpStatus.UNAUTHORIZED).result("Unauthorized");
            return;
        }
        ctx.contentType("application/json").result(FrameCodec.stringArray(service.peerIds()));
    }

    private void cors(Context ctx) {
        String origin = ctx.header("Origin");
        String allow = origins.allowOriginHeader(origin);
        if (allow != null) {
            ctx.header("Access-Control-Allow-Origin", allow);
        }
        if (!origins.anyOrigin()) {
            ctx.header("Vary", "Origin"); // the answer depends on the origin, so caches must key on it
        }
    }

    private void preflight(Context ctx) {
        ctx.header("Access-Control-Allow-Methods", "GET, OPTIONS");
        String requested = ctx.header("Access-Control-Request-Headers");
        if (requested != null) {
            ctx.header("Access-Control-Allow-Headers", requested);
        }
        ctx.header("Access-Control-Max-Age", "600");
        ctx.status(HttpStatus.NO_CONTENT);
    }

    /**
     * Sends are asynchronous: Jetty queues frames per socket, so relaying never waits on a slow peer. One
     * callback per socket (not per frame) closes it if a send fails, so its close event unregisters it.
     */
    private static final class WsTransport implements Transport {
        private final WsContext ctx;
        private final Callback onFailure;
        private final EndpointMetrics metrics;

        WsTransport(WsContext ctx, EndpointMetrics metrics) {
            this.ctx = ctx;
            this.metrics = metrics;
            this.onFailure = Callback.from(() -> { }, error -> {
                log.debug("PeerJS send failed; closing the socket", error);
                ctx.closeSession(Wire.CLOSE_UNREACHABLE, "send failed");
            });
        }

        @Override
        public boolean send(String text) {
            Session session = ctx.session;
            if (!session.isOpen()) {
                return false;
            }
            session.sendText(text, onFailure);
            metrics.messageOut(MessageTypes.peek(text));
            return true;
        }

        @Override
        public void close(int code, String reason) {
            ctx.closeSession(code, reason);
        }
    }
}
