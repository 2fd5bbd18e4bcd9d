package dev.parley.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A JSON model loose enough for a fuzzer: objects keep their order and may repeat a key, and a
 * {@link Raw} value is written as-is, so numbers like {@code 1e999999} or 5,000 digits survive untouched.
 * Strings are escaped as a browser's {@code JSON.stringify} would, except that unpaired surrogates are
 * always written as {@code \\uXXXX} escapes (a text frame cannot carry them raw).
 */
public final class Json {
    private Json() {}

    /** An object as an ordered list of members; duplicates allowed. */
    public record Obj(List<Map.Entry<String, Object>> members) {
        public Obj {
            members = new ArrayList<>(members);
        }

        public static Obj of(Object... namesAndValues) {
            List<Map.Entry<String, Object>> members = new ArrayList<>();
            for (int i = 0; i < namesAndValues.length; i += 2) {
                members.add(entry((String) namesAndValues[i], namesAndValues[i + 1]));
            }
            return new Obj(members);
        }

        public Obj copy() {
            List<Map.Entry<String, Object>> copied = new ArrayList<>();
            for (Map.Entry<String, Object> m : members) {
                copied.add(entry(m.getKey(), deepCopy(m.getValue())));
            }
            return new Obj(copied);
        }

        /** The value the last member with this name has (what a lenient parser keeps), or null. */
        public Object get(String name) {
            Object found = null;
            for (Map.Entry<String, Object> m : members) {
                if (m.getKey().equals(name)) {
                    found = m.getValue() == null ? NULL : m.getValue();
                }
            }
            return found;
        }

        public boolean has(String name) {
            return get(name) != null;
        }

        /** Replaces every member of that name by one (appended if absent). */
        public Obj set(String name, Object value) {
            boolean done = false;
            for (int i = 0; i < members.size(); i++) {
                if (members.get(i).getKey().equals(name)) {
                    if (!done) {
                        members.set(i, entry(name, value));
                        done = true;
                    } else {
                        members.remove(i--);
                    }
                }
            }
            if (!done) {
                members.add(entry(name, value));
            }
            return this;
        }

        public Obj remove(String name) {
            members.removeIf(m -> m.getKey().equals(name));
            return this;
        }

        public Obj add(String name, Object value) {
            members.add(entry(name, value));
            return this;
        }

        public List<String> names() {
            return members.stream().map(Map.Entry::getKey).toList();
        }

        @Override
        public String toString() {
            return write(this);
        }
    }

    public record Arr(List<Object> items) {
        public static Arr of(Object... items) {
            return new Arr(new ArrayList<>(List.of(items)));
        }
    }

    /** What a {@link Raw} literal is, so an oracle can tell what a parser will make of it. */
    public enum RawKind {
        /** An integer within Java's int range. */
        INT,
        /** An integer within long range but not int range. */
        LONG,
        /** An integer beyond long range. */
        BIG_INT,
        /** A number with a fraction or exponent (never an exact integer written as one, such as 1.0). */
        FLOAT,
        /** A number too long for the parser's limits (thousands of digits): not accepted as JSON. */
        TOO_LONG_NUMBER,
        /** JSON null. */
        NULL,
        /** Valid JSON arrays or objects nested {@link Raw#depth} deep, kept as text to spare the recursion. */
        NESTED,
        /** Not valid JSON at all. */
        INVALID
    }

    /** Written verbatim: numbers, literals, or anything else a fuzzer wants in that spot. */
    public record Raw(String text, RawKind kind, int depth) {
        public Raw(String text, RawKind kind) {
            this(text, kind, 0);
        }
    }

    /** The JSON types as a schema sees them, numbers split by what they fit. */
    public enum Kind { STRING, BOOL, INT, LONG, BIG_INT, FLOAT, NULL, ARRAY, OBJECT, BROKEN }

    public static Kind kindOf(Object v) {
        return switch (v) {
            case null -> Kind.NULL;
            case String s -> Kind.STRING;
            case Boolean b -> Kind.BOOL;
            case Integer i -> Kind.INT;
            case Long l -> l == l.intValue() ? Kind.INT : Kind.LONG;
            case Number n -> Kind.FLOAT;
            case Obj o -> Kind.OBJECT;
            case Arr a -> Kind.ARRAY;
            case Raw r -> switch (r.kind()) {
                case INT -> Kind.INT;
                case LONG -> Kind.LONG;
                case BIG_INT -> Kind.BIG_INT;
                case FLOAT -> Kind.FLOAT;
                case NULL -> Kind.NULL;
                case NESTED -> r.text().startsWith("{") ? Kind.OBJECT : Kind.ARRAY;
                case TOO_LONG_NUMBER, INVALID -> Kind.BROKEN;
            };
            default -> throw new IllegalArgumentException(v.getClass().toString());
        };
    }

    /** Nesting depth: 1 for an object or array of scalars. */
    public static int depth(Object v) {
        return switch (v) {
            case Raw r -> r.depth();
            case Obj o -> 1 + o.members().stream().mapToInt(m -> depth(m.getValue())).max().orElse(0);
            case Arr a -> 1 + a.items().stream().mapToInt(Json::depth).max().orElse(0);
            case null, default -> 0;
        };
    }

    /** True if some literal inside is not JSON, or a number no parser should accept. */
    public static boolean hasBrokenLiteral(Object v) {
        return switch (v) {
            case Raw r -> kindOf(r) == Kind.BROKEN;
            case Obj o -> o.members().stream().anyMatch(m -> hasBrokenLiteral(m.getValue()));
            case Arr a -> a.items().stream().anyMatch(Json::hasBrokenLiteral);
            case null, default -> false;
        };
    }

    /** True if some object inside (this one included) repeats a member name. */
    public static boolean hasDuplicateKeys(Object v) {
        return switch (v) {
            case Obj o -> o.names().size() != new java.util.HashSet<>(o.names()).size()
                    || o.members().stream().anyMatch(m -> hasDuplicateKeys(m.getValue()));
            case Arr a -> a.items().stream().anyMatch(Json::hasDuplicateKeys);
            case null, default -> false;
        };
    }

    /** JSON null, since Java null also means "absent" in {@link Obj#get}. */
    public static final Raw NULL = new Raw("null", RawKind.NULL);

    public static Map.Entry<String, Object> entry(String name, Object value) {
        return new java.util.AbstractMap.SimpleImmutableEntry<>(name, value);
    }

    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    public static void write(Object value, StringBuilder out) {
        switch (value) {
            case null -> out.append("null");
            case Raw raw -> out.append(raw.text());
            case String s -> quote(s, out);
            case Boolean b -> out.append(b);
            case Number n -> out.append(n);
            case Obj o -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<String, Object> m : o.members()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    quote(m.getKey(), out);
                    out.append(':');
                    write(m.getValue(), out);
                }
                out.append('}');
            }
            case Arr a -> {
                out.append('[');
                for (int i = 0; i < a.items().size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(a.items().get(i), out);
                }
                out.append(']');
            }
            default -> throw new IllegalArgumentException("not a JSON value: " + value.getClass());
        }
    }

    public static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2);
        quote(s, out);
        return out.toString();
    }

    public static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || isLoneSurrogate(s, i)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean isLoneSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
        }
        return false;
    }

    private static Object deepCopy(Object v) {
        return switch (v) {
            case Obj o -> o.copy();
            case Arr a -> new Arr(new ArrayList<>(a.items().stream().map(Json::deepCopy).toList()));
            case null, default -> v;
        };
    }
}
