package io.genie4j.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The ZAP handler (ZeroMQ RFC 27) of a CURVE server: it answers the library's authentication
 * requests, accepting a client exactly when its public key is on the allow-list. Runs on its own
 * thread; the handshake of a refused client fails before any request reaches the server.
 */
final class CurveAuthenticator implements AutoCloseable {
    private static final String ZAP_ENDPOINT = "inproc://zeromq.zap.01";
    private final Set<String> allowed;
    private final ZMQ.Socket socket;
    private final Thread thread;
    private volatile boolean running = true;

    private CurveAuthenticator(ZContext ctx, Set<String> allowed) {
        this.allowed = Set.copyOf(allowed);
        this.socket = ctx.createSocket(SocketType.REP);
        socket.setReceiveTimeOut(100);
        socket.setLinger(0);
        socket.bind(ZAP_ENDPOINT);
        this.thread = new Thread(this::loop, "env-server-zap");
        thread.setDaemon(true);
    }

    static CurveAuthenticator start(ZContext ctx, Set<String> allowedClientKeys) {
        CurveAuthenticator a = new CurveAuthenticator(ctx, allowedClientKeys);
        a.thread.start();
        return a;
    }

    private void loop() {
        while (running) {
            byte[] version;
            try {
                version = socket.recv(0);
            } catch (RuntimeException e) {
                return; // context closed
            }
            if (version == null) {
                continue;
            }
            byte[][] f = new byte[7][];
            f[0] = version;
            int n = 1;
            while (socket.hasReceiveMore()) {
                byte[] part = socket.recv(0);
                if (n < f.length) {
                    f[n] = part;
                }
                n++;
            }
            String requestId = f[1] == null ? "" : new String(f[1], StandardCharsets.UTF_8);
            String mechanism = f[5] == null ? "" : new String(f[5], StandardCharsets.UTF_8);
            boolean ok =
                    "CURVE".equals(mechanism)
                            && f[6] != null
                            && f[6].length == 32
                            && allowed.contains(ZMQ.Curve.z85Encode(f[6]));
            socket.sendMore("1.0");
            socket.sendMore(requestId);
            socket.sendMore(ok ? "200" : "400");
            socket.sendMore(ok ? "OK" : "client key not allowed");
            socket.sendMore(ok ? ZMQ.Curve.z85Encode(f[6]) : "");
            socket.send(new byte[0]);
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
