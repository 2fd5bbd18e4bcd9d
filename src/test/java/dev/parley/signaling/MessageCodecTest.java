package dev.parley.signaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The codec against the examples in PROTOCOL.md, which are the contract with the browser. */
class MessageCodecTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final MessageCodec codec = new MessageCodec();

    static List<String> documentedExamples() throws IOException {
        String doc = Files.readString(Path.of("PROTOCOL.md"));
        Matcher m = Pattern.compile("```json\\s*\\n(.*?)\\n```", Pattern.DOTALL).matcher(doc);
        List<String> examples = new ArrayList<>();
        while (m.find()) {
            examples.add(m.group(1).strip());
        }
        return examples;
    }

    @ParameterizedTest
    @MethodSource("documentedExamples")
    void everyDocumentedExampleDecodesAndEncodesBackToTheSameJson(String example) throws Exception {
        Message decoded = codec.decode(example);
        JsonNode reencoded = JSON.readTree(codec.encode(decoded));
        assertThat(reencoded).isEqualTo(JSON.readTree(example));
    }

    @Test
    void theDocumentTheJavaTypesAndProtocolJsNameExactlyTheSameMessages() throws Exception {
        Set<String> documented = new LinkedHashSet<>();
        for (String example : documentedExamples()) {
            documented.add(JSON.readTree(example).path("type").asText());
        }
        Set<String> headings = new LinkedHashSet<>();
        Matcher h = Pattern.compile("(?m)^### ([a-z-]+) \\(").matcher(Files.readString(Path.of("PROTOCOL.md")));
        while (h.find()) {
            headings.add(h.group(1));
        }
        String js = Files.readString(Path.of("src/main/resources/static/js/protocol.js"));
        Matcher block = Pattern.compile("MessageType = Object\\.freeze\\(\\{(.*?)\\}\\)", Pattern.DOTALL).matcher(js);
        assertThat(block.find()).as("protocol.js declares MessageType").isTrue();
        Set<String> inJs = new LinkedHashSet<>();
        Matcher v = Pattern.compile(":\\s*'([a-z-]+)'").matcher(block.group(1));
        while (v.find()) {
            inJs.add(v.group(1));
        }

        Set<String> inJava = new LinkedHashSet<>(MessageCodec.wireTypes());
        assertThat(documented).containsExactlyInAnyOrderElementsOf(inJava);
        assertThat(headings).containsExactlyInAnyOrderElementsOf(inJava);
        assertThat(inJs).containsExactlyInAnyOrderElementsOf(inJava);
    }

    @Test
    void protocolJsActsOnExactlyTheMessagesTheServerSends() throws Exception {
        Set<String> fromServer = new LinkedHashSet<>();
        Matcher h = Pattern.compile("(?m)^### ([a-z-]+) \\((server → client|both directions)\\)")
                .matcher(Files.readString(Path.of("PROTOCOL.md")));
        while (h.find()) {
            fromServer.add(h.group(1));
        }
        String js = Files.readString(Path.of("src/main/resources/static/js/protocol.js"));
        Matcher block = Pattern.compile("MessageType = Object\\.freeze\\(\\{(.*?)\\}\\)", Pattern.DOTALL).matcher(js);
        assertThat(block.find()).as("protocol.js declares MessageType").isTrue();
        java.util.Map<String, String> wireByName = new java.util.HashMap<>();
        Matcher entry = Pattern.compile("([A-Z_]+):\\s*'([a-z-]+)'").matcher(block.group(1));
        while (entry.find()) {
            wireByName.put(entry.group(1), entry.group(2));
        }
        Matcher table = Pattern.compile("#incoming = new Map\\(\\[(.*?)\\n  \\]\\);", Pattern.DOTALL).matcher(js);
        assertThat(table.find()).as("protocol.js has a table of what each incoming message does").isTrue();
        Set<String> handled = new LinkedHashSet<>();
        Matcher key = Pattern.compile("\\[MessageType\\.([A-Z_]+),").matcher(table.group(1));
        while (key.find()) {
            handled.add(wireByName.get(key.group(1)));
        }
        assertThat(fromServer).hasSizeGreaterThan(10);
        assertThat(handled).containsExactlyInAnyOrderElementsOf(fromServer);
    }

    @Test
    void everyDocumentedErrorCodeExistsAndEveryCodeIsDocumented() throws Exception {
        String doc = Files.readString(Path.of("PROTOCOL.md"));
        String table = doc.substring(doc.indexOf("## Error codes"), doc.indexOf("## WebSocket close codes"));
        Set<String> documented = new LinkedHashSet<>();
        Matcher m = Pattern.compile("(?m)^\\| `([a-z-]+)` \\|").matcher(table);
        while (m.find()) {
            documented.add(m.group(1));
        }
        assertThat(documented).containsExactlyInAnyOrderElementsOf(
                Stream.of(ErrorCode.values()).map(ErrorCode::wire).toList());
    }

    @Test
    void clientSuppliedSenderIsReadButServerMessagesCannotComeFromClients() throws Exception {
        Message.Signal signal = (Message.Signal) codec.decodeFromClient(
                "{\"type\":\"signal\",\"from\":\"forged\",\"to\":\"b\",\"data\":{}}");
        assertThat(signal.to()).isEqualTo("b");
        assertThatThrownBy(() -> codec.decodeFromClient("{\"type\":\"joined\",\"version\":1,\"id\":\"x\","
                + "\"room\":\"r\",\"participants\":[],\"heartbeatMs\":1}"))
                .isInstanceOf(ProtocolException.class)
                .extracting(e -> ((ProtocolException) e).code()).isEqualTo(ErrorCode.UNEXPECTED_TYPE);
    }

    @ParameterizedTest
    @MethodSource("badFrames")
    void badFramesAreRefusedWithTheirCode(String frame, ErrorCode expected) {
        assertThatThrownBy(() -> codec.decodeFromClient(frame))
                .isInstanceOf(ProtocolException.class)
                .extracting(e -> ((ProtocolException) e).code()).isEqualTo(expected);
    }

    static Stream<Object[]> badFrames() {
        return Stream.of(
                new Object[] {"{not json", ErrorCode.BAD_JSON},
                new Object[] {"", ErrorCode.BAD_JSON},
                new Object[] {"[1,2]", ErrorCode.INVALID_MESSAGE},
                new Object[] {"42", ErrorCode.INVALID_MESSAGE},
                new Object[] {"null", ErrorCode.INVALID_MESSAGE},
                new Object[] {"{}", ErrorCode.INVALID_MESSAGE},
                new Object[] {"{\"type\":\"teleport\"}", ErrorCode.UNKNOWN_TYPE},
                new Object[] {"{\"type\":7}", ErrorCode.INVALID_MESSAGE},
                new Object[] {"{\"type\":\"join\",\"version\":\"one\"}", ErrorCode.INVALID_MESSAGE},
                new Object[] {"{\"type\":\"join\",\"name\":{\"a\":1}}", ErrorCode.INVALID_MESSAGE},
                // A nested record's fields are held to their types too: no "0" from 0, no 1 from "1".
                new Object[] {"{\"type\":\"sfu-candidate\",\"source\":\"camera\",\"candidate\":\"candidate:1\"}",
                        ErrorCode.INVALID_MESSAGE},
                new Object[] {"{\"type\":\"sfu-candidate\",\"source\":\"camera\",\"candidate\":{\"candidate\":\"candidate:1\",\"sdpMid\":0}}",
                        ErrorCode.INVALID_MESSAGE},
                new Object[] {"{\"type\":\"sfu-candidate\",\"source\":\"camera\",\"candidate\":{\"candidate\":\"candidate:1\",\"sdpMLineIndex\":\"1\"}}",
                        ErrorCode.INVALID_MESSAGE},
                new Object[] {"{\"type\":\"sfu-candidate\",\"source\":\"camera\",\"candidate\":{\"candidate\":\"candidate:1\",\"sdpMLineIndex\":1.9}}",
                        ErrorCode.INVALID_MESSAGE},
                new Object[] {"{\"type\":\"pong\"}", ErrorCode.UNEXPECTED_TYPE});
    }
}
