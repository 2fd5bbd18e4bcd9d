package dev.parley.signaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.parley.config.SignalingConfig;
import dev.parley.signaling.Message.IceCandidate;
import dev.parley.signaling.Message.Join;
import dev.parley.signaling.Message.SfuCandidate;
import dev.parley.signaling.Message.Signal;
import org.junit.jupiter.api.Test;

class MessageValidatorTest {
    private static final String ROOM = "0F8E9C3A-5B1D-4C2E-9A7F-3D6B8E1C2A4F";
    private final MessageValidator validator = new MessageValidator(SignalingConfig.defaults());

    @Test
    void joinNormalizesRoomAndName() throws Exception {
        Join join = (Join) validator.validate(new Join(1, ROOM, "  Ada\u0000\u202e Lovelace\n "));
        assertThat(join.room()).isEqualTo(ROOM.toLowerCase());
        assertThat(join.name()).isEqualTo("Ada Lovelace");
    }

    @Test
    void emptyOrMissingNameBecomesTheDefault() throws Exception {
        assertThat(((Join) validator.validate(new Join(1, ROOM, "   "))).name()).isEqualTo("Guest");
        assertThat(((Join) validator.validate(new Join(1, ROOM, null))).name()).isEqualTo("Guest");
        assertThat(((Join) validator.validate(new Join(1, ROOM, "\u00a0"))).name()).as("a no-break space").isEqualTo("Guest");
        assertThat(((Join) validator.validate(new Join(1, ROOM, "\u3000\u200b"))).name()).isEqualTo("Guest");
    }

    @Test
    void controlsAndSpacesInsideANameBecomeOneSpace() throws Exception {
        assertThat(((Join) validator.validate(new Join(1, ROOM, "Ada\tLovelace"))).name()).isEqualTo("Ada Lovelace");
        assertThat(((Join) validator.validate(new Join(1, ROOM, "Ada\u00a0\u00a0 Lovelace"))).name()).isEqualTo("Ada Lovelace");
        assertThat(((Join) validator.validate(new Join(1, ROOM, "Ada\u200bLovelace"))).name()).as("zero-width space")
            .isEqualTo("AdaLovelace");
    }

    @Test
    void joinRefusals() {
        assertCode(new Join(null, ROOM, "a"), ErrorCode.INVALID_MESSAGE);
        assertCode(new Join(2, ROOM, "a"), ErrorCode.UNSUPPORTED_VERSION);
        assertCode(new Join(1, null, "a"), ErrorCode.INVALID_MESSAGE);
        assertCode(new Join(1, "../../etc/passwd", "a"), ErrorCode.BAD_ROOM);
        assertCode(new Join(1, ROOM, "x".repeat(65)), ErrorCode.INVALID_MESSAGE);
    }

    @Test
    void sfuCandidateIsOneCandidateLineForAKnownConnectionOrTheEndOfThem() throws Exception {
        String line = "candidate:842163049 1 udp 2122260223 192.0.2.10 54321 typ host generation 0";
        SfuCandidate ok = new SfuCandidate("receive", new IceCandidate(line, "0", 0));
        assertThat(validator.validate(ok)).isEqualTo(ok);
        assertThat(validator.validate(new SfuCandidate("screen", new IceCandidate(line, null, 1)))).isNotNull();
        SfuCandidate end = new SfuCandidate("camera", null);
        assertThat(validator.validate(end)).isEqualTo(end);

        assertCode(new SfuCandidate(null, new IceCandidate(line, "0", 0)), ErrorCode.INVALID_MESSAGE);
        assertCode(new SfuCandidate("microphone", new IceCandidate(line, "0", 0)), ErrorCode.INVALID_MESSAGE);
        assertCode(new SfuCandidate("camera", new IceCandidate(null, "0", 0)), ErrorCode.INVALID_MESSAGE);
        assertCode(new SfuCandidate("camera", new IceCandidate("a=candidate:1 1 udp 1 192.0.2.1 9 typ host", "0", 0)),
                ErrorCode.INVALID_MESSAGE);
        assertCode(new SfuCandidate("camera", new IceCandidate(line + "\r\na=ice-ufrag:x", "0", 0)), ErrorCode.INVALID_MESSAGE);
        assertCode(new SfuCandidate("camera", new IceCandidate(line + " x".repeat(300), "0", 0)), ErrorCode.INVALID_MESSAGE);
        assertCode(new SfuCandidate("camera", new IceCandidate(line, null, null)), ErrorCode.INVALID_MESSAGE);
        assertCode(new SfuCandidate("camera", new IceCandidate(line, "", 0)), ErrorCode.INVALID_MESSAGE);
        assertCode(new SfuCandidate("camera", new IceCandidate(line, "m".repeat(33), 0)), ErrorCode.INVALID_MESSAGE);
        assertCode(new SfuCandidate("camera", new IceCandidate(line, "0\r\na=x", 0)), ErrorCode.INVALID_MESSAGE);
        assertCode(new SfuCandidate("camera", new IceCandidate(line, "0", -1)), ErrorCode.INVALID_MESSAGE);
    }

    @Test
    void signalNeedsATargetAndAnObject() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        assertCode(new Signal(null, null, f.objectNode()), ErrorCode.INVALID_MESSAGE);
        assertCode(new Signal(null, " ", f.objectNode()), ErrorCode.INVALID_MESSAGE);
        assertCode(new Signal(null, "b", null), ErrorCode.INVALID_MESSAGE);
        assertCode(new Signal(null, "b", f.textNode("sdp")), ErrorCode.INVALID_MESSAGE);
    }

    @Test
    void chatTextIsTrimmedLimitedAndKeepsLineBreaks() throws Exception {
        Message.Chat chat = (Message.Chat) validator.validate(new Message.Chat("x", "y", "  hi\u0007\nthere ", 5L));
        assertThat(chat.text()).isEqualTo("hi\nthere");
        assertThat(chat.from()).isNull();
        assertThat(((Message.Chat) validator.validate(new Message.Chat(null, null, "€".repeat(2000), null))).text())
                .hasSize(2000);
        assertCode(new Message.Chat(null, null, "x".repeat(2001), null), ErrorCode.TOO_LONG);
        assertCode(new Message.Chat(null, null, " \n ", null), ErrorCode.INVALID_MESSAGE);
        assertCode(new Message.Chat(null, null, null, null), ErrorCode.INVALID_MESSAGE);
    }

    @Test
    void stateMessagesNeedEveryFieldAndReactionsComeFromTheList() throws Exception {
        assertCode(new Message.MediaState(null, true, null, false, null), ErrorCode.INVALID_MESSAGE);
        assertCode(new Message.Hand(null, null), ErrorCode.INVALID_MESSAGE);
        assertCode(new Message.Reaction(null, "<script>"), ErrorCode.INVALID_MESSAGE);
        assertThat(((Message.Reaction) validator.validate(new Message.Reaction("forged", "👍"))).from()).isNull();
    }

    private void assertCode(Message.ClientMessage message, ErrorCode code) {
        assertThatThrownBy(() -> validator.validate(message))
                .isInstanceOf(ProtocolException.class)
                .extracting(e -> ((ProtocolException) e).code()).isEqualTo(code);
    }
}
