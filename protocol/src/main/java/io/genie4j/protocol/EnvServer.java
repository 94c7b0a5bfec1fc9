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
 * io.genie4j.env.ThreadedVectorEnv}. The cost: a slow request (a {@code make} that loads a model, a
 * large batch step) delays other clients' requests until it is done. Every bad request gets an
 * error reply and changes nothing; an env that throws fails only its own request.
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
        long nextReap = System.nanoTime();
        try {
            while (running) {
                poller.poll(TICK_MS);
                List<byte[]> frames;
                while ((frames = receive(router)) != null) {
                    handle(router, frames);
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

    /** The next waiting message, or {@code null} when there is none or the context is closing. */
    private static List<byte[]> receive(ZMQ.Socket socket) {
        try {
            return WireMessage.receive(socket, ZMQ.DONTWAIT);
        } catch (ZMQException e) {
            return null; // context closed or interrupted: the loop checks running
        }
    }

    /** Splits the routing frames off, lets the handler answer, and sends the reply back. */
    private void handle(ZMQ.Socket router, List<byte[]> frames) {
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
        out.addAll(
                WireMessage.encode(handler.handle(client, frames.subList(start, frames.size()))));
        for (int i = 0; i < out.size(); i++) {
            router.send(out.get(i), i < out.size() - 1 ? ZMQ.SNDMORE | ZMQ.DONTWAIT : ZMQ.DONTWAIT);
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
