package io.genie4j.protocol;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * Hosts every registered environment over ZeroMQ, as PROTOCOL.md specifies.
 *
 * <p>One thread owns the ROUTER socket and answers every request itself, in arrival order. On a
 * two-core machine a hand-off to other threads costs more than it saves (it doubled the round trip
 * in our measurements), and a batch session already steps its envs on all cores through a {@link
 * io.genie4j.env.vector.ThreadedVectorEnv}. The cost: a slow request (a {@code make} that loads a
 * model, a large batch step) delays other clients' requests until it is done. Every bad request
 * gets an error reply and changes nothing; an env that throws fails only its own request.
 *
 * <pre>{@code
 * try (EnvServer server = EnvServer.start(ServerConfig.defaults("tcp://127.0.0.1:5555"))) {
 *     server.awaitTermination();
 * }
 * }</pre>
 */
public final class EnvServer implements AutoCloseable {
    /** The protocol major versions this server speaks, as {@code hello} negotiates them. */
    public static final List<Integer> VERSIONS = List.of(1);

    /** The full protocol version, major.minor: minor versions add to a major one compatibly. */
    public static final String PROTOCOL_VERSION = "1.1";

    /** How often the server sends each connection a ZMTP heartbeat (PING). */
    static final int HEARTBEAT_IVL_MS = 1000;

    /** A connection silent this long after a heartbeat is closed, and its sessions with it. */
    static final int HEARTBEAT_TIMEOUT_MS = 5000;

    /** How often the socket thread wakes, without requests, to reap sessions and notice close(). */
    private static final int TICK_MS = 100;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ServerConfig config;
    private final ZContext ctx = new ZContext();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final RequestHandler handler;
    private final Connections connections = new Connections();
    private final Thread thread;
    private final CountDownLatch bound = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile String endpoint;
    private volatile RuntimeException startFailure;
    private CurveAuthenticator authenticator;

    private EnvServer(ServerConfig config) {
        this.config = config;
        this.handler = new RequestHandler(config, sessions, EnvServer::newSessionId);
        this.thread = new Thread(this::loop, "env-server");
    }

    /**
     * Binds and starts serving in a background thread.
     *
     * @throws IllegalStateException if the endpoint cannot be bound (e.g. the port is taken)
     */
    public static EnvServer start(ServerConfig config) {
        EnvServer s = new EnvServer(config);
        s.thread.start();
        try {
            s.bound.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            s.close();
            throw new IllegalStateException("interrupted while starting the server", e);
        }
        if (s.startFailure != null) {
            s.close();
            throw s.startFailure;
        }
        return s;
    }

    /** The endpoint actually bound (with the real port when the config asked for {@code :*}). */
    public String endpoint() {
        return endpoint;
    }

    /** The number of open sessions. */
    public int sessionCount() {
        return sessions.size();
    }

    private static String newSessionId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private void loop() {
        ZMQ.Socket router;
        try {
            router = ctx.createSocket(SocketType.ROUTER);
            // A hard cap far above the protocol limit; requests between the two get a proper error.
            router.setMaxMsgSize(
                    Math.min(Integer.MAX_VALUE, 2 * config.maxMessageBytes() + (1 << 20)));
            router.setLinger(0);
            // No reply is dropped: a full pipe makes send fail (the reply waits in the outbox),
            // and so does a peer that is gone.
            router.setRouterMandatory(true);
            router.setSndHWM(config.maxPendingReplies());
            // ZMTP heartbeats: a connection whose peer stops answering is closed, and with it
            // its sessions (Connections), within seconds rather than at the idle timeout.
            router.setHeartbeatIvl(HEARTBEAT_IVL_MS);
            router.setHeartbeatTimeout(HEARTBEAT_TIMEOUT_MS);
            router.setHeartbeatTtl(HEARTBEAT_TIMEOUT_MS);
            router.setEventHook(connections, ZMQ.EVENT_ACCEPTED | ZMQ.EVENT_DISCONNECTED);
            if (config.curve() != null) {
                authenticator = CurveAuthenticator.start(ctx, config.curve().allowedClientKeys());
                router.setZAPDomain("genie4j".getBytes(StandardCharsets.UTF_8));
                router.setCurveServer(true);
                router.setCurveSecretKey(ZMQ.Curve.z85Decode(config.curve().serverSecretKey()));
            }
            router.bind(config.bind());
            endpoint = router.getLastEndpoint();
        } catch (RuntimeException e) {
            startFailure =
                    new IllegalStateException(
                            "cannot bind " + config.bind() + ": " + bindFailure(config.bind(), e),
                            e);
            bound.countDown();
            stopped.countDown();
            return;
        }
        bound.countDown();
        // Poll, then receive without waiting: a receive time-out on the socket itself (RCVTIMEO)
        // occasionally left an arriving request unnoticed until the next one came, in our tests.
        ZMQ.Poller poller = ctx.createPoller(1);
        poller.register(router, ZMQ.Poller.POLLIN);
        Outbox outbox = new Outbox(router, config.maxPendingReplies());
        long nextReap = System.nanoTime();
        try {
            while (running) {
                // Replies wait in the outbox only while their clients do not read: look again soon.
                poller.poll(outbox.isEmpty() ? TICK_MS : 2);
                outbox.flush();
                for (String peer : connections.drainClosed()) {
                    handler.closeSessionsOf(peer);
                }
                Received r;
                while ((r = receive(router)) != null) {
                    handle(outbox, r);
                }
                if (System.nanoTime() >= nextReap) {
                    handler.reapIdle();
                    nextReap =
                            System.nanoTime()
                                    + TimeUnit.MILLISECONDS.toNanos(
                                            Math.min(1000, config.idleTimeoutMs()));
                }
            }
        } catch (RuntimeException e) {
            if (running) {
                System.err.println("env server stopped on an unexpected error: " + e);
            }
        } finally {
            poller.close();
            stopped.countDown();
        }
    }

    /** Why binding {@code endpoint} failed, in words: ZeroMQ's own messages are bare numbers. */
    static String bindFailure(String endpoint, RuntimeException e) {
        if (e instanceof ZMQException z) {
            return switch (z.getErrorCode()) {
                // JeroMQ reports an address of another machine ("cannot assign requested
                // address") as in use too: tell the two apart.
                case zmq.ZError.EADDRINUSE ->
                        isLocalHost(endpoint)
                                ? "the address is already in use"
                                : "the address is not one of this machine's";
                case zmq.ZError.EADDRNOTAVAIL ->
                        "the address is not one of this machine's (or the host name does not"
                                + " resolve)";
                case zmq.ZError.EACCESS -> "permission denied";
                case zmq.ZError.EPROTONOSUPPORT -> "unsupported transport";
                case zmq.ZError.EINVAL -> "invalid endpoint";
                default ->
                        zmq.ZError.toString(z.getErrorCode()) + " (error " + z.getErrorCode() + ")";
            };
        }
        return String.valueOf(e.getMessage());
    }

    /**
     * Whether the host of a {@code tcp://host:port} endpoint is {@code *} or an address of this
     * machine; true for other transports and for what cannot be told.
     */
    private static boolean isLocalHost(String endpoint) {
        if (!endpoint.startsWith("tcp://") || endpoint.lastIndexOf(':') < 6) {
            return true;
        }
        String host = endpoint.substring(6, endpoint.lastIndexOf(':'));
        if (host.equals("*")) {
            return true;
        }
        try {
            java.net.InetAddress a =
                    java.net.InetAddress.getByName(host.replace("[", "").replace("]", ""));
            return a.isAnyLocalAddress()
                    || a.isLoopbackAddress()
                    || java.net.NetworkInterface.getByInetAddress(a) != null;
        } catch (java.io.IOException | RuntimeException ex) {
            return true;
        }
    }

    /** A request's frames and the address of the connection it came over (null for inproc). */
    /**
     * A request's frames, the address of the connection it came over (null for inproc) and, with
     * CURVE, the client's public key (Z85; null without CURVE).
     */
    private record Received(List<byte[]> frames, String peer, String user) {}

    /** The next waiting message, or {@code null} when there is none or the context is closing. */
    private static Received receive(ZMQ.Socket socket) {
        try {
            zmq.Msg m = socket.base().recv(ZMQ.DONTWAIT);
            if (m == null) {
                return null;
            }
            List<byte[]> frames = new ArrayList<>(4);
            frames.add(data(m));
            String peer = null;
            String user = null;
            while (m.hasMore()) {
                m = socket.base().recv(0);
                if (m == null) {
                    return null; // context closing
                }
                frames.add(data(m));
                if (peer == null && m.getMetadata() != null) {
                    peer = m.getMetadata().get(zmq.io.Metadata.PEER_ADDRESS);
                    user = m.getMetadata().get(zmq.io.Metadata.USER_ID);
                }
            }
            return new Received(frames, peer, user == null || user.isEmpty() ? null : user);
        } catch (ZMQException e) {
            return null; // context closed or interrupted: the loop checks running
        }
    }

    private static byte[] data(zmq.Msg m) {
        byte[] d = m.data();
        return d == null ? new byte[0] : d;
    }

    /**
     * Splits the routing frames off, lets the handler answer (or refuses as busy when the client's
     * replies are piling up unread), and sends the reply back through the outbox.
     */
    private void handle(Outbox outbox, Received r) {
        List<byte[]> frames = r.frames();
        if (connections.isClosed(r.peer())) {
            return; // sent just before its connection closed: nobody can receive the reply
        }
        List<byte[]> out = new ArrayList<>(4);
        out.add(frames.get(0));
        int start = 1;
        // A REQ client puts an empty delimiter before its header. [identity, empty] alone is a
        // DEALER's empty header instead: it gets its error reply without a delimiter.
        if (frames.size() > 2 && frames.get(1).length == 0) {
            out.add(frames.get(1)); // REQ client: keep its empty delimiter
            start = 2;
        }
        String client = HexFormat.of().formatHex(frames.get(0));
        List<byte[]> body = frames.subList(start, frames.size());
        int waiting = outbox.waiting(client);
        out.addAll(
                WireMessage.encode(
                        waiting >= config.maxPendingReplies()
                                ? handler.busy(body, waiting)
                                : handler.handle(client, r.peer(), r.user(), body)));
        if (outbox.send(client, out) == Outbox.Result.OVERFLOW) {
            // The client ignored thousands of refusals: stop holding replies for it.
            System.err.println(
                    "env server: client "
                            + client
                            + " reads no replies; its sessions are closed and its replies"
                            + " dropped");
            outbox.forget(client);
            handler.closeSessionsOfClient(client);
        }
    }

    /** Blocks until the server stops. */
    public void awaitTermination() throws InterruptedException {
        stopped.await();
    }

    /** Stops serving, closes every session and releases the sockets. Idempotent. */
    @Override
    public void close() {
        running = false;
        try {
            stopped.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        handler.closeAll();
        if (authenticator != null) {
            authenticator.close();
        }
        ctx.close();
    }

    /** Information for {@code hello}: the limits of this server. */
    static Map<String, Object> limits(ServerConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max_message_bytes", c.maxMessageBytes());
        m.put("max_sessions", c.maxSessions());
        m.put("max_sessions_per_client", c.maxSessionsPerClient());
        m.put("max_envs_per_session", c.maxEnvsPerSession());
        m.put("idle_timeout_ms", c.idleTimeoutMs());
        m.put("shared_memory", c.sharedMemory());
        m.put("max_pending_replies", c.maxPendingReplies());
        m.put("max_image_side", WireOptions.MAX_IMAGE_SIDE);
        m.put("max_image_bytes", WireOptions.MAX_IMAGE_BYTES);
        m.put("client_paths", !c.allowedDirs().isEmpty());
        m.put("heartbeat_ivl_ms", HEARTBEAT_IVL_MS);
        m.put("heartbeat_timeout_ms", HEARTBEAT_TIMEOUT_MS);
        return m;
    }
}
