package dev.parley.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** The parts of RFC 6455 a client needs: the upgrade request and masked frames. */
final class Frames {
    static final int OP_CONT = 0;
    static final int OP_TEXT = 1;
    static final int OP_BINARY = 2;
    static final int OP_CLOSE = 8;
    static final int OP_PING = 9;
    static final int OP_PONG = 10;

    /** One fixed client key: the server's answer to it is computed once and checked on every upgrade. */
    static final String KEY = "cGFybGV5LWJlbmNoLWtleQ==";
    static final byte[] ACCEPT_LINE = ("Sec-WebSocket-Accept: " + accept(KEY)).toLowerCase().getBytes(StandardCharsets.US_ASCII);

    private Frames() {}

    static String accept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] digest = sha1.digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] upgradeRequest(String host, int port, String target) {
        String request = "GET " + target + " HTTP/1.1\r\n"
                + "Host: " + host + ":" + port + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + KEY + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        return request.getBytes(StandardCharsets.US_ASCII);
    }

    static int headerLength(int payload, boolean masked) {
        int n = payload < 126 ? 2 : payload < 65536 ? 4 : 10;
        return masked ? n + 4 : n;
    }

    static int maskedLength(int payload) {
        return headerLength(payload, true) + payload;
    }

    /** Writes a frame header; {@code mask} is written after it when {@code masked}. Returns the header length. */
    static void putHeader(ByteBuffer o, int opcode, int payload, boolean masked, int mask) {
        o.put((byte) (0x80 | opcode));
        int m = masked ? 0x80 : 0;
        if (payload < 126) {
            o.put((byte) (m | payload));
        } else if (payload < 65536) {
            o.put((byte) (m | 126));
            o.putShort((short) payload);
        } else {
            o.put((byte) (m | 127));
            o.putLong(payload);
        }
        if (masked) {
            o.putInt(mask);
        }
    }

    /** A masked frame of {@code data[off, off+len)}. */
    static void putMasked(ByteBuffer o, int opcode, byte[] data, int off, int len, int mask) {
        putHeader(o, opcode, len, true, mask);
        for (int i = 0; i < len; i++) {
            o.put((byte) (data[off + i] ^ (mask >>> (24 - 8 * (i & 3)))));
        }
    }

    /** A whole masked frame as bytes, for templates that are copied and patched. */
    static byte[] masked(int opcode, byte[] data, int mask) {
        ByteBuffer b = ByteBuffer.allocate(maskedLength(data.length));
        putMasked(b, opcode, data, 0, data.length, mask);
        return b.array();
    }

    /** The mask byte that applies to payload byte {@code i} under {@code mask}. */
    static byte maskByte(int mask, int i) {
        return (byte) (mask >>> (24 - 8 * (i & 3)));
    }

    static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Writes {@code value} as 16 lower-case hex digits, masked, at {@code at} (payload index {@code payloadIndex}). */
    static void patchHex(byte[] frame, int at, int payloadIndex, long value, int mask) {
        for (int i = 15; i >= 0; i--) {
            int p = payloadIndex + i;
            frame[at + i] = (byte) (HEX[(int) (value & 15)] ^ maskByte(mask, p));
            value >>>= 4;
        }
    }

    /** Reads 16 hex digits at {@code at}, or -1 if they are not all hex. */
    static long parseHex(byte[] a, int at) {
        long v = 0;
        for (int i = 0; i < 16; i++) {
            int c = a[at + i];
            int d;
            if (c >= '0' && c <= '9') {
                d = c - '0';
            } else if (c >= 'a' && c <= 'f') {
                d = c - 'a' + 10;
            } else {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }

    /** Index of {@code needle} in {@code a[from, to)}, or -1. */
    static int indexOf(byte[] a, int from, int to, byte[] needle) {
        byte first = needle[0];
        int last = to - needle.length;
        outer:
        for (int i = from; i <= last; i++) {
            if (a[i] != first) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (a[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
