package io.genie4j.protocol;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Hosts every registered environment over ZeroMQ, as PROTOCOL.md specifies.
 *
 * <p>One thread owns the ROUTER socket and answers requests in arrival order, stepping envs itself:
 * on a two-core machine a hand-off to other threads costs more than it saves, and a batch session
 * already steps its envs in parallel. Only {@code make}, which may load a model, runs on a pool;
 * its reply is queued and the socket thread woken by an in-process message carrying a secret token.
 * Every bad request gets an error reply and changes nothing; an env that throws fails only its own
 * request.
 *
 * <pre>{@code
 * try (EnvServer server = EnvServer.start(ServerConfig.defaults("tcp://127.0.0.1:5555"))) {
 *     server.awaitTermination();
 * }
 * }</pre>
 */
public final class EnvServer implements AutoCloseable {
    /** The protocol versions this server speaks. */
    public static final List<Integer> VERSIONS = List.of(1);

    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ServerConfig config;
    private final ZContext ctx = new ZContext();
    private final String wakeEndpoint = "inproc://genie4j-server-" + INSTANCES.incrementAndGet();
    private final byte[] wakeToken = new byte[16];
    private final ExecutorService pool;
    private final ThreadLocal<ZMQ.Socket> wakeSocket;
    private final ConcurrentLinkedQueue<List<byte[]>> pendingReplies =
            new ConcurrentLinkedQueue<>();
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
        AtomicInteger n = new AtomicInteger();
        this.pool =
                Executors.newFixedThreadPool(
                        config.workerThreads(),
                        r -> {
                            Thread t = new Thread(r, "env-server-worker-" + n.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
        RANDOM.nextBytes(wakeToken);
        this.wakeSocket =
                ThreadLocal.withInitial(
                        () -> {
                            ZMQ.Socket s = ctx.createSocket(SocketType.DEALER);
                            s.setSendTimeOut(1000);
                            s.setLinger(0);
                            s.connect(wakeEndpoint);
                            return s;
                        });
        this.handler = new RequestHandler(config, sessions, pool, this::newSessionId);
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

    private String newSessionId() {
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
            router.setReceiveTimeOut((int) Math.min(1000, config.idleTimeoutMs()));
            if (config.curve() != null) {
                authenticator = CurveAuthenticator.start(ctx, config.curve().allowedClientKeys());
                router.setZAPDomain("genie4j".getBytes(StandardCharsets.UTF_8));
                router.setCurveServer(true);
                router.setCurveSecretKey(ZMQ.Curve.z85Decode(config.curve().serverSecretKey()));
            }
            router.bind(config.bind());
            endpoint = router.getLastEndpoint();
            router.bind(wakeEndpoint);
        } catch (RuntimeException e) {
            startFailure =
                    new IllegalStateException(
                            "cannot bind " + config.bind() + ": " + e.getMessage(), e);
            bound.countDown();
            stopped.countDown();
            return;
        }
        bound.countDown();
        long nextReap = System.nanoTime();
        try {
            while (running) {
                List<byte[]> frames = receive(router);
                if (frames != null && !isWake(frames)) {
                    handle(router, frames);
                }
                // Replies of pool work; the wake message only ends the wait for them.
                List<byte[]> reply;
                while ((reply = pendingReplies.poll()) != null) {
                    send(router, reply);
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
            stopped.countDown();
        }
    }

    private boolean isWake(List<byte[]> frames) {
        return frames.size() == 2 && java.util.Arrays.equals(frames.get(1), wakeToken);
    }

    /** The next message, or {@code null} when the receive timed out or the server is stopping. */
    private static List<byte[]> receive(ZMQ.Socket socket) {
        byte[] first;
        try {
            first = socket.recv(0);
        } catch (org.zeromq.ZMQException e) {
            return null; // context closed or interrupted: the loop checks running
        }
        if (first == null) {
            return null;
        }
        List<byte[]> frames = new ArrayList<>(4);
        frames.add(first);
        while (socket.hasReceiveMore()) {
            frames.add(socket.recv(0));
        }
        return frames;
    }

    private static void send(ZMQ.Socket socket, List<byte[]> frames) {
        for (int i = 0; i < frames.size(); i++) {
            socket.send(
                    frames.get(i),
                    i < frames.size() - 1 ? ZMQ.SNDMORE | ZMQ.DONTWAIT : ZMQ.DONTWAIT);
        }
    }

    /** Splits routing frames off, then lets the handler answer, inline or (for make) later. */
    private void handle(ZMQ.Socket router, List<byte[]> frames) {
        List<byte[]> route = new ArrayList<>(2);
        route.add(frames.get(0));
        int start = 1;
        if (frames.size() > 1 && frames.get(1).length == 0) {
            route.add(frames.get(1)); // REQ client: keep its empty delimiter
            start = 2;
        }
        List<byte[]> body = frames.subList(start, frames.size());
        String client = HexFormat.of().formatHex(frames.get(0));
        handler.handle(
                client,
                body,
                reply -> {
                    List<byte[]> out = new ArrayList<>(route.size() + 2);
                    out.addAll(route);
                    out.addAll(WireMessage.encode(reply));
                    if (Thread.currentThread() == thread) {
                        send(router, out);
                    } else {
                        pendingReplies.add(out);
                        wakeSocket.get().send(wakeToken, ZMQ.DONTWAIT);
                    }
                });
    }

    /** Blocks until the server stops. */
    public void awaitTermination() throws InterruptedException {
        stopped.await();
    }

    /** Stops serving, closes every session and releases the sockets. Idempotent. */
    @Override
    public void close() {
        running = false;
        if (endpoint != null && thread.isAlive()) {
            wakeSocket.get().send(wakeToken, 0); // end the blocking receive now
        }
        try {
            stopped.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.shutdown();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
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
        return m;
    }
}
