package dev.parley.signaling;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.parley.signaling.Message.ClientMessage;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns wire text into messages and back. Decoding checks the shape (an object with a known string
 * {@code type}, fields of the right JSON types); {@link MessageValidator} then checks the values.
 */
public final class MessageCodec {

    private final ObjectMapper mapper = JsonMapper.builder()
            // Unknown fields are tolerated so that newer clients keep working with older servers.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    /** Decodes any message of the protocol, whichever side may send it. */
    public Message decode(String text) throws ProtocolException {
        JsonNode tree = parse(text);
        return bind(tree);
    }

    /** Decodes a message and requires that clients may send it. */
    public ClientMessage decodeFromClient(String text) throws ProtocolException {
        JsonNode tree = parse(text);
        String type = tree.get("type").textValue();
        if (!ClientMessage.class.isAssignableFrom(WIRE_CLASSES.get(type))) {
            throw new ProtocolException(ErrorCode.UNEXPECTED_TYPE, "clients may not send '" + type + "'");
        }
        return (ClientMessage) bind(tree);
    }

    /** Parses text into an object with a known string type, or refuses it. */
    private JsonNode parse(String text) throws ProtocolException {
        JsonNode tree;
        // One frame is one JSON value with no field given twice; anything after it, or a repeated
        // field that two readers could take differently, makes the frame bad JSON.
        try (JsonParser parser = mapper.getFactory().createParser(text)) {
            parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            tree = mapper.readTree(parser);
            if (tree != null && parser.nextToken() != null) {
                throw new ProtocolException(ErrorCode.BAD_JSON, "text after the JSON object");
            }
        } catch (JacksonException e) {
            throw new ProtocolException(ErrorCode.BAD_JSON, "not valid JSON");
        } catch (java.io.IOException e) {
            throw new ProtocolException(ErrorCode.BAD_JSON, "not valid JSON");
        }
        if (tree == null || tree.isMissingNode()) {
            throw new ProtocolException(ErrorCode.BAD_JSON, "empty message");
        }
        if (!tree.isObject()) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "a message must be a JSON object");
        }
        JsonNode type = tree.get("type");
        if (type == null || !type.isTextual()) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "a message needs a string field 'type'");
        }
        if (!WIRE_CLASSES.containsKey(type.textValue())) {
            throw new ProtocolException(ErrorCode.UNKNOWN_TYPE,
                    "unknown message type '" + abbreviate(type.textValue()) + "'");
        }
        return tree;
    }

    private Message bind(JsonNode tree) throws ProtocolException {
        FieldTypes.check(WIRE_CLASSES.get(tree.get("type").textValue()), tree);
        try {
            return mapper.treeToValue(tree, Message.class);
        } catch (JacksonException e) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "malformed message: " + describe(e));
        }
    }

    public String encode(Message message) {
        try {
            return mapper.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    /** The wire name of a message's type. */
    public static String typeOf(Message message) {
        return WIRE_NAMES.get(message.getClass());
    }

    /** Every wire type name, in the order PROTOCOL.md lists them. */
    public static List<String> wireTypes() {
        return List.copyOf(WIRE_NAMES.values());
    }

    private static final Map<Class<?>, String> WIRE_NAMES = new LinkedHashMap<>();
    private static final Map<String, Class<?>> WIRE_CLASSES = new LinkedHashMap<>();

    static {
        for (JsonSubTypes.Type type : Message.class.getAnnotation(JsonSubTypes.class).value()) {
            WIRE_NAMES.put(type.value(), type.name());
            WIRE_CLASSES.put(type.name(), type.value());
        }
    }

    private static String describe(JacksonException e) {
        if (!(e instanceof MismatchedInputException mismatch)) {
            return "wrong structure";
        }
        String path = mismatch.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .reduce((a, b) -> a + "." + b)
                .orElse("");
        return path.isEmpty() ? "wrong structure" : "field '" + path + "' has the wrong type";
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
