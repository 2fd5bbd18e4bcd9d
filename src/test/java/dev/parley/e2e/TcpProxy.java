package dev.parley.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback-only TCP forwarder for fault tests: everything a browser sends to {@link #port()} goes to
 * the upstream port on 127.0.0.1, byte for byte, so HTTP and WebSocket both pass through it. {@link #cutAll()}
 * kills every connection at once with a TCP reset on both sides, the way a network blip or a NAT timeout
 * looks to each end, while the proxy keeps listening so clients can come straight back; {@link #silenceAll()}
 * makes them go quiet instead.
 */
public final class TcpProxy implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MS = 2000;

    /** One client connection and its upstream twin. */
    private final class Link {
        final Socket client;
        final Socket upstream;
        final AtomicInteger directionsDone = new AtomicInteger();
        /** Bytes are swallowed both ways and nothing is closed: a path that went dead without a word. */
        volatile boolean silent;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void pump(Socket from, Socket to) {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (!silent) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
                // Orderly end of one direction: pass the half-close on, keep the other direction going.
                to.shutdownOutput();
                if (directionsDone.incrementAndGet() == 2) {
                    close(false);
                }
            } catch (IOException e) {
                // Reset by a peer, or cut by us: make sure both ends see the connection die.
                close(false);
            }
        }

        void close(boolean reset) {
            links.remove(this);
            for (Socket s : new Socket[] {client, upstream}) {
                try {
                    if (reset && !s.isClosed()) {
                        // Linger 0: close() sends RST instead of FIN and drops unsent data.
                        s.setSoLinger(true, 0);
                    }
                    s.close();
                } catch (IOException ignored) {
                    // already gone
                }
            }
        }
    }

    private final ServerSocket listener;
    private final int upstreamPort;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile boolean closed;
    private volatile boolean refusing;

    private TcpProxy(ServerSocket listener, int upstreamPort) {
        this.listener = listener;
        this.upstreamPort = upstreamPort;
    }

    /** Listens on a free port on 127.0.0.1 and forwards to {@code upstreamPort} on 127.0.0.1. */
    public static TcpProxy start(int upstreamPort) {
        try {
            ServerSocket listener = new ServerSocket();
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            TcpProxy proxy = new TcpProxy(listener, upstreamPort);
            Thread.ofPlatform().daemon().name("tcp-proxy-accept-" + listener.getLocalPort()).start(proxy::acceptLoop);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the TCP proxy", e);
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted since start (each browser HTTP or WebSocket connection counts once). */
    public int acceptedCount() {
        return accepted.get();
    }

    /** Connections open right now. */
    public int openCount() {
        return links.size();
    }

    /** Resets every open connection on both sides at once; the proxy keeps accepting new ones. Returns how many it cut. */
    public int cutAll() {
        int cut = 0;
        for (Link link : Set.copyOf(links)) {
            link.close(true);
            cut++;
        }
        return cut;
    }

    /**
     * Makes every open connection silent: from now on their bytes are dropped both ways, and neither end
     * is told, as when a laptop moves to another network. New connections pass as usual. Returns how many.
     */
    public int silenceAll() {
        Set<Link> open = Set.copyOf(links);
        open.forEach(link -> link.silent = true);
        return open.size();
    }

    /** While on, new connections are reset at once, as by a server that cannot be reached. */
    public void refuseNew(boolean refuse) {
        refusing = refuse;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            accepted.incrementAndGet();
            Socket upstream = new Socket();
            if (refusing) {
                new Link(client, upstream).close(true);
                continue;
            }
            try {
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), CONNECT_TIMEOUT_MS);
            } catch (IOException e) {
                // Upstream down: refuse the client the way a dead server would.
                new Link(client, upstream).close(true);
                continue;
            }
            Link link = new Link(client, upstream);
            links.add(link);
            Thread.ofVirtual().name("tcp-proxy-up").start(() -> link.pump(client, upstream));
            Thread.ofVirtual().name("tcp-proxy-down").start(() -> link.pump(upstream, client));
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        cutAll();
    }
}
