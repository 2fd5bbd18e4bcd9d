package dev.parley.sfu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.signaling.Message;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The VideoRoom plugin's request bodies and the parts of its replies Parley reads. */
final class JanusRequests {
    static final String PLUGIN = "janus.plugin.videoroom";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Simulcast layers as Janus numbers them: 0 is the smallest picture. */
    static final int LOW_LAYER = 0;
    static final int HIGH_LAYER = 2;

    private JanusRequests() {}

    static ObjectNode createRoom(String room, String adminKey, String pin, String secret, int publishers) {
        ObjectNode body = request("create").put("room", room).put("pin", pin).put("secret", secret)
                .put("is_private", true).put("publishers", publishers).put("notify_joining", true)
                .put("videocodec", "vp8").put("audiocodec", "opus").put("fir_freq", 10);
        if (adminKey != null) {
            body.put("admin_key", adminKey);
        }
        return body;
    }

    static ObjectNode destroyRoom(String room, String secret) {
        return request("destroy").put("room", room).put("secret", secret);
    }

    /** Who is in a room; {@code publisher} marks those whose media is up. */
    static ObjectNode listParticipants(String room) {
        return request("listparticipants").put("room", room);
    }

    static ObjectNode joinAsPublisher(String room, String pin, String participantId) {
        return request("join").put("ptype", "publisher").put("room", room).put("pin", pin).put("id", participantId);
    }

    static ObjectNode publish(boolean again) {
        return request(again ? "configure" : "publish");
    }

    static ObjectNode joinAsSubscriber(String room, String pin, Long privateId, Collection<String> feeds) {
        ObjectNode body = request("join").put("ptype", "subscriber").put("room", room).put("pin", pin);
        if (privateId != null) {
            body.put("private_id", privateId);
        }
        body.set("streams", feeds(feeds));
        return body;
    }

    /** A browser's ICE candidate as Janus's trickle request takes it; null: gathering is complete. */
    static ObjectNode candidate(Message.IceCandidate candidate) {
        if (candidate == null) {
            return JSON.createObjectNode().put("completed", true);
        }
        ObjectNode node = JSON.createObjectNode().put("candidate", candidate.candidate());
        if (candidate.sdpMid() != null) {
            node.put("sdpMid", candidate.sdpMid());
        }
        if (candidate.sdpMLineIndex() != null) {
            node.put("sdpMLineIndex", candidate.sdpMLineIndex());
        }
        return node;
    }

    static ObjectNode subscribe(Collection<String> feeds) {
        ObjectNode body = request("subscribe");
        body.set("streams", feeds(feeds));
        return body;
    }

    static ObjectNode start() {
        return request("start");
    }

    /** Picks a simulcast layer per video mid (where its publisher sends layers), or stops sending it. */
    static ObjectNode layers(List<SfuMember.LayerChange> changes) {
        ObjectNode body = request("configure");
        ArrayNode streams = body.putArray("streams");
        for (SfuMember.LayerChange c : changes) {
            boolean send = c.quality() != SfuMember.Quality.OFF;
            ObjectNode stream = streams.addObject().put("mid", c.stream().mid()).put("send", send);
            if (send && c.layered()) {
                stream.put("substream", c.quality() == SfuMember.Quality.HIGH ? HIGH_LAYER : LOW_LAYER);
            }
        }
        return body;
    }

    static ObjectNode jsep(String type, String sdp) {
        ObjectNode jsep = JSON.createObjectNode().put("type", type).put("sdp", sdp);
        if (type.equals("offer")) {
            jsep.put("trickle", true); // the browser's candidates follow in trickle requests (sfu-candidate)
        }
        return jsep;
    }

    static JsonNode data(JsonNode reply) {
        return reply.path("plugindata").path("data");
    }

    /** The SDP of the reply's jsep, or null. */
    static String sdp(JsonNode reply) {
        JsonNode sdp = reply.path("jsep").path("sdp");
        return sdp.isTextual() ? sdp.asText() : null;
    }

    /** The active audio and video streams of an {@code attached} or {@code updated} reply, by mid. */
    static List<SfuMember.Stream> streams(JsonNode reply) {
        List<SfuMember.Stream> result = new ArrayList<>();
        for (JsonNode s : data(reply).path("streams")) {
            String type = s.path("type").asText("");
            boolean active = s.path("active").asBoolean(true);
            if (active && (type.equals("audio") || type.equals("video")) && s.hasNonNull("feed_id") && s.hasNonNull("mid")) {
                result.add(new SfuMember.Stream(s.get("mid").asText(), s.get("feed_id").asText(), type));
            }
        }
        return result;
    }

    private static ArrayNode feeds(Collection<String> feeds) {
        ArrayNode streams = JSON.createArrayNode();
        feeds.forEach(f -> streams.addObject().put("feed", f));
        return streams;
    }

    private static ObjectNode request(String name) {
        return JSON.createObjectNode().put("request", name);
    }
}
