package dev.parley.http;

import dev.parley.room.RoomId;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.Map;

/** The pages and small HTTP endpoints: landing, room, health and room creation. */
public final class WebRoutes {
    private final Pages pages;

    public WebRoutes(Pages pages) {
        this.pages = pages;
    }

    public void register(JavalinConfig config) {
        config.routes.get("/healthz", ctx -> ctx.result("ok"));
        config.routes.post("/api/rooms", this::createRoom);
        config.routes.get("/r/{room}", this::roomPage);
        config.routes.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty() || ctx.result().startsWith("Endpoint")) {
                ctx.html(pages.get("not-found.html"));
            }
        });
    }

    /** Room ids are random and kept nowhere until someone joins, so creating a room is only naming one. */
    private void createRoom(Context ctx) {
        String id = RoomId.random();
        ctx.status(HttpStatus.CREATED).json(Map.of("id", id, "url", "/r/" + id));
    }

    private void roomPage(Context ctx) {
        String room = ctx.pathParam("room");
        if (!RoomId.isValid(room)) {
            ctx.status(HttpStatus.NOT_FOUND).html(pages.get("not-found.html"));
            return;
        }
        ctx.html(pages.get("room.html"));
    }
}
