package dev.parley.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.sfu.ScriptedJanus.Request;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A receiver's renegotiations with Janus: one at a time, "updating" replies, and layer requests only when
 * a layer changes.
 */
class SfuNegotiationTest extends ScriptedSfuTest {
    @Test
    void whileAnAnswerIsPendingJanusIsAskedNothingMoreForThatReceiver() {
        Person ada = enter("Ada");
        Person bob = enter("Bob");
        janus.webrtcup(publish(ada, "camera"));
        JsonNode first = bob.next("sfu-offer");
        assertThat(feedsOf(first)).containsExactly(ada.id);
        long bobs = janus.subscriber(bob.id).id;

        Person cy = enter("Cy");
        janus.webrtcup(publish(cy, "camera"));
        // Cy's webrtcup subscribes everyone at once: once Ada is asked for, Bob would have been too.
        await("Ada's subscriber is asked for Cy", () -> subscribedFeeds(ada).contains(cy.id));
        holds("Bob's subscriber handle gets no subscribe and no start", Duration.ofMillis(300),
                () -> janus.messages(bobs, "subscribe").isEmpty() && janus.messages(bobs, "start").isEmpty());
        assertThat(bob.all("sfu-offer")).as("one offer at a time").hasSize(1);

        String answer = answer(bob, first);
        Request start = janus.messages(bobs, "start").getFirst();
        assertThat(start.jsep().path("type").asText()).isEqualTo("answer");
        assertThat(start.sdp()).isEqualTo(answer);
        JsonNode second = bob.next("sfu-offer");
        assertThat(second.path("fresh").asBoolean()).isFalse();
        assertThat(feedsOf(second)).containsExactlyInAnyOrder(ada.id, cy.id);
        List<Request> subscribes = janus.messages(bobs, "subscribe");
        assertThat(subscribes).hasSize(1);
        assertThat(subscribes.getFirst().feeds()).containsExactly(cy.id);
        assertThat(janus.requests().indexOf(subscribes.getFirst())).as("subscribed after the start")
                .isGreaterThan(janus.requests().indexOf(start));
        people.forEach(p -> assertThat(p.all("error")).as(p.name + "'s errors").isEmpty());
    }

    @Test
    void candidatesReachJanusAfterTheirSdpOnTheHandleOfTheirConnection() {
        Person ada = enter("Ada");
        Person bob = enter("Bob");
        Map<String, Object> host = Map.of("candidate", "candidate:842163049 1 udp 2122260223 192.0.2.10 54321 typ host generation 0",
                "sdpMid", "0", "sdpMLineIndex", 0);
        // Right behind the offer, before Janus has answered it: the candidate must still reach Janus after it.
        ada.send(Map.of("type", "sfu-publish", "sdp", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n", "source", "camera"));
        ada.send(Map.of("type", "sfu-candidate", "source", "camera", "candidate", host));
        ada.send(Map.of("type", "sfu-candidate", "source", "camera")); // no candidate: gathering is complete
        ada.next("sfu-published");
        long adas = janus.publisher(ada.id).id;
        await("Ada's candidates reach her publisher handle", () -> trickles(adas).size() == 2);
        List<Request> sent = trickles(adas);
        assertThat(sent.get(0).candidate().path("candidate").asText()).isEqualTo(host.get("candidate"));
        assertThat(sent.get(0).candidate().path("sdpMid").asText()).isEqualTo("0");
        assertThat(sent.get(0).candidate().path("sdpMLineIndex").asInt(-1)).isZero();
        assertThat(sent.get(1).candidate().path("completed").asBoolean()).as("the end of Ada's candidates").isTrue();
        assertThat(janus.requests().indexOf(sent.get(0))).as("after the publish")
                .isGreaterThan(janus.requests().indexOf(janus.messages(adas, "publish").getFirst()));

        janus.webrtcup(adas);
        bob.next("sfu-offer");
        bob.send(Map.of("type", "sfu-answer", "sdp", "v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"));
        bob.send(Map.of("type", "sfu-candidate", "source", "receive", "candidate", host));
        long bobs = janus.subscriber(bob.id).id;
        await("Bob's receiving candidate reaches his subscriber handle", () -> trickles(bobs).size() == 1);
        assertThat(janus.requests().indexOf(trickles(bobs).getFirst())).as("after the start")
                .isGreaterThan(janus.requests().indexOf(janus.messages(bobs, "start").getFirst()));
        assertThat(trickles(janus.publisher(bob.id).id)).as("nothing on Bob's publisher handle").isEmpty();
        people.forEach(p -> assertThat(p.all("error")).as(p.name + "'s errors").isEmpty());
    }

    private List<Request> trickles(long handle) {
        return janus.requests().stream().filter(r -> r.janus().equals("trickle") && r.handle() == handle).toList();
    }

    @Test
    void anUpdatingReplyIsFollowedByOneOfferWithTheMergedStreams() {
        Updating u = bobSubscribesToCyWhileJanusIsUpdating();
        Person ada = u.ada();
        Person bob = u.bob();
        Person cy = u.cy();
        long bobs = u.bobs();
        assertThat(u.call().request().feeds()).containsExactly(cy.id);
        String merged = janus.pushUpdate(bobs);

        // Had the "updating" reply made an offer, this one would be it (and the merged one would wait).
        JsonNode offer = bob.next("sfu-offer");
        assertThat(offer.path("sdp").asText()).isEqualTo(merged);
        assertThat(offer.path("fresh").asBoolean()).isFalse();
        assertThat(feedsOf(offer)).containsExactlyInAnyOrder(ada.id, cy.id);
        String answer = answer(bob, offer);
        assertThat(janus.messages(bobs, "start")).extracting(Request::sdp).hasSize(2).last().isEqualTo(answer);
        assertThat(bob.all("sfu-offer")).hasSize(2);
        people.forEach(p -> assertThat(p.all("error")).as(p.name + "'s errors").isEmpty());
    }

    @Test
    void feedsJanusIsStillUpdatingAreNotAskedForAgain() {
        Updating u = bobSubscribesToCyWhileJanusIsUpdating();
        Person bob = u.bob();
        Person cy = u.cy();
        long bobs = u.bobs();

        // Another publisher comes up before Janus has sent the merged offer.
        Person dee = enter("Dee");
        janus.webrtcup(publish(dee, "camera"));
        await("Bob's subscriber is asked for Dee", () -> subscribedFeeds(bob).contains(dee.id));
        List<Request> subscribes = janus.messages(bobs, "subscribe");
        assertThat(subscribes).extracting(Request::feeds).as("each feed asked for once")
                .containsExactly(List.of(cy.id), List.of(dee.id));
    }

    @Test
    void janusIsToldOnlyTheLayersThatChange() {
        Trio t = bobReceivesAdaAndCy(true, true);
        Person ada = t.ada(), bob = t.bob(), cy = t.cy();
        long bobs = t.bobs();
        String adaVideo = videoMid(bob, ada.id);
        String cyVideo = videoMid(bob, cy.id);
        await("Bob's grid layers are set", () -> configuredMids(bobs).containsAll(List.of(adaVideo, cyVideo)));
        assertThat(configuredMids(bobs)).as("each new stream's layer set once").containsExactlyInAnyOrder(adaVideo, cyVideo);

        // Every layer request makes Janus ask the publisher for a key frame: unchanged layers are not repeated.
        bob.send(Map.of("type", "sfu-quality", "participant", ada.id, "quality", "high"));
        await("Ada's high layer is asked for", () -> configuredMids(bobs).size() == 3);
        List<Request> configures = janus.messages(bobs, "configure");
        JsonNode last = configures.getLast().body().path("streams");
        assertThat(last).hasSize(1);
        assertThat(last.get(0).path("mid").asText()).isEqualTo(adaVideo);
        assertThat(last.get(0).path("substream").asInt()).isEqualTo(2);

        bob.send(Map.of("type", "sfu-quality", "participant", ada.id, "quality", "high"));
        bob.send(Map.of("type", "sfu-quality", "participant", cy.id, "quality", "low"));
        holds("the same layers again ask Janus nothing", Duration.ofMillis(300), () -> configuredMids(bobs).size() == 3);
        people.forEach(p -> assertThat(p.all("error")).as(p.name + "'s errors").isEmpty());
    }

    @Test
    void aVideoWithoutSimulcastIsOnlyTurnedOffAndOn() {
        Trio t = bobReceivesAdaAndCy(false, true);
        Person ada = t.ada(), bob = t.bob(), cy = t.cy();
        long bobs = t.bobs();
        String adaVideo = videoMid(bob, ada.id);
        String cyVideo = videoMid(bob, cy.id);
        // Janus sends a one-layer video as it comes; Cy's layers need picking.
        await("Cy's grid layer is set", () -> configuredMids(bobs).contains(cyVideo));

        // A large tile and back: Ada has no other layer, and each request would cost her a key frame.
        bob.send(Map.of("type", "sfu-quality", "participant", ada.id, "quality", "high"));
        bob.send(Map.of("type", "sfu-quality", "participant", ada.id, "quality", "low"));
        bob.send(Map.of("type", "sfu-quality", "participant", cy.id, "quality", "high"));
        await("Cy's high layer is asked for", () -> configuredMids(bobs).size() == 2);
        assertThat(configuredMids(bobs)).containsExactly(cyVideo, cyVideo);

        // Past last-N her video stops, and comes back. One step at a time: an "off" and an "on" that reach
        // the queue together cancel out, and Janus is rightly asked nothing.
        bob.send(Map.of("type", "sfu-quality", "participant", ada.id, "quality", "off"));
        await("Ada's video turned off", () -> configuredMids(bobs).size() == 3);
        bob.send(Map.of("type", "sfu-quality", "participant", ada.id, "quality", "high"));
        await("Ada's video turned on again", () -> configuredMids(bobs).size() == 4);
        List<Request> configures = janus.messages(bobs, "configure");
        JsonNode off = configures.get(2).body().path("streams").get(0);
        JsonNode on = configures.get(3).body().path("streams").get(0);
        assertThat(off.path("mid").asText()).isEqualTo(adaVideo);
        assertThat(off.path("send").asBoolean(true)).isFalse();
        assertThat(on.path("mid").asText()).isEqualTo(adaVideo);
        assertThat(on.path("send").asBoolean(false)).isTrue();
        assertThat(on.has("substream")).as("no layer to pick for a video without simulcast").isFalse();
        people.forEach(p -> assertThat(p.all("error")).as(p.name + "'s errors").isEmpty());
    }

    @Test
    void aRefusedLayerRequestIsSentAgainWithTheNextChange() {
        Trio t = bobReceivesAdaAndCy(false, false);
        Person ada = t.ada(), bob = t.bob(), cy = t.cy();
        long bobs = t.bobs();
        String adaVideo = videoMid(bob, ada.id);
        bob.send(Map.of("type", "sfu-quality", "participant", ada.id, "quality", "off"));
        await("Ada's video turned off", () -> configuredMids(bobs).size() == 1);

        // Janus refuses turning it on again: it is still off there, so the next change must say "on" again.
        janus.interceptNext(r -> r.handle() == bobs && r.request().equals("configure"),
                call -> call.reply(data("event").put("error_code", 499).put("error", "scripted refusal"), null));
        bob.send(Map.of("type", "sfu-quality", "participant", ada.id, "quality", "low"));
        await("the refused request", () -> configuredMids(bobs).size() == 2);
        bob.send(Map.of("type", "sfu-quality", "participant", cy.id, "quality", "off"));
        await("Cy's change, with Ada's again", () -> configuredMids(bobs).size() == 4);
        JsonNode last = janus.messages(bobs, "configure").getLast().body().path("streams");
        assertThat(last.findValuesAsText("mid")).containsExactlyInAnyOrder(adaVideo, videoMid(bob, cy.id));
    }

    private record Trio(Person ada, Person bob, Person cy, long bobs) {}

    /** Ada and Cy publish their cameras (with simulcast layers or not), and Bob receives both. */
    private Trio bobReceivesAdaAndCy(boolean adaLayers, boolean cyLayers) {
        Person ada = enter("Ada");
        Person bob = enter("Bob");
        Person cy = enter("Cy");
        janus.webrtcup(publish(ada, "camera", adaLayers));
        janus.webrtcup(publish(cy, "camera", cyLayers));
        receiveUntil(bob, ada.id, cy.id);
        return new Trio(ada, bob, cy, janus.subscriber(bob.id).id);
    }

    /** Bob receives Ada; then Cy publishes, and Janus answers Bob's subscribe to Cy with "updating". */
    private Updating bobSubscribesToCyWhileJanusIsUpdating() {
        Person ada = enter("Ada");
        Person bob = enter("Bob");
        janus.webrtcup(publish(ada, "camera"));
        answer(bob, bob.next("sfu-offer"));
        long bobs = janus.subscriber(bob.id).id;
        // Janus busy with a renegotiation of its own: it says "updating" now and offers everything later.
        CompletableFuture<ScriptedJanus.Call> updating = new CompletableFuture<>();
        janus.interceptNext(r -> r.handle() == bobs && r.request().equals("subscribe"), call -> {
            call.reply(data("updating"), null);
            updating.complete(call);
        });
        Person cy = enter("Cy");
        janus.webrtcup(publish(cy, "camera"));
        await("Janus answered Bob's subscribe to Cy with 'updating'", updating::isDone);
        return new Updating(ada, bob, cy, bobs, updating.join());
    }

    private record Updating(Person ada, Person bob, Person cy, long bobs, ScriptedJanus.Call call) {}
}
