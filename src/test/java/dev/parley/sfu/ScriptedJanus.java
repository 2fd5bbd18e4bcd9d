package dev.parley.sfu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.BadRequestResponse;
import io.javalin.websocket.WsContext;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.eclipse.jetty.websocket.api.Callback;

/**
 * A fake Janus WebSocket API with the VideoRoom plugin (string ids, multistream). It answers what
 * Parley asks the way Janus does (a plugin message gets an {@code ack}, then an {@code event} with the
 * same transaction), records every request, and lets the test send Janus's unsolicited events and
 * answer a request late or differently, so that what a real Janus does only by chance happens on cue.
 */
final class ScriptedJanus implements AutoCloseable {
    static final String PLUGIN = "janus.plugin.videoroom";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** VideoRoom requests answered at once with {@code success}; the others get an ack and a later event. */
    private static final Set<String> SYNCHRONOUS = Set.of("create", "destroy");

    /** One request as received; {@code body}, {@code jsep} and {@code candidate} are missing nodes when absent. */
    record Request(String janus, long session, long handle, JsonNode body, JsonNode jsep, JsonNode candidate,
            String apisecret) {
        /** The VideoRoom request of a {@code message}, such as {@code join} or {@code subscribe}. */
        String request() {
            return body.path("request").asText("");
        }

        /** The feeds of a subscriber {@code join} or a {@code subscribe}. */
        List<String> feeds() {
            List<String> feeds = new ArrayList<>();
            body.path("streams").forEach(s -> feeds.add(s.path("feed").asText()));
            return feeds;
        }

        String sdp() {
            return jsep.path("sdp").asText(null);
        }
    }

    /** A handle and what it joined as: a publisher of {@code feed}, or a subscriber receiving {@code streams}. */
    static final class Handle {
        final long session;
        final long id;
        volatile String room;
        volatile String ptype;
        volatile String feed;
        final List<ObjectNode> streams = new CopyOnWriteArrayList<>();

        Handle(long session, long id) {
            this.session = session;
            this.id = id;
        }
    }

    /** A plugin message the test answers itself: as Janus usually would (maybe later), or otherwise. */
    record Call(Request request, WsContext ctx, String transaction, ObjectNode usualData, ObjectNode usualJsep) {
        void replyAsUsual() {
            reply(usualData, usualJsep);
        }

        void reply(ObjectNode data, ObjectNode jsepOrNull) {
            send(ctx, pluginEvent(request.session, request.handle, data, jsepOrNull).put("transaction", transaction));
        }
    }

    private record Interception(Predicate<Request> which, Consumer<Call> handler) {}

    private final String apiSecret;
    private final Javalin app;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Set<Long> sessions = ConcurrentHashMap.newKeySet();
    private final Map<Long, Handle> handles = new ConcurrentHashMap<>();
    /** Rooms by id, as made by {@code create}: as in Janus, joining takes the pin and destroying the secret. */
    private final Map<String, JsonNode> rooms = new ConcurrentHashMap<>();
    private final List<Interception> interceptions = new CopyOnWriteArrayList<>();
    /** Ids past the int range, as Janus's random 53-bit ones, so a truncation would show. */
    private final AtomicLong ids = new AtomicLong(1L << 40);
    private volatile WsContext client;
    private volatile Refusal refusedRooms;
    private volatile Predicate<Request> dropOn;
    private volatile boolean dropEvery;

    /** A scripted Janus on a free port; requests must carry {@code apiSecret} unless it is null. */
    ScriptedJanus(String apiSecret) {
        this.apiSecret = apiSecret;
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = "127.0.0.1";
            config.jetty.port = 0;
            // Janus's WebSocket transport is for clients of its "janus-protocol" subprotocol.
            config.routes.wsBeforeUpgrade("/", ctx -> {
                if (!String.valueOf(ctx.header("Sec-WebSocket-Protocol")).contains("janus-protocol")) {
                    throw new BadRequestResponse("the janus-protocol subprotocol is required");
                }
            });
            config.routes.ws("/", ws -> {
                ws.onConnect(ctx -> client = ctx);
                ws.onMessage(ctx -> receive(ctx, JSON.readTree(ctx.message())));
            });
        }).start();
    }

    URI url() {
        return URI.create("ws://127.0.0.1:" + app.port() + "/");
    }

    boolean hasRoom(String room) {
        return rooms.containsKey(room);
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The VideoRoom messages of one kind ({@code join}, {@code subscribe}, {@code start}...) sent to a handle. */
    List<Request> messages(long handle, String request) {
        return requests.stream().filter(r -> r.janus.equals("message") && r.handle == handle
                && r.request().equals(request)).toList();
    }

    /** The handle that joined as the publisher of a feed (a participant id, or it + {@code ~screen}), or null. */
    Handle publisher(String feed) {
        return handles.values().stream().filter(h -> "publisher".equals(h.ptype) && feed.equals(h.feed))
                .findFirst().orElse(null);
    }

    /** A participant's subscriber handle: the one in the session its camera publishes from, or null. */
    Handle subscriber(String participantId) {
        Handle camera = publisher(participantId);
        return camera == null ? null : handles.values().stream()
                .filter(h -> "subscriber".equals(h.ptype) && h.session == camera.session).findFirst().orElse(null);
    }

    /** Answers the next plugin message that matches with {@code handler} instead of the usual reply (after the ack). */
    void interceptNext(Predicate<Request> which, Consumer<Call> handler) {
        interceptions.add(new Interception(which, handler));
    }

    /** The publisher's media is up: the point from which others may subscribe to it. */
    void webrtcup(long handle) {
        send(client, JSON.createObjectNode().put("janus", "webrtcup").put("session_id", handles.get(handle).session)
                .put("sender", handle));
    }

    /** The handle's PeerConnection is gone (the browser closed it). */
    void hangup(long handle) {
        send(client, JSON.createObjectNode().put("janus", "hangup").put("session_id", handles.get(handle).session)
                .put("sender", handle).put("reason", "DTLS alert"));
    }

    /** An unsolicited plugin event on a handle. */
    void event(long handle, ObjectNode data, ObjectNode jsepOrNull) {
        send(client, pluginEvent(handles.get(handle).session, handle, data, jsepOrNull));
    }

    /** News about a feed, sent as Janus does to every other publisher handle in its room. */
    void toOthers(String feed, ObjectNode data) {
        Handle from = publisher(feed);
        handles.values().stream().filter(h -> "publisher".equals(h.ptype) && h.room.equals(from.room) && h != from)
                .forEach(h -> event(h.id, data.deepCopy().put("room", h.room), null));
    }

    /** Sends a subscriber the unsolicited {@code updated} Janus sends after "updating": every stream, a new offer. */
    String pushUpdate(long handle) {
        Handle h = handles.get(handle);
        ObjectNode offer = jsep("offer");
        event(handle, updated(h, "updated"), offer);
        return offer.path("sdp").asText();
    }

    private void receive(WsContext ctx, JsonNode m) {
        String verb = m.path("janus").asText();
        Request r = new Request(verb, m.path("session_id").asLong(), m.path("handle_id").asLong(), m.path("body"),
                m.path("jsep"), m.path("candidate"), m.path("apisecret").asText(null));
        requests.add(r);
        Predicate<Request> drop = dropOn;
        if (drop != null && drop.test(r)) {
            if (!dropEvery) {
                dropOn = null;
            }
            ctx.closeSession();
            return;
        }
        String tx = m.path("transaction").asText();
        ObjectNode reply = JSON.createObjectNode().put("janus", "success").put("transaction", tx);
        if (apiSecret != null && !apiSecret.equals(r.apisecret)) {
            error(ctx, tx, 403, "Unauthorized request (wrong or missing secret/token)");
        } else if (!verb.equals("create") && !sessions.contains(r.session)) {
            error(ctx, tx, 458, "No such session " + r.session);
        } else if (verb.equals("create")) {
            long id = ids.incrementAndGet();
            sessions.add(id);
            send(ctx, reply.set("data", JSON.createObjectNode().put("id", id)));
        } else if (verb.equals("attach")) {
            Handle h = new Handle(r.session, ids.incrementAndGet());
            handles.put(h.id, h);
            send(ctx, reply.put("session_id", r.session).set("data", JSON.createObjectNode().put("id", h.id)));
        } else if (verb.equals("keepalive") || verb.equals("trickle")) {
            send(ctx, reply.put("janus", "ack").put("session_id", r.session));
        } else if (verb.equals("claim") || verb.equals("detach") || verb.equals("destroy")) {
            // A claim moves a session, with its handles, to this connection: as in Janus, nothing is lost.
            if (!verb.equals("claim")) {
                handles.values().removeIf(h -> verb.equals("detach") ? h.id == r.handle : h.session == r.session);
            }
            if (verb.equals("destroy")) {
                sessions.remove(r.session);
            }
            send(ctx, reply.put("session_id", r.session));
        } else if (!verb.equals("message")) {
            error(ctx, tx, 453, "Unknown request '" + verb + "'");
        } else if (!handles.containsKey(r.handle)) {
            error(ctx, tx, 459, "No such handle " + r.handle + " in session " + r.session);
        } else if (SYNCHRONOUS.contains(r.request())) {
            send(ctx, pluginEvent(r.session, r.handle, roomRequest(r.body), null).put("janus", "success").put("transaction", tx));
        } else {
            send(ctx, JSON.createObjectNode().put("janus", "ack").put("session_id", r.session).put("transaction", tx));
            ObjectNode data = handleRequest(handles.get(r.handle), r);
            boolean offers = data.has("streams"); // attached or updated: Janus offers what the subscriber gets
            boolean answers = r.jsep.path("type").asText().equals("offer");
            ObjectNode jsep = data.has("error_code") ? null : offers ? jsep("offer") : answers ? jsep("answer") : null;
            Call call = new Call(r, ctx, tx, data, jsep);
            Interception i = interceptions.stream().filter(x -> x.which.test(r)).findFirst().orElse(null);
            if (i != null && interceptions.remove(i)) {
                i.handler.accept(call);
            } else {
                call.replyAsUsual();
            }
        }
    }

    /** Closes the connection, unanswered, on the next request that passes {@code which}: a connection lost mid-request. */
    void dropConnectionOn(Predicate<Request> which) {
        dropEvery = false;
        dropOn = which;
    }

    /** Closes the connection, unanswered, on every request that passes {@code which}, on every connection. */
    void dropConnectionOnEvery(Predicate<Request> which) {
        dropEvery = true;
        dropOn = which;
    }

    /**
     * From now on, rooms whose id passes {@code which} are refused as Janus refuses them, e.g. 430 for a
     * string id when its VideoRoom numbers rooms.
     */
    void refuseRooms(Predicate<String> which, int code, String reason) {
        refusedRooms = new Refusal(which, code, reason);
    }

    private record Refusal(Predicate<String> which, int code, String reason) {}

    /** The answer of a synchronous room request, applied to the rooms. */
    private ObjectNode roomRequest(JsonNode body) {
        String room = body.path("room").asText();
        JsonNode made = rooms.get(room);
        Refusal refusal = refusedRooms;
        return switch (body.path("request").asText()) {
            case "create" -> refusal != null && refusal.which.test(room) ? fail(refusal.code, refusal.reason)
                    : rooms.putIfAbsent(room, body) == null ? data("created", room) : fail(427, "Room " + room + " already exists");
            case "destroy" -> {
                if (made == null || !made.path("secret").equals(body.path("secret"))) {
                    yield made == null ? fail(426, "No such room (" + room + ")") : fail(433, "Unauthorized (wrong secret)");
                }
                rooms.remove(room);
                yield data("destroyed", room);
            }
            default -> fail(499, "the scripted Janus has no answer to '" + body.path("request").asText() + "'");
        };
    }

    /** The usual answer of an asynchronous request, applied to the handle (also when the test answers otherwise). */
    private ObjectNode handleRequest(Handle h, Request r) {
        String room = r.body.has("room") ? r.body.path("room").asText() : h.room;
        return switch (r.request()) {
            case "join" -> {
                if (!rooms.containsKey(room)) {
                    yield fail(426, "No such room (" + room + ")");
                } else if (!rooms.get(room).path("pin").equals(r.body.path("pin"))) {
                    yield fail(433, "Unauthorized (wrong pin)");
                }
                h.room = room;
                h.ptype = r.body.path("ptype").asText();
                h.feed = r.body.path("id").asText(null);
                r.feeds().forEach(feed -> addStreams(h, feed));
                yield h.ptype.equals("subscriber") ? updated(h, "attached") : data("joined", room).put("id", h.feed)
                        .put("private_id", ids.incrementAndGet() & 0xffffff).set("publishers", JSON.createArrayNode());
            }
            case "subscribe" -> {
                r.feeds().forEach(feed -> addStreams(h, feed));
                yield updated(h, "updated");
            }
            case "publish", "configure" -> data("event", room).put("configured", "ok");
            case "start" -> data("event", room).put("started", "ok");
            default -> fail(499, "the scripted Janus has no answer to '" + r.request() + "'");
        };
    }

    /** A feed's audio and video, on the next mids of the subscriber. */
    private static void addStreams(Handle h, String feed) {
        for (String type : List.of("audio", "video")) {
            int mid = h.streams.size();
            h.streams.add(JSON.createObjectNode().put("type", type).put("active", true).put("mid", Integer.toString(mid))
                    .put("mindex", mid).put("feed_id", feed).put("feed_mid", type.equals("audio") ? "0" : "1"));
        }
    }

    private static ObjectNode data(String videoroom, String room) {
        return JSON.createObjectNode().put("videoroom", videoroom).put("room", room);
    }

    private static ObjectNode updated(Handle h, String videoroom) {
        ObjectNode data = data(videoroom, h.room);
        data.putArray("streams").addAll(h.streams.stream().map(ObjectNode::deepCopy).toList());
        return data;
    }

    private static ObjectNode fail(int code, String why) {
        return JSON.createObjectNode().put("videoroom", "event").put("error_code", code).put("error", why);
    }

    /** Any text starting with v=0 passes for SDP; a counter tells the offers apart. */
    private ObjectNode jsep(String type) {
        return JSON.createObjectNode().put("type", type)
                .put("sdp", "v=0\r\no=- " + ids.incrementAndGet() + " 1 IN IP4 127.0.0.1\r\ns=VideoRoom\r\nt=0 0\r\n");
    }

    private static ObjectNode pluginEvent(long session, long handle, ObjectNode data, ObjectNode jsepOrNull) {
        ObjectNode event = JSON.createObjectNode().put("janus", "event").put("session_id", session).put("sender", handle);
        event.putObject("plugindata").put("plugin", PLUGIN).set("data", data);
        if (jsepOrNull != null) {
            event.set("jsep", jsepOrNull);
        }
        return event;
    }

    private void error(WsContext ctx, String tx, int code, String reason) {
        ObjectNode error = JSON.createObjectNode().put("janus", "error").put("transaction", tx);
        error.putObject("error").put("code", code).put("reason", reason);
        send(ctx, error);
    }

    /** One frame at a time per socket: replies (Jetty's threads) and events (the test's) must not interleave. */
    private static void send(WsContext ctx, ObjectNode message) {
        synchronized (ctx.session) {
            ctx.session.sendText(message.toString(), Callback.NOOP);
        }
    }

    @Override
    public void close() {
        app.stop();
    }
}
