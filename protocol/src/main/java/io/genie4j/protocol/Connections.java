package io.genie4j.protocol;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.zeromq.ZEvent;
import org.zeromq.ZMonitor;

/**
 * Which TCP connections of the server's ROUTER socket have closed, so that the sessions made over
 * them can be closed too (PROTOCOL.md §6). A connection is named by its peer address ({@code
 * host:port}), which ZeroMQ also attaches to every message it delivers (the {@code Peer-Address}
 * property); a connection closes when the client closes it, the network fails, or the client stops
 * answering heartbeats. The socket's event hook calls {@link #consume} on a ZeroMQ I/O thread; the
 * rest runs on the server's socket thread.
 */
final class Connections implements ZEvent.ZEventConsummer {
    /** How long a closed connection's address is remembered, for its last messages still queued. */
    private static final long REMEMBER_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final Map<SelectableChannel, String> open = new ConcurrentHashMap<>();
    private final Queue<String[]> events = new ConcurrentLinkedQueue<>();
    private final Map<String, Long> closed = new HashMap<>();

    @Override
    public void consume(ZEvent ev) {
        Object ch = ev.getValue();
        if (ev.getEvent() == ZMonitor.Event.ACCEPTED && ch instanceof SocketChannel sc) {
            try {
                String peer = address(sc.getRemoteAddress());
                if (peer != null) {
                    open.put(sc, peer);
                    events.add(new String[] {"+", peer});
                }
            } catch (IOException e) {
                // closed already: its disconnection comes next, with no address to free
            }
        } else if (ev.getEvent() == ZMonitor.Event.DISCONNECTED && ch != null) {
            String peer = open.remove(ch);
            if (peer != null) {
                events.add(new String[] {"-", peer});
            }
        }
    }

    /** The form ZeroMQ gives the {@code Peer-Address} property: {@code host:port}. */
    private static String address(SocketAddress a) {
        return a instanceof InetSocketAddress i
                ? i.getAddress().getHostAddress() + ":" + i.getPort()
                : null;
    }

    /** The peer addresses of the connections that closed since the last call. */
    List<String> drainClosed() {
        List<String> out = new ArrayList<>();
        long now = System.nanoTime();
        closed.values().removeIf(t -> now - t > REMEMBER_NANOS);
        String[] e;
        while ((e = events.poll()) != null) {
            if (e[0].equals("+")) {
                closed.remove(e[1]); // the address is in use again, by a new connection
            } else {
                closed.put(e[1], now);
                out.add(e[1]);
            }
        }
        return out;
    }

    /** Whether the connection at {@code peer} has closed (its messages can get no reply). */
    boolean isClosed(String peer) {
        return peer != null && closed.containsKey(peer);
    }
}
