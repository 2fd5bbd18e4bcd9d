package dev.parley.peerjs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;

/**
 * Reads client frames and writes server frames. Reading streams tokens (no tree, no reflection) and
 * remembers where the payload lies; relaying writes a fresh envelope around that slice, so the server
 * sets {@code src}, drops any other field as PeerServer does, and never re-serializes the payload.
 * Copying the slice is safe because the parser has tokenized it completely, so it is valid JSON.
 */
final class FrameCodec {
    /**
     * One factory for every parse. The recycler pool is shared rather than per thread because Jetty runs
     * our handlers on virtual threads, where a thread-local pool would allocate fresh buffers every time.
     */
    private static final JsonFactory JSON = JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.newConcurrentDequePool())
            .build();

    static final String OPEN = "{\"type\":\"OPEN\"}";
    private static final String ID_TAKEN = withMessage(Wire.Type.ID_TAKEN, Wire.ID_TAKEN_TEXT);
    private static final Map<Wire.Error, String> ERRORS = new EnumMap<>(Wire.Error.class);
    /** {@code {"type":"OFFER","src":} and so on, indexed by ordinal: the constant head of every relay. */
    private static final String[] HEADS = new String[Wire.Type.values().length];

    static {
        for (Wire.Error error : Wire.Error.values()) {
            ERRORS.put(error, withMessage(Wire.Type.ERROR, error.text()));
        }
        for (Wire.Type type : Wire.Type.values()) {
            HEADS[type.ordinal()] = "{\"type\":" + quote(type.text()) + ",\"src\":";
        }
    }

    private FrameCodec() {}

    /** The frame, or null if it is not a JSON object with a type we relay or handle. */
    static ClientFrame read(String text) {
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String type = null;
            String dst = null;
            int payloadStart = -1;
            int payloadEnd = -1;
            JsonToken token;
            while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "type" -> type = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "dst" -> {
                        if (value == JsonToken.VALUE_STRING) {
                            dst = p.getText();
                        } else if (value == JsonToken.VALUE_NULL) {
                            dst = null;
                        } else {
                            return null; // an id is a string; anything else is a broken client
                        }
                    }
                    case "payload" -> {
                        payloadStart = (int) p.currentTokenLocation().getCharOffset();
                        payloadEnd = endOfValue(p, value);
                    }
                    default -> p.skipChildren();
                }
            }
            // Trailing text after the object would make the frame invalid JSON to a browser too.
            if (token != JsonToken.END_OBJECT || p.nextToken() != null || type == null) {
                return null;
            }
            Wire.Type known = Wire.Type.fromClient(type);
            if (known == null) {
                return null;
            }
            return new ClientFrame(known, dst == null || dst.isEmpty() ? null : dst, text, payloadStart, payloadEnd);
        } catch (IOException e) {
            return null; // not JSON, too deep, too long a number...: a bad frame, ignored
        }
    }

    /** Reads past the current value and returns the offset just after it. */
    private static int endOfValue(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
            p.skipChildren();
            return (int) p.currentTokenLocation().getCharOffset() + 1;
        }
        p.finishToken(); // strings are read lazily; this consumes the closing quote
        return (int) p.currentLocation().getCharOffset();
    }

    /**
     * {@code {"type":T,"src":S,"dst":D,"payload":P}} with P copied from {@code text[start, end)};
     * no payload field when {@code start < 0}. Ids come already quoted (see {@link #quote}).
     */
    static String relay(Wire.Type type, String srcJson, String dstJson, String text, int start, int end) {
        String head = HEADS[type.ordinal()];
        int length = head.length() + srcJson.length() + 7 + dstJson.length() + 1 + (start < 0 ? 0 : 11 + end - start);
        StringBuilder out = new StringBuilder(length).append(head).append(srcJson).append(",\"dst\":").append(dstJson);
        if (start >= 0) {
            out.append(",\"payload\":").append(text, start, end);
        }
        return out.append('}').toString();
    }

    /** A payload-less relay such as the LEAVE or EXPIRE the server sends on a peer's behalf. */
    static String notice(Wire.Type type, String srcJson, String dstJson) {
        return relay(type, srcJson, dstJson, null, -1, -1);
    }

    static String error(Wire.Error error) {
        return ERRORS.get(error);
    }

    static String idTaken() {
        return ID_TAKEN;
    }

    /** A JSON string literal, quotes included. */
    static String quote(String text) {
        char[] escaped = JsonStringEncoder.getInstance().quoteAsString(text);
        return new StringBuilder(escaped.length + 2).append('"').append(escaped).append('"').toString();
    }

    /** A JSON array of strings, for the peer list. */
    static String stringArray(Collection<String> items) {
        return write(g -> {
            g.writeStartArray();
            for (String item : items) {
                g.writeString(item);
            }
            g.writeEndArray();
        });
    }

    /** A flat JSON object of string fields, given as name, value, name, value... */
    static String object(String... namesAndValues) {
        return write(g -> {
            g.writeStartObject();
            for (int i = 0; i < namesAndValues.length; i += 2) {
                g.writeStringField(namesAndValues[i], namesAndValues[i + 1]);
            }
            g.writeEndObject();
        });
    }

    private static String withMessage(Wire.Type type, String message) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("type", type.text());
            g.writeObjectFieldStart("payload");
            g.writeStringField("msg", message);
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static String write(Body body) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen with a StringWriter
        }
        return out.toString();
    }
}
