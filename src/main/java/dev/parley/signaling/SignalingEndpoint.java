package dev.parley.signaling;

import io.javalin.config.JavalinConfig;
import io.javalin.websocket.WsContext;
import org.eclipse.jetty.websocket.api.Callback;

/** Binds {@link SignalingService} to Javalin's WebSocket at {@code /ws}. */
public final class SignalingEndpoint {
    public static final String PATH = "/ws";
    private static final String SESSION = "parley.session";

    private final SignalingService service;

    public SignalingEndpoint(SignalingService service) {
        this.service = service;
    }

    public void register(JavalinConfig config) {
        config.routes.ws(PATH, ws -> {
            ws.onConnect(ctx -> ctx.attribute(SESSION, service.open(ctx.sessionId(), new WsTransport(ctx))));
            ws.onMessage(ctx -> service.receive(ctx.attribute(SESSION), ctx.message()));
            ws.onClose(ctx -> {
                Session session = ctx.attribute(SESSION);
                if (session != null) {
                    service.closed(session);
                }
            });
        });
    }

    /** Sends are asynchronous: Jetty queues frames per socket, so fan-out never waits on a slow peer. */
    private record WsTransport(WsContext ctx) implements Session.Transport {
        @Override
        public void send(String text) {
            if (ctx.session.isOpen()) {
                ctx.session.sendText(text, Callback.NOOP);
            }
        }

        @Override
        public void close(int code, String reason) {
            ctx.closeSession(code, reason);
        }
    }
}
