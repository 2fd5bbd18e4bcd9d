package dev.parley.signaling;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.parley.signaling.Message.ClientMessage;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns wire text into messages and back. Decoding only checks shape; {@link MessageValidator} checks values. */
public final class MessageCodec {

    private final ObjectMapper mapper = JsonMapper.builder()
            // Unknown fields are tolerated so that newer clients keep working with older servers.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    /** Decodes any message of the protocol, whichever side may send it. */
    public Message decode(String text) throws ProtocolException {
        try {
            Message message = mapper.readValue(text, Message.class);
            if (message == null) {
                throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "a message must be a JSON object with a type");
            }
            return message;
        } catch (InvalidTypeIdException e) {
            String type = e.getTypeId();
            if (type == null) {
                throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "a message needs a string field 'type'");
            }
            throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, "unknown message type '" + abbreviate(type) + "'");
        } catch (MismatchedInputException e) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "malformed message: " + fieldOf(e));
        } catch (JacksonException e) {
            throw new ProtocolException(ErrorCode.BAD_JSON, "not valid JSON");
        }
    }

    /** Decodes a message and requires that clients may send it. */
    public ClientMessage decodeFromClient(String text) throws ProtocolException {
        Message message = decode(text);
        if (message instanceof ClientMessage clientMessage) {
            return clientMessage;
        }
        throw new ProtocolException(ErrorCode.UNEXPECTED_TYPE, "clients may not send '" + typeOf(message) + "'");
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

    private static final Map<Class<?>, String> WIRE_NAMES = wireNames();

    private static Map<Class<?>, String> wireNames() {
        Map<Class<?>, String> names = new LinkedHashMap<>();
        for (JsonSubTypes.Type type : Message.class.getAnnotation(JsonSubTypes.class).value()) {
            names.put(type.value(), type.name());
        }
        return Collections.unmodifiableMap(names);
    }

    private static String fieldOf(MismatchedInputException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .reduce((a, b) -> a + "." + b)
                .orElse("");
        return path.isEmpty() ? "wrong structure" : "field '" + path + "' has the wrong type";
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
