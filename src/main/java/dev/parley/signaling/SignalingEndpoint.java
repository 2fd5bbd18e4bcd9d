package dev.parley.signaling;

import dev.parley.metrics.EndpointMetrics;
import dev.parley.metrics.MessageTypes;
import io.javalin.config.JavalinConfig;
import io.javalin.http.ForbiddenResponse;
import io.javalin.websocket.WsContext;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.eclipse.jetty.websocket.api.Callback;

/** Binds {@link SignalingService} to Javalin's WebSocket at {@code /ws}, behind {@link AdmissionControl}. */
public final class SignalingEndpoint {
    public static final String PATH = "/ws";
    private static final String SESSION = "parley.session";
    private static final String ADDRESS = "parley.address";
    private static final int POLICY_VIOLATION = 1008;
    /**
     * Frames queued to one socket that does not read them before it is closed (with
     * {@link SignalingService#SLOW_READER}, so its page resumes): otherwise a client that stops reading
     * would hold everything its room sends it in the server's memory.
     */
    static final int MAX_OUTGOING_FRAMES = 1024;

    private final SignalingService service;
    private final AdmissionControl admission;
    private final EndpointMetrics metrics;

    public SignalingEndpoint(SignalingService service, AdmissionControl admission, EndpointMetrics metrics) {
        this.service = service;
        this.admission = admission;
        this.metrics = metrics;
    }

    public void register(JavalinConfig config) {
        config.routes.wsBeforeUpgrade(PATH, ctx -> {
            if (!admission.originAllowed(ctx.header("Origin"), ctx.header("Host"))) {
                throw new ForbiddenResponse("this page's origin may not use Parley's signaling");
            }
        });
        config.routes.ws(PATH, ws -> {
            ws.onConnect(ctx -> {
                String address = addressOf(ctx);
                if (!admission.tryOpen(address)) {
                    ctx.closeSession(POLICY_VIOLATION, "too many connections from your address");
                    return;
                }
                ctx.attribute(ADDRESS, address);
                ctx.session.setMaxOutgoingFrames(MAX_OUTGOING_FRAMES);
                ctx.attribute(SESSION, service.open(ctx.sessionId(), address, new WsTransport(ctx, metrics)));
            });
            ws.onMessage(ctx -> {
                Session session = ctx.attribute(SESSION);
                if (session != null) {
                    service.receive(session, ctx.message());
                }
            });
            ws.onBinaryMessage(ctx -> {
                Session session = ctx.attribute(SESSION);
                if (session != null) {
                    service.receiveBinary(session);
                }
            });
            ws.onClose(ctx -> {
                Session session = ctx.attribute(SESSION);
                if (session != null) {
                    admission.closed(ctx.attribute(ADDRESS));
                    service.closed(session, ctx.status());
                }
            });
        });
    }

    private static String addressOf(WsContext ctx) {
        SocketAddress remote = ctx.session.getRemoteSocketAddress();
        return remote instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : String.valueOf(remote);
    }

    /**
     * Sends are asynchronous: Jetty queues frames per socket, so fan-out never waits on a slow peer. A send
     * that fails (past {@link #MAX_OUTGOING_FRAMES}, or on a broken socket) closes the socket.
     */
    private record WsTransport(WsContext ctx, EndpointMetrics metrics, Callback onFailure) implements Session.Transport {
        WsTransport(WsContext ctx, EndpointMetrics metrics) {
            this(ctx, metrics, Callback.from(() -> { }, error ->
                    ctx.closeSession(SignalingService.SLOW_READER, "too much waiting to be read; resume")));
        }

        @Override
        public void send(String text) {
            if (ctx.session.isOpen()) {
                ctx.session.sendText(text, onFailure);
                metrics.messageOut(MessageTypes.peek(text));
            }
        }

        @Override
        public void close(int code, String reason) {
            ctx.closeSession(code, reason);
        }
    }
}
