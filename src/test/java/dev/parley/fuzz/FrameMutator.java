package dev.parley.fuzz;

import dev.parley.fuzz.Json.Arr;
import dev.parley.fuzz.Json.Kind;
import dev.parley.fuzz.Json.Obj;
import dev.parley.fuzz.Json.Raw;
import dev.parley.fuzz.Json.RawKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The protocol-independent half of the fuzzers: hostile values (huge numbers, deep nesting, unicode edge
 * cases, long strings), mutations of a valid message's fields, and frame-level damage (truncation,
 * trailing text, random soup, invalid UTF-8, binary frames, broken WebSocket framing). Everything is
 * drawn from the one {@link Random} it is given, so a seed replays a run exactly.
 */
public final class FrameMutator {

    /** How a frame goes on the wire. */
    public enum FrameKind {
        /** A text frame of {@link Frame#text()}. */
        TEXT,
        /** A text frame whose payload is {@link Frame#bytes()}, valid UTF-8 or not. */
        TEXT_BYTES,
        /** A binary frame of {@link Frame#bytes()}. */
        BINARY,
        /** {@link Frame#text()} split over a text frame and continuation frames, maybe with a ping between. */
        FRAGMENTED,
        /** A frame that breaks RFC 6455 (reserved bits, unknown opcode, no mask...): {@link Frame#violation()}. */
        VIOLATION,
        /** {@link Frame#bytes()} written raw, then the TCP connection dropped. */
        RAW_ABORT
    }

    /** A frame that breaks the WebSocket framing rules. */
    public record Violation(int firstByte, byte[] payload, boolean masked) {}

    /** One frame to send, what it is, and what the protocol's oracle expects of it. */
    public record Frame<E>(String label, FrameKind kind, String text, byte[] bytes, Violation violation,
            int fragments, E expect) {

        public static <E> Frame<E> text(String label, String text, E expect) {
            return new Frame<>(label, FrameKind.TEXT, text, null, null, 0, expect);
        }

        public <F> Frame<F> expecting(F other) {
            return new Frame<>(label, kind, text, bytes, violation, fragments, other);
        }

        /** Size on the wire, payload only. */
        public int payloadBytes() {
            return switch (kind) {
                case TEXT, FRAGMENTED -> text.getBytes(StandardCharsets.UTF_8).length;
                case VIOLATION -> violation.payload().length;
                default -> bytes.length;
            };
        }

        public void sendTo(RawWebSocket ws, Random random) throws IOException {
            switch (kind) {
                case TEXT -> ws.sendText(text);
                case TEXT_BYTES -> ws.sendFrame(true, RawWebSocket.OP_TEXT, bytes);
                case BINARY -> ws.sendBinary(bytes);
                case FRAGMENTED -> {
                    byte[] all = text.getBytes(StandardCharsets.UTF_8);
                    int[] cuts = cuts(all.length, fragments, random);
                    for (int i = 0; i < cuts.length - 1; i++) {
                        byte[] part = java.util.Arrays.copyOfRange(all, cuts[i], cuts[i + 1]);
                        boolean last = i == cuts.length - 2;
                        ws.sendFrame(last, i == 0 ? RawWebSocket.OP_TEXT : RawWebSocket.OP_CONTINUATION, part);
                        if (!last && random.nextInt(4) == 0) {
                            ws.sendFrame(true, RawWebSocket.OP_PING, "fuzz".getBytes(StandardCharsets.US_ASCII));
                        }
                    }
                }
                case VIOLATION -> ws.sendFrame(violation.firstByte(), violation.payload(), violation.masked());
                case RAW_ABORT -> {
                    ws.sendRaw(bytes);
                    ws.abort();
                }
            }
        }

        private static int[] cuts(int length, int parts, Random random) {
            int[] cuts = new int[parts + 1];
            cuts[parts] = length;
            for (int i = 1; i < parts; i++) {
                cuts[i] = length == 0 ? 0 : random.nextInt(length + 1);
            }
            java.util.Arrays.sort(cuts, 1, parts);
            return cuts;
        }

        @Override
        public String toString() {
            String shown = switch (kind) {
                case TEXT, FRAGMENTED -> abbreviate(text);
                case VIOLATION -> "first byte 0x" + Integer.toHexString(violation.firstByte())
                        + ", " + violation.payload().length + " bytes, masked " + violation.masked();
                default -> bytes.length + " bytes " + abbreviate(new String(bytes, 0, Math.min(bytes.length, 200),
                        StandardCharsets.ISO_8859_1));
            };
            return label + " [" + kind + "] " + shown;
        }
    }

    public static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        String flat = s.length() > 240 ? s.substring(0, 160) + "…(" + s.length() + " chars)…" + s.substring(s.length() - 60) : s;
        StringBuilder out = new StringBuilder();
        flat.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp == 0x7F || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0x202E || cp == 0xFEFF) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }

    /** Unicode that has broken software before: controls, lone surrogates, direction overrides, BOMs, emoji. */
    static final List<String> UNICODE_EDGES = List.of(
            "\u0000", "a\u0000b", "\u0001\u001f\u007f", "\ud800", "\udfff", "x\udc00y", "\udbff\udfff", "\ud83c",
            "\udf89\ud83c", "\u202e", "evil\u202egnp.exe", "\u200f\u200e\u2066\u2069", "\ufeff", "\ufeff\ufeffBOM",
            "\uffff", "\ufffe", "\ufffd", "🎉", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "e\u0301\u0301\u0301", "Z̷̧̛͉̳̼̹̣͓̻ͣͪ̋̐a̶l̸g̴o̵",
            "مرحبا بالعالم", "שָׁלוֹם", "日本語テキスト", "\u2028\u2029", "\n\t\r", " \u00a0\u2003\u3000 ",
            "<script>alert(1)</script>", "\"'\\`${x}", "%s%n%x", "../../etc/passwd", "\\u0000", "𝕏𝕪𝕫",
            "\u0085\u008d", "\ue000\uf8ff", "\ud83d\ude00".repeat(70), "a".repeat(65), "\uDB40\uDC01\uDB40\uDC74");

    private static final String ALPHABET = "abcXYZ019 _-.:/{}[]\",\\é€😀\u0000\u202e";

    private final Random r;
    private double heavy = 1;

    public FrameMutator(Random random) {
        this.r = random;
    }

    /**
     * How often, relative to the normal mix, to pick frames that are expensive (tens or hundreds of KiB,
     * thousands of nesting levels) or that cost a connection (invalid UTF-8, broken framing): 1 for the
     * tests, less for a long run that must get through a million frames on a small machine.
     */
    public FrameMutator heavy(double share) {
        this.heavy = share;
        return this;
    }

    /** True when a heavy pick should be swapped for a light one (never at the normal mix, so seeds replay). */
    public boolean skipHeavy() {
        return heavy < 1 && !chance(heavy);
    }

    public Random random() {
        return r;
    }

    public <T> T pick(List<T> items) {
        return items.get(r.nextInt(items.size()));
    }

    @SafeVarargs
    public final <T> T pick(T... items) {
        return items[r.nextInt(items.length)];
    }

    public boolean chance(double p) {
        return r.nextDouble() < p;
    }

    /** A short string of mixed scripts, controls and emoji. */
    public String randomString(int maxLength) {
        int n = r.nextInt(maxLength + 1);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(10);
            if (c < 6) {
                s.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
            } else if (c < 8) {
                s.appendCodePoint(0x20 + r.nextInt(0x2FF0));
            } else if (c < 9) {
                s.appendCodePoint(0x1F300 + r.nextInt(0x300));
            } else {
                s.append((char) r.nextInt(0x10000)); // anything, lone surrogates included
            }
        }
        return s.toString();
    }

    public String unicodeEdge() {
        if (chance(0.7)) {
            return pick(UNICODE_EDGES);
        }
        return pick(UNICODE_EDGES) + randomString(8) + pick(UNICODE_EDGES);
    }

    /** About {@code bytes} UTF-8 bytes of text, ASCII or multi-byte, for frames near and over the limits. */
    public String sizedString(int bytes) {
        String unit = pick("x", "é", "€", "😀", "a\u0301");
        int unitBytes = unit.getBytes(StandardCharsets.UTF_8).length;
        return unit.repeat(Math.max(0, bytes / unitBytes));
    }

    /** Numbers no JSON library handles the same way: overflowing exponents, 30-digit integers, tiny doubles. */
    public Raw hugeNumber() {
        return pick(
                new Raw("1e999999", RawKind.FLOAT),
                new Raw("-1e999999", RawKind.FLOAT),
                new Raw("1E+400", RawKind.FLOAT),
                new Raw("4.9e-325", RawKind.FLOAT),
                new Raw("0.1e-999999", RawKind.FLOAT),
                new Raw("1.7976931348623157e309", RawKind.FLOAT),
                new Raw("123456789012345678901234567890", RawKind.BIG_INT),
                new Raw("-123456789012345678901234567890", RawKind.BIG_INT),
                new Raw("9223372036854775808", RawKind.BIG_INT),
                new Raw("2147483648", RawKind.LONG),
                new Raw("-9223372036854775808", RawKind.LONG),
                new Raw("1.5", RawKind.FLOAT),
                new Raw("-0.5", RawKind.FLOAT),
                new Raw("3.141592653589793238462643383279", RawKind.FLOAT),
                new Raw("1" + "0".repeat(300), RawKind.BIG_INT),
                new Raw("0." + "3".repeat(300), RawKind.FLOAT));
    }

    /** Thousands of digits: beyond any sane parser limit. */
    public Raw tooLongNumber() {
        int digits = 3000 + r.nextInt(5000);
        StringBuilder s = new StringBuilder(digits + 2);
        s.append(1 + r.nextInt(9));
        for (int i = 1; i < digits; i++) {
            s.append((char) ('0' + r.nextInt(10)));
        }
        if (chance(0.3)) {
            s.append(".5");
        }
        return new Raw(s.toString(), RawKind.TOO_LONG_NUMBER);
    }

    public Raw smallInt() {
        return new Raw(String.valueOf(pick(0, 1, -1, 2, 7, 2147483647, -2147483648)), RawKind.INT);
    }

    /** Arrays or objects nested {@code depth} deep: {@code [[[...]]]} or {@code {"a":{"a":...}}}. */
    public Raw nested(int depth) {
        boolean arrays = chance(0.6);
        String open = arrays ? "[" : "{\"a\":";
        String close = arrays ? "]" : "}";
        String inner = arrays ? (chance(0.5) ? "" : "1") : "1";
        if (!arrays) {
            // the innermost object holds a value, so depth counts objects exactly
            return new Raw(open.repeat(depth) + inner + close.repeat(depth), RawKind.NESTED, depth);
        }
        return new Raw(open.repeat(depth) + inner + close.repeat(depth), RawKind.NESTED, depth);
    }

    /** Depth far from any parser's limit, on either side: 1-400 or 2,000-10,000. */
    public Raw deepOrShallow() {
        return chance(0.5) ? nested(1 + r.nextInt(400)) : nested(2000 + r.nextInt(8001));
    }

    /** Invalid JSON in a value's place. */
    public Raw brokenLiteral() {
        return new Raw(pick("tru", "nul", "NaN", "Infinity", "-", "01", "1.", ".5", "+1", "0x10", "'x'", "\"unterminated",
                "[1,]", "{\"a\"}", "{,}", "undefined", "1e", "--1", "\"\\x\"", "\"\\u12\""), RawKind.INVALID);
    }

    /** A value of the given kind. */
    public Object valueOf(Kind kind) {
        return switch (kind) {
            case STRING -> chance(0.5) ? unicodeEdge() : randomString(12);
            case BOOL -> r.nextBoolean();
            case INT -> smallInt();
            case LONG -> new Raw(pick("2147483648", "-2147483649", "9007199254740993", "9223372036854775807"), RawKind.LONG);
            case BIG_INT -> new Raw(pick("123456789012345678901234567890", "9223372036854775808",
                    "-99999999999999999999999"), RawKind.BIG_INT);
            case FLOAT -> chance(0.5) ? new Raw(pick("1.5", "-0.25", "1e-7", "6.02e23", "2.5E+3"), RawKind.FLOAT)
                    : hugeNumber().kind() == RawKind.FLOAT ? hugeNumber() : new Raw("1e999999", RawKind.FLOAT);
            case NULL -> Json.NULL;
            case ARRAY -> chance(0.8) ? Arr.of(smallInt(), randomString(4), Json.NULL) : nested(1 + r.nextInt(50));
            case OBJECT -> chance(0.8) ? Obj.of("k", randomString(4), "n", smallInt()) : Obj.of();
            case BROKEN -> chance(0.5) ? brokenLiteral() : tooLongNumber();
        };
    }

    /** A value whose JSON type is none of {@code allowed} (and not null, which means "absent" to most schemas). */
    public Object wrongValue(List<Kind> allowed) {
        List<Kind> wrong = new ArrayList<>();
        for (Kind k : List.of(Kind.STRING, Kind.BOOL, Kind.INT, Kind.LONG, Kind.BIG_INT, Kind.FLOAT, Kind.ARRAY, Kind.OBJECT)) {
            if (!allowed.contains(k)) {
                wrong.add(k);
            }
        }
        return valueOf(pick(wrong));
    }

    /** Any value at all, hostile ones included. */
    public Object anyValue() {
        int c = r.nextInt(20);
        if ((c == 0 || c == 2) && skipHeavy()) {
            c = 3 + r.nextInt(17);
        }
        if (c == 0) {
            return deepOrShallow();
        }
        if (c == 1) {
            return hugeNumber();
        }
        if (c == 2) {
            return chance(0.2) ? tooLongNumber() : sizedString(100 + r.nextInt(4000));
        }
        return valueOf(pick(Kind.STRING, Kind.STRING, Kind.BOOL, Kind.INT, Kind.FLOAT, Kind.NULL, Kind.ARRAY, Kind.OBJECT));
    }

    /** A member name no protocol uses. */
    public String unknownName() {
        return pick("x-fuzz", "extra", "__proto__", "constructor", "", "\ud800", "名前", "type ", "TYPE", "Type",
                "x".repeat(200), "$ref", "🎉", "a\u0000b") + (chance(0.3) ? String.valueOf(r.nextInt(100)) : "");
    }

    /** A proper prefix of {@code text}: never valid JSON when {@code text} is an object ending in '}'. */
    public String truncate(String text) {
        return text.substring(0, r.nextInt(text.length()));
    }

    /** Text after the end of the JSON value: garbage, a second value, or a stray bracket. */
    public String trailing() {
        return pick(" x", "}", "]", ",", "{}", "{\"type\":\"ping\"}", " 1", "null", "\"\"", "//", "/* */", ";", "\u00a0x", " {");
    }

    /** Text that is not a message: random JSON-ish tokens, or plain noise. */
    public String soup() {
        int c = r.nextInt(6);
        if (c == 0) {
            return randomString(40);
        }
        if (c == 1) {
            return pick("null", "true", "1", "\"ping\"", "[]", "[{\"type\":\"ping\"}]", "{}", "\"{\\\"type\\\":\\\"ping\\\"}\"",
                    "   ", "\t\n", "{\"type\":[\"ping\"]}", "{\"type\":{\"type\":\"ping\"}}", "0", "-0", "1e999999", "[[]]");
        }
        StringBuilder s = new StringBuilder();
        int tokens = 1 + r.nextInt(30);
        for (int i = 0; i < tokens; i++) {
            s.append(pick("{", "}", "[", "]", ",", ":", "\"type\"", "\"ping\"", "\"join\"", "1", "-", "e", "null", "true",
                    "\"", "\\", " ", "\"\\ud800\"", "tru", "💥"));
        }
        return s.toString();
    }

    /** {@code text} as UTF-8 with invalid bytes spliced in: an overlong form, a CESU surrogate, a stray 0xFF... */
    public byte[] invalidUtf8(String text) {
        byte[] valid = text.getBytes(StandardCharsets.UTF_8);
        byte[][] bad = {{(byte) 0xFF}, {(byte) 0xC0, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                {(byte) 0xE2, (byte) 0x82}, {(byte) 0x80}, {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80},
                {(byte) 0xF0, (byte) 0x9F, (byte) 0x98}};
        byte[] insert = bad[r.nextInt(bad.length)];
        int at = r.nextInt(valid.length + 1);
        byte[] out = new byte[valid.length + insert.length];
        System.arraycopy(valid, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(valid, at, out, at + insert.length, valid.length - at);
        return out;
    }

    public byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** A frame that breaks RFC 6455: reserved bits, a reserved opcode, no mask, an oversized or fragmented control frame, a stray continuation. */
    public Violation violation() {
        byte[] small = "{\"type\":\"ping\"}".getBytes(StandardCharsets.US_ASCII);
        return switch (r.nextInt(7)) {
            case 0 -> new Violation(0x80 | (0x10 << r.nextInt(3)) | RawWebSocket.OP_TEXT, small, true); // RSV1-3
            case 1 -> new Violation(0x80 | pick(0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF), small, true);
            case 2 -> new Violation(0x80 | RawWebSocket.OP_TEXT, small, false); // unmasked
            case 3 -> new Violation(0x80 | RawWebSocket.OP_PING, randomBytes(126 + r.nextInt(200)), true);
            case 4 -> new Violation(RawWebSocket.OP_PING, new byte[0], true); // fragmented control frame
            case 5 -> new Violation(0x80 | RawWebSocket.OP_CONTINUATION, small, true);
            default -> new Violation(0x80 | RawWebSocket.OP_CLOSE, new byte[] {0x03, (byte) 0xE8, (byte) 0xFF}, true);
        };
    }

    /** Bytes that look like the start of a frame and stop: the connection is dropped right after. */
    public byte[] brokenStream() {
        return switch (r.nextInt(4)) {
            case 0 -> new byte[] {(byte) 0x81};
            case 1 -> new byte[] {(byte) 0x81, (byte) 0xFE, 0x00};
            case 2 -> new byte[] {(byte) 0x81, (byte) 0xFF, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                (byte) 0xFF, (byte) 0xFF, 1, 2, 3, 4, 5};
            default -> randomBytes(1 + r.nextInt(64));
        };
    }
}
