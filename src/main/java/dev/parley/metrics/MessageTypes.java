package dev.parley.metrics;

/** Reads the type of an outgoing JSON message cheaply, relying on our encoders writing "type" first. */
public final class MessageTypes {
    private static final String PREFIX = "{\"type\":\"";

    private MessageTypes() {}

    /** The leading type of a JSON object, or "other" when it does not start with one. */
    public static String peek(String json) {
        if (!json.startsWith(PREFIX)) {
            return "other";
        }
        int end = json.indexOf('"', PREFIX.length());
        return end < 0 || end - PREFIX.length() > 40 ? "other" : json.substring(PREFIX.length(), end);
    }
}
