package io.genie4j.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Sessions die with their connection (PROTOCOL.md §6): when the client closes it, and when the
 * client goes silent and stops answering heartbeats; and one client cannot take every session.
 */
class ConnectionLifetimeTest {

    private static void make(RawClient c, int n) {
        for (int i = 0; i < n; i++) {
            c.sendJson("{\"op\":\"make\",\"id\":" + i + ",\"env_id\":\"Corridor-v0\"}");
            assertEquals(true, c.reply().get("ok"));
        }
    }

    private static long waitForSessions(EnvServer server, int count, long timeoutMs)
            throws InterruptedException {
        long t0 = System.nanoTime();
        while (server.sessionCount() != count && System.nanoTime() - t0 < timeoutMs * 1_000_000L) {
            Thread.sleep(20);
        }
        assertEquals(count, server.sessionCount(), "sessions left");
        return (System.nanoTime() - t0) / 1_000_000L;
    }

    @Test
    void aClosedConnectionsSessionsAreClosedAtOnceAndOthersStay() throws Exception {
        try (EnvServer server = EnvServer.start(ServerConfig.defaults("tcp://127.0.0.1:*"));
                RawClient stays = new RawClient(server.endpoint())) {
            make(stays, 1);
            RawClient leaves = new RawClient(server.endpoint());
            make(leaves, 3);
            assertEquals(4, server.sessionCount());
            leaves.close(); // without closing its sessions
            long ms = waitForSessions(server, 1, 3000);
            assertTrue(ms < 3000, ms + " ms");
            stays.sendJson("{\"op\":\"ping\"}");
            assertEquals(true, stays.reply().get("ok"));
        }
    }

    @Test
    void aSilentPeersSessionsAreClosedWhenItMissesHeartbeats() throws Exception {
        try (EnvServer server = EnvServer.start(ServerConfig.defaults("tcp://127.0.0.1:*"));
                FreezingProxy proxy = new FreezingProxy(server.endpoint())) {
            RawClient c = new RawClient(proxy.endpoint());
            make(c, 2);
            // The network goes quiet: the TCP connection stays open, but nothing gets through,
            // heartbeats included.
            proxy.freeze();
            long ms = waitForSessions(server, 0, EnvServer.HEARTBEAT_TIMEOUT_MS + 4000);
            assertTrue(ms >= EnvServer.HEARTBEAT_TIMEOUT_MS / 2, "closed too soon: " + ms + " ms");
            c.close();
        }
    }

    @Test
    void oneClientCannotTakeEverySession() {
        try (EnvServer server =
                        EnvServer.start(
                                ServerConfig.defaults("tcp://127.0.0.1:*")
                                        .withSessionLimits(5, 3, 16));
                RawClient greedy = new RawClient(server.endpoint());
                RawClient other = new RawClient(server.endpoint())) {
            make(greedy, 3);
            greedy.sendJson("{\"op\":\"make\",\"id\":9,\"env_id\":\"Corridor-v0\"}");
            Map<String, Object> r = greedy.reply();
            assertEquals("RESOURCE_EXHAUSTED", RawClient.code(r));
            String msg = String.valueOf(((Map<?, ?>) r.get("error")).get("message"));
            assertTrue(
                    msg.contains("max_sessions_per_client = 3")
                            && msg.contains("--max-sessions-per-client"),
                    msg);
            make(other, 2);
            other.sendJson("{\"op\":\"make\",\"id\":9,\"env_id\":\"Corridor-v0\"}");
            r = other.reply();
            msg = String.valueOf(((Map<?, ?>) r.get("error")).get("message"));
            assertTrue(msg.contains("max_sessions = 5") && msg.contains("--max-sessions"), msg);
        }
    }

    /**
     * A TCP proxy to the server that can freeze: from then on it forwards nothing either way but
     * keeps both connections open, as a network that silently drops everything.
     */
    private static final class FreezingProxy implements AutoCloseable {
        private final ServerSocket listener =
                new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private volatile boolean frozen;

        FreezingProxy(String serverEndpoint) throws IOException {
            URI uri = URI.create(serverEndpoint);
            Thread accept =
                    new Thread(
                            () -> {
                                try {
                                    while (true) {
                                        Socket a = listener.accept();
                                        Socket b = new Socket(uri.getHost(), uri.getPort());
                                        sockets.add(a);
                                        sockets.add(b);
                                        pump(a, b);
                                        pump(b, a);
                                    }
                                } catch (IOException e) {
                                    // closed
                                }
                            });
            accept.setDaemon(true);
            accept.start();
        }

        String endpoint() {
            return "tcp://127.0.0.1:" + listener.getLocalPort();
        }

        void freeze() {
            frozen = true;
        }

        private void pump(Socket from, Socket to) {
            Thread t =
                    new Thread(
                            () -> {
                                byte[] buf = new byte[1 << 16];
                                try (InputStream in = from.getInputStream();
                                        OutputStream out = to.getOutputStream()) {
                                    int n;
                                    while ((n = in.read(buf)) >= 0) {
                                        while (frozen) {
                                            Thread.sleep(50); // hold the bytes, answer nothing
                                        }
                                        out.write(buf, 0, n);
                                        out.flush();
                                    }
                                } catch (IOException | InterruptedException e) {
                                    // closed
                                }
                            });
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
