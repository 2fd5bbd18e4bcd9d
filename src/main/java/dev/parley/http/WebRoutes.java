package dev.parley.http;

import dev.parley.room.RoomId;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.room.RoomSettings;
import dev.parley.room.RoomSettingsStore;
import dev.parley.security.PasswordHasher;
import dev.parley.signaling.TokenBucket;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The pages and small HTTP endpoints: landing, room, health and room creation. */
public final class WebRoutes {
    private static final Logger log = LoggerFactory.getLogger(WebRoutes.class);
    private static final int MAX_PASSWORD_LENGTH = 128;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Pages pages;
    private final RoomSettingsStore settings;
    private final InstantSource clock;
    /** Whether this server can route large meetings through an SFU (it was started with one). */
    private final BooleanSupplier largeMeetings;
    /** Creating a meeting writes to disk, so one address may create a few per minute, not thousands. */
    private final Map<String, TokenBucket> creations = new ConcurrentHashMap<>();

    public WebRoutes(Pages pages, RoomSettingsStore settings, InstantSource clock,
            BooleanSupplier largeMeetings) {
        this.pages = pages;
        this.settings = settings;
        this.clock = clock;
        this.largeMeetings = largeMeetings;
    }

    public void register(JavalinConfig config) {
        config.routes.get("/healthz", ctx -> ctx.result("ok"));
        config.routes.post("/api/rooms", this::createRoom);
        config.routes.get("/api/rooms/{room}", this::roomInfo);
        // What the start page offers: "Large meeting" only where an SFU can carry it.
        config.routes.get("/api/features", ctx -> ctx.json(Map.of("largeMeetings", largeMeetings.getAsBoolean())));
        config.routes.get("/r/{room}", this::roomPage);
        // Jetty refuses malformed requests (say, a query that is not UTF-8) with an exception that
        // carries its own status; it is the client's error, not the server's.
        config.routes.exception(RuntimeException.class, (e, ctx) -> {
            if (e instanceof HttpException http) {
                ctx.status(http.getCode()).result("Bad request: " + http.getReason());
            } else {
                log.error("request {} {} failed", ctx.method(), ctx.path(), e);
                ctx.status(HttpStatus.INTERNAL_SERVER_ERROR).result("Internal server error");
            }
        });
        config.routes.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty() || ctx.result().startsWith("Endpoint")) {
                ctx.html(pages.get("not-found.html"));
            }
        });
    }

    /**
     * Names a new room and makes its creator the moderator: the key comes back once, and only its
     * hash is kept. An optional JSON body {@code {"password": "...", "large": true}} protects the room
     * and makes it a large meeting (media through the SFU from the start, when one is configured).
     */
    private void createRoom(Context ctx) throws Exception {
        if (creations.size() > 10_000) {
            creations.clear();
        }
        if (!creations.computeIfAbsent(ctx.ip(), ip -> new TokenBucket(0.2, 10, clock.millis())).tryTake(clock.millis())) {
            ctx.status(HttpStatus.TOO_MANY_REQUESTS).json(Map.of("error", "too many new meetings; wait a minute"));
            return;
        }
        String password = null;
        boolean large = false;
        if (!ctx.body().isBlank()) {
            JsonNode body;
            try {
                body = JSON.readTree(ctx.body());
            } catch (JacksonException e) {
                ctx.status(HttpStatus.BAD_REQUEST).json(Map.of("error", "the body must be JSON"));
                return;
            }
            if (!body.isObject()) {
                ctx.status(HttpStatus.BAD_REQUEST).json(Map.of("error", "the body must be a JSON object, such as {\"password\": \"...\"}"));
                return;
            }
            JsonNode given = body.path("password");
            if (!given.isMissingNode() && !given.isNull() && (!given.isTextual()
                    || given.asText().codePointCount(0, given.asText().length()) > MAX_PASSWORD_LENGTH)) {
                ctx.status(HttpStatus.BAD_REQUEST).json(Map.of("error", "password must be text of at most 128 characters"));
                return;
            }
            password = given.isTextual() && !given.asText().isEmpty() ? given.asText() : null;
            if (password != null && password.replaceAll("[\\p{Cc}\\p{Cf}\\p{Z}]", "").isEmpty()) {
                // Spaces of any kind, or nothing visible: surely a slip, and one the guests could not see to type.
                ctx.status(HttpStatus.BAD_REQUEST).json(Map.of("error", "the password cannot be only spaces"));
                return;
            }
            JsonNode largeField = body.path("large");
            if (!largeField.isMissingNode() && !largeField.isNull() && !largeField.isBoolean()) {
                ctx.status(HttpStatus.BAD_REQUEST).json(Map.of("error", "large must be true or false"));
                return;
            }
            // Without an SFU a large meeting would be an ordinary one that says otherwise: the answer tells.
            large = largeField.asBoolean(false) && largeMeetings.getAsBoolean();
        }
        String id = RoomId.random();
        String moderatorKey = PasswordHasher.randomSecret();
        settings.put(id, new RoomSettings(password == null ? null : PasswordHasher.hash(password),
                PasswordHasher.hash(moderatorKey), false, Set.of(), clock.millis(), large));
        ctx.status(HttpStatus.CREATED).json(Map.of("id", id, "url", "/r/" + id, "moderatorKey", moderatorKey,
                "password", password != null, "large", large));
    }

    /**
     * What the pre-join screen shows before anyone joins: whether to ask for a password, and whether the
     * meeting is locked. Any well-formed id answers (a room opened from a link has no settings), so only
     * someone who has a room's unguessable id learns anything about it.
     */
    private void roomInfo(Context ctx) {
        String room = ctx.pathParam("room");
        if (!RoomId.isValid(room)) {
            ctx.status(HttpStatus.NOT_FOUND).json(Map.of("error", "no such meeting"));
            return;
        }
        room = RoomId.normalize(room);
        Optional<RoomSettings> found = settings.find(room);
        ctx.json(Map.of("id", room, "password", found.map(r -> r.passwordHash() != null).orElse(false),
                "locked", found.map(RoomSettings::locked).orElse(false)));
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
