package dev.parley.bench;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One client WebSocket, owned by exactly one {@link Loop} thread: every field is touched only by that
 * thread, so nothing here is synchronized. Benchmarks subclass it to keep their per-connection state.
 */
class Conn {
    final Loop loop;
    /** The request target, e.g. {@code /peerjs/peerjs?key=peerjs&id=a&token=t}. */
    final String target;
    SocketChannel channel;
    SelectionKey key;
    /** Bytes read but not yet parsed; kept in write mode (data in [0, position)). */
    ByteBuffer in;
    /** Bytes queued but not yet written; write mode, null until first needed. */
    ByteBuffer out;
    boolean upgraded;
    boolean closed;
    boolean dirty;
    boolean wantWrite;
    /** System.nanoTime() when the connect started, for handshake timeouts and connect latency. */
    long startedAt;

    Conn(Loop loop, String target, int inCapacity) {
        this.loop = loop;
        this.target = target;
        this.in = ByteBuffer.allocate(inCapacity);
    }

    /** Room for {@code n} more bytes in the out buffer, which is marked for flushing after this event round. */
    final ByteBuffer reserve(int n) {
        ByteBuffer o = out;
        if (o == null) {
            o = out = ByteBuffer.allocate(Math.max(256, Integer.highestOneBit(n) << 1));
        } else if (o.remaining() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(o.capacity() * 2, o.position() + n));
            o.flip();
            bigger.put(o);
            o = out = bigger;
        }
        if (!dirty) {
            dirty = true;
            loop.markDirty(this);
        }
        return o;
    }

    /** Queues a whole prepared frame. */
    final void send(byte[] frame) {
        reserve(frame.length).put(frame);
    }

    /** Queues a masked text frame of {@code text} (ASCII/UTF-8 already encoded). */
    final void sendText(byte[] utf8) {
        ByteBuffer o = reserve(Frames.maskedLength(utf8.length));
        Frames.putMasked(o, Frames.OP_TEXT, utf8, 0, utf8.length, loop.nextMask());
    }

    final void close() {
        loop.close(this, null);
    }
}
