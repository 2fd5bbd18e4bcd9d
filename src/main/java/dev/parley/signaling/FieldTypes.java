package dev.parley.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.RecordComponent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks that each field of a message has the JSON type its record declares, before binding, so no
 * value is silently converted: {@code "to": false} is a wrong type, not the id "false", and
 * {@code "version": 1e-7} is not 0. Absent and null fields are left to the validator.
 */
final class FieldTypes {
    private static final Map<Class<?>, RecordComponent[]> COMPONENTS = new ConcurrentHashMap<>();

    private FieldTypes() {}

    static void check(Class<?> type, JsonNode message) throws ProtocolException {
        String field = misfit(type, message);
        if (field != null) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "malformed message: field '" + field + "' has the wrong type");
        }
    }

    /** The first field of a record whose JSON value has the wrong type, or null. */
    private static String misfit(Class<?> type, JsonNode object) {
        for (RecordComponent component : COMPONENTS.computeIfAbsent(type, Class::getRecordComponents)) {
            JsonNode value = object.get(component.getName());
            if (value != null && !value.isNull() && !fits(component.getType(), value)) {
                return component.getName();
            }
        }
        return null;
    }

    private static boolean fits(Class<?> type, JsonNode value) {
        if (type == String.class) {
            return value.isTextual();
        }
        if (type == Boolean.class || type == boolean.class) {
            return value.isBoolean();
        }
        if (type == Integer.class || type == int.class) {
            return value.isIntegralNumber() && value.canConvertToInt();
        }
        if (type == Long.class || type == long.class) {
            return value.isIntegralNumber() && value.canConvertToLong();
        }
        if (java.util.List.class.isAssignableFrom(type)) {
            return value.isArray();
        }
        if (type.isRecord()) {
            // A nested record (an sfu-candidate's candidate) holds to the same rule, field by field.
            return value.isObject() && misfit(type, value) == null;
        }
        return true; // JsonNode payloads are checked where they are used
    }
}
