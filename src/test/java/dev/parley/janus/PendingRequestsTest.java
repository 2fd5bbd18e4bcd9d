package dev.parley.janus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Which Janus message answers which request, fed as JSON text. */
class PendingRequestsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LONG = Duration.ofSeconds(30);
    private final PendingRequests pending = new PendingRequests(Runnable::run);

    private boolean feed(String json) throws IOException {
        return pending.answer(JSON.readTree(json.replace('\'', '"')));
    }

    private static JanusException refusal(CompletableFuture<JsonNode> future) {
        assertThat(future).isCompletedExceptionally();
        try {
            future.join();
        } catch (RuntimeException e) {
            assertThat(e.getCause()).isInstanceOf(JanusException.class);
            return (JanusException) e.getCause();
        }
        throw new AssertionError("not failed");
    }

    @Test
    void successAnswersAPlainRequest() throws IOException {
        CompletableFuture<JsonNode> create = pending.add("t1", "create", false, LONG);
        assertThat(feed("{'janus':'success','transaction':'t1','data':{'id':42}}")).isTrue();
        assertThat(create).isCompleted();
        assertThat(create.join().path("data").path("id").asLong()).isEqualTo(42);
        assertThat(pending.size()).isZero();
        assertThat(feed("{'janus':'success','transaction':'t1','data':{'id':42}}")).as("answered already").isFalse();
    }

    @Test
    void aPluginMessageWaitsPastTheAckForTheEventWithItsTransaction() throws IOException {
        CompletableFuture<JsonNode> join = pending.add("t2", "message", false, LONG);
        assertThat(feed("{'janus':'ack','session_id':1,'transaction':'t2'}")).isTrue();
        assertThat(join).isNotDone();
        assertThat(feed("{'janus':'event','session_id':1,'sender':2,'transaction':'other',"
                + "'plugindata':{'plugin':'janus.plugin.videoroom','data':{'videoroom':'event'}}}")).isFalse();
        assertThat(feed("{'janus':'webrtcup','session_id':1,'sender':2}")).isFalse();
        assertThat(join).isNotDone();
        assertThat(feed("{'janus':'event','session_id':1,'sender':2,'transaction':'t2',"
                + "'plugindata':{'plugin':'janus.plugin.videoroom','data':{'videoroom':'joined','id':'p1'}},"
                + "'jsep':{'type':'answer','sdp':'v=0'}}")).isTrue();
        assertThat(join.join().path("jsep").path("type").asText()).isEqualTo("answer");
    }

    @Test
    void aSynchronousPluginAnswerComesAsSuccessWithPluginData() throws IOException {
        CompletableFuture<JsonNode> exists = pending.add("t3", "message", false, LONG);
        assertThat(feed("{'janus':'success','session_id':1,'sender':2,'transaction':'t3',"
                + "'plugindata':{'plugin':'janus.plugin.videoroom','data':{'videoroom':'success','exists':true}}}"))
                .isTrue();
        assertThat(exists.join().path("plugindata").path("data").path("exists").asBoolean()).isTrue();
    }

    @Test
    void theAckItselfAnswersAKeepalive() throws IOException {
        CompletableFuture<JsonNode> keepalive = pending.add("t4", "keepalive", true, LONG);
        assertThat(feed("{'janus':'ack','session_id':1,'transaction':'t4'}")).isTrue();
        assertThat(keepalive).isCompleted();
    }

    @Test
    void coreAndPluginErrorsBecomeJanusExceptions() throws IOException {
        CompletableFuture<JsonNode> core = pending.add("e1", "keepalive", true, LONG);
        feed("{'janus':'error','transaction':'e1','error':{'code':458,'reason':'No such session 5'}}");
        assertThat(refusal(core).code()).isEqualTo(458);
        assertThat(refusal(core).reason()).isEqualTo("No such session 5");

        CompletableFuture<JsonNode> plugin = pending.add("e2", "message", false, LONG);
        feed("{'janus':'ack','transaction':'e2'}");
        feed("{'janus':'event','transaction':'e2','plugindata':{'plugin':'janus.plugin.videoroom',"
                + "'data':{'videoroom':'event','error_code':433,'error':'Unauthorized (wrong pin)'}}}");
        assertThat(refusal(plugin).code()).isEqualTo(433);
        assertThat(refusal(plugin).getMessage()).isEqualTo("Janus error 433: Unauthorized (wrong pin)");

        CompletableFuture<JsonNode> sync = pending.add("e3", "message", false, LONG);
        feed("{'janus':'success','transaction':'e3','plugindata':{'plugin':'janus.plugin.videoroom',"
                + "'data':{'videoroom':'event','error_code':426,'error':'No such room'}}}");
        assertThat(refusal(sync).code()).isEqualTo(426);
    }

    @Test
    void messagesWithoutAPendingTransactionBelongToTheListener() throws IOException {
        pending.add("t5", "message", false, LONG);
        assertThat(feed("{'janus':'event','sender':2,'plugindata':{'data':{'videoroom':'event','joining':{}}}}"))
                .isFalse();
        assertThat(feed("{'janus':'timeout','session_id':1}")).isFalse();
        assertThat(feed("{'janus':'hangup','transaction':'t5'}")).as("not an answer type").isFalse();
        assertThat(feed("{'janus':'success','transaction':7}")).as("numeric transaction").isFalse();
        assertThat(feed("[1,2]")).isFalse();
        assertThat(pending.size()).isEqualTo(1);
    }

    @Test
    void anUnansweredRequestTimesOut() {
        CompletableFuture<JsonNode> slow = pending.add("t6", "attach", false, Duration.ofMillis(50));
        assertThatThrownBy(() -> slow.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(TimeoutException.class).hasMessageContaining("attach");
        assertThat(pending.size()).isZero();
    }

    @Test
    void failAllFailsWhatIsPendingAndWhatComesLater() {
        CompletableFuture<JsonNode> a = pending.add("a", "create", false, LONG);
        CompletableFuture<JsonNode> b = pending.add("b", "message", false, LONG);
        pending.failAll(new IOException("gone"));
        assertThat(a).isCompletedExceptionally();
        assertThat(b).isCompletedExceptionally();
        assertThat(pending.add("c", "create", false, LONG)).isCompletedExceptionally();
        assertThat(pending.size()).isZero();
        assertThatThrownBy(a::join).cause().isInstanceOf(IOException.class).hasMessage("gone");
    }
}
