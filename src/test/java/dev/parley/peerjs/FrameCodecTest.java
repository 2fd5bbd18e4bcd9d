package dev.parley.peerjs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameCodecTest {

    private static JsonNode json(String text) {
        try {
            return PeerSocket.JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("invalid JSON: " + text, e);
        }
    }

    private static String relayOf(ClientFrame frame) {
        return FrameCodec.relay(frame.type(), "\"me\"", FrameCodec.quote(frame.dst()), frame.text(),
                frame.payloadStart(), frame.payloadEnd());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"a\":{\"b\":[1,2,{\"c\":null}]},\"s\":\"x\\\"y\\u00e9\\n\"}",
        "[1,\"two\",3.5e10,false]",
        "\"a \\\"quoted\\\" string with \\\\ and \\u2028\"",
        "-12.5e-3",
        "0",
        "true",
        "false",
        "null",
        "{}",
        "[]"
    })
    void thePayloadIsCopiedExactlyWhateverItsKind(String payload) {
        for (String text : new String[] {
            "{\"type\":\"OFFER\",\"payload\":" + payload + ",\"dst\":\"b\"}",
            "{ \"dst\" : \"b\" , \"payload\" :\n " + payload + " \t, \"type\":\"OFFER\" }",
            "{\"type\":\"OFFER\",\"dst\":\"b\",\"payload\":" + payload + "}"
        }) {
            ClientFrame frame = FrameCodec.read(text);
            assertThat(frame).as(text).isNotNull();
            assertThat(text.substring(frame.payloadStart(), frame.payloadEnd())).as(text).isEqualTo(payload);
            assertThat(frame.payload()).isEqualTo(payload);
            assertThat(json(relayOf(frame))).isEqualTo(json(
                    "{\"type\":\"OFFER\",\"src\":\"me\",\"dst\":\"b\",\"payload\":" + payload + "}"));
        }
    }

    @Test
    void aLargePayloadBeyondTheParsersFirstBufferIsSlicedCorrectly() {
        String payload = "{\"sdp\":\"" + "v=0\\r\\n".repeat(20_000) + "\",\"n\":1}";
        String text = "{\"type\":\"ANSWER\",\"dst\":\"b\",\"payload\":" + payload + ",\"after\":[1,2]}";
        assertThat(text.length()).isGreaterThan(100_000);
        ClientFrame frame = FrameCodec.read(text);
        assertThat(frame).isNotNull();
        assertThat(frame.payload()).isEqualTo(payload);
    }

    @Test
    void theServerWritesTheEnvelopeAndDropsEverythingElse() {
        ClientFrame frame = FrameCodec.read("{\"src\":\"mallory\",\"type\":\"CANDIDATE\",\"x\":{\"y\":[1]},\"dst\":\"b\",\"payload\":{\"c\":1}}");
        assertThat(relayOf(frame)).isEqualTo("{\"type\":\"CANDIDATE\",\"src\":\"me\",\"dst\":\"b\",\"payload\":{\"c\":1}}");
    }

    @Test
    void aFrameWithoutPayloadIsRelayedWithoutOne() {
        ClientFrame frame = FrameCodec.read("{\"type\":\"LEAVE\",\"dst\":\"b\"}");
        assertThat(frame.hasPayload()).isFalse();
        assertThat(frame.payload()).isNull();
        assertThat(relayOf(frame)).isEqualTo("{\"type\":\"LEAVE\",\"src\":\"me\",\"dst\":\"b\"}");
    }

    @Test
    void idsAreEscapedInTheEnvelope() {
        String weird = "a\"b\\c\u0001é";
        String out = FrameCodec.notice(Wire.Type.EXPIRE, FrameCodec.quote(weird), FrameCodec.quote("d"));
        assertThat(json(out).path("src").asText()).isEqualTo(weird);
    }

    @Test
    void anEmptyOrNullDestinationMeansNone() {
        assertThat(FrameCodec.read("{\"type\":\"LEAVE\",\"dst\":\"\"}").dst()).isNull();
        assertThat(FrameCodec.read("{\"type\":\"LEAVE\",\"dst\":null}").dst()).isNull();
        assertThat(FrameCodec.read("{\"type\":\"LEAVE\"}").dst()).isNull();
    }

    @Test
    void theLastOfDuplicateFieldsWinsAsInJavaScript() {
        ClientFrame frame = FrameCodec.read("{\"type\":\"HEARTBEAT\",\"type\":\"OFFER\",\"dst\":\"x\",\"dst\":\"b\"}");
        assertThat(frame.type()).isEqualTo(Wire.Type.OFFER);
        assertThat(frame.dst()).isEqualTo("b");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", " ", "x", "[]", "\"OFFER\"", "1", "null", "{}", "{\"type\":null}", "{\"type\":1}",
        "{\"type\":\"offer\",\"dst\":\"b\"}", "{\"type\":\"OPEN\"}", "{\"type\":\"ERROR\"}", "{\"type\":\"ID-TAKEN\"}",
        "{\"type\":\"OFFER\",\"dst\":1}", "{\"type\":\"OFFER\",\"dst\":[\"b\"]}", "{\"type\":\"OFFER\"}{}",
        "{\"type\":\"OFFER\",}", "{\"type\":\"OFFER\"", "{\"type\":\"OFFER\",\"payload\":\"\\x\"}",
        "{\"type\":\"OFFER\",\"payload\":\"unterminated}", "{\"type\":\"OFFER\",\"payload\":tru}",
        "{\"type\":\"OFFER\",\"payload\":\"ctrl\u0001char\"}", "{'type':'OFFER'}", "{type:\"OFFER\"}"
    })
    void badFramesReadAsNothing(String text) {
        assertThat(FrameCodec.read(text)).as(text).isNull();
    }

    @Test
    void deepNestingIsRefusedNotOverflowed() {
        String deep = "{\"type\":\"OFFER\",\"dst\":\"b\",\"payload\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertThat(FrameCodec.read(deep)).isNull();
    }

    @Test
    void serverMessagesUseThePeerServerTexts() {
        assertThat(json(FrameCodec.OPEN)).isEqualTo(json("{\"type\":\"OPEN\"}"));
        assertThat(json(FrameCodec.idTaken())).isEqualTo(json("{\"type\":\"ID-TAKEN\",\"payload\":{\"msg\":\"ID is taken\"}}"));
        assertThat(json(FrameCodec.error(Wire.Error.INVALID_KEY)))
                .isEqualTo(json("{\"type\":\"ERROR\",\"payload\":{\"msg\":\"Invalid key provided\"}}"));
        assertThat(json(FrameCodec.error(Wire.Error.INVALID_WS_PARAMETERS)).path("payload").path("msg").asText())
                .isEqualTo("No id, token, or key supplied to websocket server");
        assertThat(json(FrameCodec.error(Wire.Error.CONNECTION_LIMIT_EXCEED)).path("payload").path("msg").asText())
                .isEqualTo("Server has reached its concurrent user limit");
    }
}
