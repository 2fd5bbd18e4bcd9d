package dev.parley.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One selector thread driving many client WebSockets without blocking. Frames that handlers queue while
 * an event round is processed are written once at the end of the round, so a burst of replies to one
 * socket costs one write system call. Other threads talk to a loop only through {@link #execute}.
 */
final class Loop extends Thread {
    /** What a benchmark does with its connections; every call comes on the loop's thread. */
    interface Handler {
        /** The upgrade succeeded. */
        void onOpen(Conn c);

        /** A text (or binary) message; {@code a[off, off+len)} is valid only during the call. */
        void onMessage(Conn c, byte[] a, int off, int len);

        /** The connection failed or closed; {@code why} says how. Called once. */
        void onClosed(Conn c, String why);

        /** Called about every {@link #tickMillis} with System.nanoTime(). */
        default void onTick(long now) {}
    }

    private final Selector selector;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ArrayList<Conn> dirty = new ArrayList<>();
    private final InetSocketAddress server;
    private volatile Handler handler;
    private volatile boolean running = true;
    volatile long tickMillis = 50;
    private int maskState;
    /** Connections whose upgrade has not finished, checked for the handshake timeout on ticks. */
    final ArrayList<Conn> connecting = new ArrayList<>();
    long handshakeTimeoutNanos = 15_000_000_000L;

    Loop(String name, InetSocketAddress server, Handler handler) throws IOException {
        super(name);
        setDaemon(true);
        this.selector = Selector.open();
        this.server = server;
        this.handler = handler;
        this.maskState = name.hashCode() | 1;
    }

    void handler(Handler h) {
        this.handler = h;
    }

    /** Runs {@code task} on the loop thread. */
    void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    void shutdown() {
        running = false;
        selector.wakeup();
    }

    int nextMask() {
        // xorshift: a fresh, cheap, non-zero masking key per frame
        int x = maskState;
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        maskState = x;
        return x;
    }

    void markDirty(Conn c) {
        dirty.add(c);
    }

    /** Starts connecting {@code c}; must run on the loop thread (see {@link #execute}). */
    void connect(Conn c) {
        c.startedAt = System.nanoTime();
        try {
            SocketChannel ch = SocketChannel.open();
            c.channel = ch;
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (ch.connect(server)) {
                c.key = ch.register(selector, SelectionKey.OP_READ, c);
                sendUpgrade(c);
            } else {
                c.key = ch.register(selector, SelectionKey.OP_CONNECT, c);
            }
            connecting.add(c);
        } catch (IOException e) {
            close(c, "connect: " + e.getMessage());
        }
    }

    private void sendUpgrade(Conn c) {
        byte[] req = Frames.upgradeRequest(server.getHostString(), server.getPort(), c.target);
        c.reserve(req.length).put(req);
    }

    @Override
    public void run() {
        long nextTick = System.nanoTime();
        try {
            while (running) {
                long now = System.nanoTime();
                long waitMs = Math.max(1, (nextTick - now) / 1_000_000);
                selector.select(waitMs);
                Runnable t;
                while ((t = tasks.poll()) != null) {
                    t.run();
                }
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    Conn c = (Conn) k.attachment();
                    if (!k.isValid() || c.closed) {
                        continue;
                    }
                    try {
                        int ready = k.readyOps();
                        if ((ready & SelectionKey.OP_CONNECT) != 0) {
                            if (c.channel.finishConnect()) {
                                k.interestOps(SelectionKey.OP_READ);
                                sendUpgrade(c);
                            }
                        }
                        if ((ready & SelectionKey.OP_WRITE) != 0) {
                            flush(c);
                        }
                        if ((ready & SelectionKey.OP_READ) != 0) {
                            read(c);
                        }
                    } catch (IOException | RuntimeException e) {
                        close(c, e.getClass().getSimpleName() + ": " + e.getMessage());
                    }
                }
                flushDirty();
                now = System.nanoTime();
                if (now - nextTick >= 0) {
                    nextTick = now + tickMillis * 1_000_000;
                    checkHandshakes(now);
                    handler.onTick(now);
                    flushDirty();
                }
            }
        } catch (IOException e) {
            System.err.println(getName() + ": selector failed: " + e);
        } finally {
            for (SelectionKey k : selector.keys()) {
                try {
                    k.channel().close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private void checkHandshakes(long now) {
        if (connecting.isEmpty()) {
            return;
        }
        int w = 0;
        for (int i = 0; i < connecting.size(); i++) {
            Conn c = connecting.get(i);
            if (c.closed || c.upgraded) {
                continue;
            }
            if (now - c.startedAt > handshakeTimeoutNanos) {
                close(c, "handshake timeout");
                continue;
            }
            connecting.set(w++, c);
        }
        connecting.subList(w, connecting.size()).clear();
    }

    private void flushDirty() {
        ArrayList<Conn> list = dirty;
        for (int i = 0; i < list.size(); i++) {
            Conn c = list.get(i);
            c.dirty = false;
            if (!c.closed && !c.wantWrite && c.key != null && (c.key.interestOps() & SelectionKey.OP_CONNECT) == 0) {
                try {
                    flush(c);
                } catch (IOException | RuntimeException e) {
                    close(c, "write: " + e.getMessage());
                }
            }
        }
        list.clear();
    }

    private void flush(Conn c) throws IOException {
        ByteBuffer o = c.out;
        if (o == null || o.position() == 0) {
            if (c.wantWrite) {
                c.wantWrite = false;
                c.key.interestOps(SelectionKey.OP_READ);
            }
            return;
        }
        o.flip();
        c.channel.write(o);
        o.compact();
        boolean pending = o.position() > 0;
        if (pending != c.wantWrite) {
            c.wantWrite = pending;
            c.key.interestOps(pending ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }
    }

    private static final byte[] END_OF_HEAD = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private void read(Conn c) throws IOException {
        ByteBuffer in = c.in;
        int n = c.channel.read(in);
        if (n < 0) {
            close(c, c.upgraded ? "closed by server" : "closed during upgrade");
            return;
        }
        byte[] a = in.array();
        int pos = 0;
        int lim = in.position();
        if (!c.upgraded) {
            int end = Frames.indexOf(a, 0, lim, END_OF_HEAD);
            if (end < 0) {
                if (lim == in.capacity()) {
                    grow(c, in.capacity() * 2);
                }
                return;
            }
            String head = new String(a, 0, end, StandardCharsets.ISO_8859_1);
            String lower = head.toLowerCase(Locale.ROOT);
            if (!head.startsWith("HTTP/1.1 101")
                    || !lower.contains(new String(Frames.ACCEPT_LINE, StandardCharsets.ISO_8859_1))) {
                close(c, "upgrade refused: " + head.lines().findFirst().orElse(""));
                return;
            }
            c.upgraded = true;
            pos = end + 4;
            handler.onOpen(c);
            if (c.closed) {
                return;
            }
        }
        while (lim - pos >= 2) {
            int b0 = a[pos] & 0xff;
            int b1 = a[pos + 1] & 0xff;
            int len = b1 & 0x7f;
            int hdr = 2;
            if (len == 126) {
                if (lim - pos < 4) {
                    break;
                }
                len = ((a[pos + 2] & 0xff) << 8) | (a[pos + 3] & 0xff);
                hdr = 4;
            } else if (len == 127) {
                if (lim - pos < 10) {
                    break;
                }
                long l = 0;
                for (int i = 2; i < 10; i++) {
                    l = (l << 8) | (a[pos + i] & 0xff);
                }
                if (l > 64 << 20) {
                    close(c, "frame too large: " + l);
                    return;
                }
                len = (int) l;
                hdr = 10;
            }
            if ((b1 & 0x80) != 0) {
                close(c, "server sent a masked frame");
                return;
            }
            int total = hdr + len;
            if (lim - pos < total) {
                if (total > in.capacity()) {
                    // keep what we have at the front, in a buffer big enough for the whole frame
                    ByteBuffer bigger = ByteBuffer.allocate(Math.max(total, in.capacity() * 2));
                    bigger.put(a, pos, lim - pos);
                    c.in = bigger;
                    return;
                }
                break;
            }
            int op = b0 & 0x0f;
            int start = pos + hdr;
            pos += total;
            switch (op) {
                case Frames.OP_TEXT, Frames.OP_BINARY, Frames.OP_CONT -> handler.onMessage(c, a, start, len);
                case Frames.OP_CLOSE -> {
                    int code = len >= 2 ? ((a[start] & 0xff) << 8) | (a[start + 1] & 0xff) : 1005;
                    String reason = len > 2 ? new String(a, start + 2, len - 2, StandardCharsets.UTF_8) : "";
                    close(c, "close " + code + (reason.isEmpty() ? "" : " " + reason));
                    return;
                }
                case Frames.OP_PING -> {
                    ByteBuffer o = c.reserve(Frames.maskedLength(len));
                    Frames.putMasked(o, Frames.OP_PONG, a, start, len, nextMask());
                }
                default -> { } // pong: nothing to do
            }
            if (c.closed) {
                return;
            }
        }
        // keep the unparsed tail at the front
        if (pos > 0) {
            System.arraycopy(a, pos, a, 0, lim - pos);
            in.position(lim - pos);
        }
    }

    private static void grow(Conn c, int capacity) {
        ByteBuffer bigger = ByteBuffer.allocate(capacity);
        c.in.flip();
        bigger.put(c.in);
        c.in = bigger;
    }

    /** Closes the socket (if open) and tells the handler once; {@code why} null means we closed it. */
    void close(Conn c, String why) {
        if (c.closed) {
            return;
        }
        c.closed = true;
        if (c.key != null) {
            c.key.cancel();
        }
        if (c.channel != null) {
            try {
                c.channel.close();
            } catch (IOException ignored) {
                // already going
            }
        }
        c.out = null;
        handler.onClosed(c, why == null ? "closed by us" : why);
    }

    /** Closes everything this loop holds, on the loop thread, then ends it. */
    void closeAllAndStop() {
        execute(() -> {
            for (SelectionKey k : selector.keys()) {
                if (k.attachment() instanceof Conn c) {
                    close(c, null);
                }
            }
            running = false;
        });
    }

    int keyCount() {
        return selector.keys().size();
    }
}
