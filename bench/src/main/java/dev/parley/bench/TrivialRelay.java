package dev.parley.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The least a PeerJS relay can do, to measure the generator's own ceiling: one thread, accepts the
 * upgrade, answers OPEN, and forwards each text frame, unmasked but otherwise untouched (no src is
 * added, nothing is parsed but "dst"), to the socket registered under that id. Usage: {@code TrivialRelay PORT}.
 */
public final class TrivialRelay {
    private static final byte[] DST = Frames.ascii("\"dst\":\"");
    private static final byte[] OPEN_FRAME;
    private static final Pattern ID = Pattern.compile("[?&]id=([^& ]+)");
    private static final Pattern KEY = Pattern.compile("(?i)sec-websocket-key:\\s*(\\S+)");

    static {
        byte[] open = Frames.ascii("{\"type\":\"OPEN\"}");
        ByteBuffer b = ByteBuffer.allocate(2 + open.length);
        Frames.putHeader(b, Frames.OP_TEXT, open.length, false, 0);
        b.put(open);
        OPEN_FRAME = b.array();
    }

    private static final class Peer {
        final SocketChannel channel;
        SelectionKey key;
        ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        ByteBuffer out = ByteBuffer.allocate(16 * 1024);
        boolean upgraded;
        boolean dirty;
        String id;

        Peer(SocketChannel channel) {
            this.channel = channel;
        }
    }

    private final Map<String, Peer> peers = new HashMap<>();
    private final ArrayList<Peer> dirty = new ArrayList<>();

    public static void main(String[] args) throws IOException {
        new TrivialRelay().serve(Integer.parseInt(args[0]));
    }

    private void serve(int port) throws IOException {
        Selector selector = Selector.open();
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", port), 4096);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        System.out.println("trivial relay on 127.0.0.1:" + port);
        while (true) {
            selector.select();
            Iterator<SelectionKey> it = selector.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey k = it.next();
                it.remove();
                try {
                    if (k.isAcceptable()) {
                        SocketChannel ch;
                        while ((ch = server.accept()) != null) {
                            ch.configureBlocking(false);
                            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                            Peer p = new Peer(ch);
                            p.key = ch.register(selector, SelectionKey.OP_READ, p);
                        }
                        continue;
                    }
                    Peer p = (Peer) k.attachment();
                    if (k.isWritable()) {
                        flush(p);
                    }
                    if (k.isValid() && k.isReadable()) {
                        read(p);
                    }
                } catch (IOException | RuntimeException e) {
                    drop((Peer) k.attachment());
                }
            }
            for (Peer p : dirty) {
                p.dirty = false;
                try {
                    flush(p);
                } catch (IOException | RuntimeException e) {
                    drop(p);
                }
            }
            dirty.clear();
        }
    }

    private void drop(Peer p) {
        if (p == null) {
            return;
        }
        if (p.id != null && peers.get(p.id) == p) {
            peers.remove(p.id);
        }
        p.key.cancel();
        try {
            p.channel.close();
        } catch (IOException ignored) {
            // gone
        }
    }

    private void read(Peer p) throws IOException {
        if (p.channel.read(p.in) < 0) {
            drop(p);
            return;
        }
        byte[] a = p.in.array();
        int lim = p.in.position();
        int pos = 0;
        if (!p.upgraded) {
            int end = Frames.indexOf(a, 0, lim, Frames.ascii("\r\n\r\n"));
            if (end < 0) {
                return;
            }
            String head = new String(a, 0, end, StandardCharsets.ISO_8859_1);
            Matcher id = ID.matcher(head);
            Matcher key = KEY.matcher(head);
            if (!id.find() || !key.find()) {
                drop(p);
                return;
            }
            p.id = id.group(1);
            peers.put(p.id, p);
            byte[] answer = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + Frames.accept(key.group(1)) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            queue(p, answer, 0, answer.length);
            queue(p, OPEN_FRAME, 0, OPEN_FRAME.length);
            p.upgraded = true;
            pos = end + 4;
        }
        while (lim - pos >= 6) {
            int b0 = a[pos] & 0xff;
            int len = a[pos + 1] & 0x7f;
            int hdr = 2;
            if (len == 126) {
                len = ((a[pos + 2] & 0xff) << 8) | (a[pos + 3] & 0xff);
                hdr = 4;
            } else if (len == 127) {
                throw new IOException("frame too large for the trivial relay");
            }
            int total = hdr + 4 + len;
            if (lim - pos < total) {
                break;
            }
            int maskAt = pos + hdr;
            int start = maskAt + 4;
            for (int i = 0; i < len; i++) {
                a[start + i] ^= a[maskAt + (i & 3)];
            }
            int op = b0 & 0x0f;
            if (op == Frames.OP_CLOSE) {
                drop(p);
                return;
            }
            if (op == Frames.OP_TEXT) {
                int d = Frames.indexOf(a, start, start + Math.min(len, 200), DST);
                if (d >= 0) {
                    int from = d + DST.length;
                    int to = from;
                    while (to < start + len && a[to] != '"') {
                        to++;
                    }
                    Peer target = peers.get(new String(a, from, to - from, StandardCharsets.US_ASCII));
                    if (target != null) {
                        ByteBuffer o = room(target, len + 4);
                        Frames.putHeader(o, Frames.OP_TEXT, len, false, 0);
                        o.put(a, start, len);
                    }
                }
            }
            pos += total;
        }
        if (pos > 0) {
            System.arraycopy(a, pos, a, 0, lim - pos);
            p.in.position(lim - pos);
        }
        if (!p.in.hasRemaining()) {
            ByteBuffer bigger = ByteBuffer.allocate(p.in.capacity() * 2);
            p.in.flip();
            bigger.put(p.in);
            p.in = bigger;
        }
    }

    private ByteBuffer room(Peer p, int n) {
        if (p.out.remaining() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(p.out.capacity() * 2, p.out.position() + n));
            p.out.flip();
            bigger.put(p.out);
            p.out = bigger;
        }
        if (!p.dirty) {
            p.dirty = true;
            dirty.add(p);
        }
        return p.out;
    }

    private void queue(Peer p, byte[] data, int off, int len) {
        room(p, len).put(data, off, len);
    }

    private static void flush(Peer p) throws IOException {
        if (!p.key.isValid()) {
            return;
        }
        p.out.flip();
        p.channel.write(p.out);
        p.out.compact();
        p.key.interestOps(p.out.position() > 0 ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }
}
