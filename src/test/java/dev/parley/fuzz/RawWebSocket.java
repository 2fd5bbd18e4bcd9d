package dev.parley.fuzz;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A deliberately small RFC 6455 client over a plain socket, so a fuzzer can send what no well-behaved
 * client library would: invalid UTF-8 in text frames, binary frames, broken framing, raw bytes, and any
 * text at all (a Java {@code String} with a lone surrogate goes out as the replacement the JDK encoder
 * picks, so such cases are sent as JSON escapes or raw bytes instead). Blocking writes; a virtual thread
 * reads frames into a queue of {@link Event}s.
 */
public final class RawWebSocket implements AutoCloseable {
    public static final int OP_CONTINUATION = 0x0;
    public static final int OP_TEXT = 0x1;
    public static final int OP_BINARY = 0x2;
    public static final int OP_CLOSE = 0x8;
    public static final int OP_PING = 0x9;
    public static final int OP_PONG = 0xA;

    /** What the server sent: a text or binary message, a close frame, or the end of the stream. */
    public sealed interface Event {}

    public record Text(String text) implements Event {}

    public record Binary(byte[] data) implements Event {}

    /** A close frame from the server; {@code code} is 1005 when it carried none. */
    public record Close(int code, String reason) implements Event {}

    /** The TCP stream ended (or failed) without a close frame. */
    public record Eof(String why) implements Event {}

    /** A text message whose payload was not valid UTF-8: a server bug. */
    public record BadText(byte[] data) implements Event {}

    /** The handshake was answered with something other than 101. */
    public static final class HandshakeRefused extends IOException {
        private static final long serialVersionUID = 1L;
        private final int status;

        HandshakeRefused(int status, String line) {
            super("handshake refused: " + line);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile boolean autoFlush = true;
    private volatile boolean closeSent;
    private volatile Event terminal;

    private RawWebSocket(Socket socket, InputStream in) throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        this.reader = Thread.ofVirtual().name("raw-ws-reader").start(this::readLoop);
    }

    /** Opens {@code ws://host:port/path?query}; throws {@link HandshakeRefused} for a non-101 answer. */
    public static RawWebSocket connect(URI uri, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            byte[] keyBytes = new byte[16];
            ThreadLocalRandom.current().nextBytes(keyBytes);
            String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            String request = "GET " + path + " HTTP/1.1\r\n"
                    + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(keyBytes) + "\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n";
            OutputStream raw = socket.getOutputStream();
            raw.write(request.getBytes(StandardCharsets.ISO_8859_1));
            raw.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
            String status = readLine(in);
            String line;
            while (!(line = readLine(in)).isEmpty()) {
                // headers are not needed
            }
            String[] parts = status.split(" ", 3);
            int code = parts.length >= 2 ? Integer.parseInt(parts[1]) : -1;
            if (code != 101) {
                throw new HandshakeRefused(code, status);
            }
            socket.setSoTimeout(0);
            return new RawWebSocket(socket, in);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int n = line.length();
                return n > 0 && line.charAt(n - 1) == '\r' ? line.substring(0, n - 1) : line.toString();
            }
            line.append((char) c);
        }
        throw new EOFException("connection closed during the handshake");
    }

    /** When false, frames are buffered until {@link #flush()}; pipelining fuzzers batch their writes. */
    public void autoFlush(boolean on) {
        this.autoFlush = on;
    }

    public void sendText(String text) throws IOException {
        sendFrame(true, OP_TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    public void sendBinary(byte[] data) throws IOException {
        sendFrame(true, OP_BINARY, data);
    }

    /** A frame with any flags, opcode and payload, masked as a client must. */
    public void sendFrame(boolean fin, int opcode, byte[] payload) throws IOException {
        sendFrame(fin ? 0x80 | opcode : opcode, payload, true);
    }

    /** The first byte given whole (FIN, RSV bits, opcode), so a fuzzer can set reserved bits or drop the mask. */
    public synchronized void sendFrame(int firstByte, byte[] payload, boolean masked) throws IOException {
        int len = payload.length;
        ByteArrayOutputStream head = new ByteArrayOutputStream(14);
        head.write(firstByte);
        int maskBit = masked ? 0x80 : 0;
        if (len < 126) {
            head.write(maskBit | len);
        } else if (len < 65536) {
            head.write(maskBit | 126);
            head.write(len >>> 8);
            head.write(len);
        } else {
            head.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                head.write((int) ((long) len >>> shift));
            }
        }
        byte[] body = payload;
        if (masked) {
            byte[] mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
            head.write(mask, 0, 4);
            body = new byte[len];
            for (int i = 0; i < len; i++) {
                body[i] = (byte) (payload[i] ^ mask[i & 3]);
            }
        }
        head.writeTo(out);
        out.write(body);
        if (autoFlush) {
            out.flush();
        }
    }

    /** Bytes straight onto the TCP stream, framing or not. */
    public synchronized void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public synchronized void flush() throws IOException {
        out.flush();
    }

    /** The next event, or null if none arrives in time. After the stream ends, the terminal event forever. */
    public Event next(Duration timeout) {
        try {
            Event e = events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (e == null && terminal != null && events.isEmpty()) {
                return terminal;
            }
            return e;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** An event already received, without waiting. */
    public Event poll() {
        return events.poll();
    }

    /** True once the server closed the socket or the stream ended. */
    public boolean isTerminated() {
        return terminal != null;
    }

    public boolean isOpen() {
        return terminal == null && !socket.isClosed();
    }

    /** Sends a close frame (once) and waits briefly for the server's, then closes the socket. */
    @Override
    public void close() {
        try {
            if (!closeSent && terminal == null) {
                closeSent = true;
                sendFrame(true, OP_CLOSE, new byte[] {0x03, (byte) 0xE8});
            }
            reader.join(Duration.ofMillis(500));
        } catch (IOException | InterruptedException e) {
            // closing anyway
        } finally {
            abort();
        }
    }

    /** Drops the TCP connection without a close frame; the server sees 1006. */
    public void abort() {
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }

    private void readLoop() {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        int messageOpcode = -1;
        try {
            while (true) {
                int b0 = in.read();
                if (b0 < 0) {
                    finish(new Eof("end of stream"));
                    return;
                }
                int b1 = readByte();
                boolean fin = (b0 & 0x80) != 0;
                int opcode = b0 & 0x0F;
                long len = b1 & 0x7F;
                if (len == 126) {
                    len = (readByte() << 8) | readByte();
                } else if (len == 127) {
                    len = 0;
                    for (int i = 0; i < 8; i++) {
                        len = (len << 8) | readByte();
                    }
                }
                if ((b1 & 0x80) != 0) {
                    in.readNBytes(4); // servers must not mask; tolerate it anyway
                }
                if (len > 64L * 1024 * 1024) {
                    finish(new Eof("absurd frame length " + len));
                    return;
                }
                byte[] payload = in.readNBytes((int) len);
                if (payload.length < len) {
                    finish(new Eof("end of stream inside a frame"));
                    return;
                }
                switch (opcode) {
                    case OP_CLOSE -> {
                        int code = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
                        String reason = payload.length > 2
                                ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
                        if (!closeSent) {
                            closeSent = true;
                            try {
                                sendFrame(true, OP_CLOSE, payload.length >= 2 ? new byte[] {payload[0], payload[1]} : new byte[0]);
                            } catch (IOException e) {
                                // the server may already be gone
                            }
                        }
                        finish(new Close(code, reason));
                        return;
                    }
                    case OP_PING -> {
                        try {
                            sendFrame(true, OP_PONG, payload);
                        } catch (IOException e) {
                            // reported by the next read
                        }
                    }
                    case OP_PONG -> {
                        // unsolicited or answered; nothing to report
                    }
                    case OP_TEXT, OP_BINARY, OP_CONTINUATION -> {
                        if (opcode != OP_CONTINUATION) {
                            messageOpcode = opcode;
                            message.reset();
                        }
                        message.write(payload);
                        if (fin) {
                            byte[] data = message.toByteArray();
                            message.reset();
                            events.add(messageOpcode == OP_TEXT ? decode(data) : new Binary(data));
                        }
                    }
                    default -> {
                        finish(new Eof("unknown opcode " + opcode + " from the server"));
                        return;
                    }
                }
            }
        } catch (IOException e) {
            finish(new Eof(e.toString()));
        }
    }

    private void finish(Event event) {
        terminal = event;
        events.add(event);
        abort();
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("end of stream inside a frame header");
        }
        return b;
    }

    private static Event decode(byte[] data) {
        try {
            return new Text(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data)).toString());
        } catch (CharacterCodingException e) {
            return new BadText(data);
        }
    }
}
