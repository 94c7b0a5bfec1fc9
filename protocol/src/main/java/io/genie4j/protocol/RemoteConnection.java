package io.genie4j.protocol;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A client connection to an {@link EnvServer}: one DEALER socket, request ids, time-outs.
 * Connecting pings the server until it answers, so a connection that exists is known to work. Owns
 * its ZeroMQ context. Not thread-safe: one thread (or one {@link RemoteVectorEnv}) per connection.
 */
public final class RemoteConnection implements AutoCloseable {
    /** Default time to wait for a reply. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final ZContext ctx = new ZContext(1);
    private final String address;
    private final long timeoutMs;
    private final Curve curve;
    private ZMQ.Socket socket;
    private long nextId = 1;
    private boolean closed;

    private RemoteConnection(String address, Duration timeout, Curve curve) {
        this.address = address;
        this.timeoutMs = timeout.toMillis();
        this.curve = curve;
        try {
            handshake();
        } catch (RuntimeException e) {
            ctx.close();
            throw e;
        }
    }

    private ZMQ.Socket open(long receiveTimeoutMs) {
        ZMQ.Socket s = ctx.createSocket(SocketType.DEALER);
        s.setLinger(0);
        s.setReceiveTimeOut((int) Math.min(Integer.MAX_VALUE, receiveTimeoutMs));
        s.setSendTimeOut((int) Math.min(Integer.MAX_VALUE, timeoutMs));
        if (curve != null) {
            s.setCurveServerKey(ZMQ.Curve.z85Decode(curve.serverPublicKey()));
            s.setCurvePublicKey(ZMQ.Curve.z85Decode(curve.clientPublicKey()));
            s.setCurveSecretKey(ZMQ.Curve.z85Decode(curve.clientSecretKey()));
        }
        s.connect(address);
        return s;
    }

    /**
     * Pings until the server answers, on a fresh socket for each try (PROTOCOL.md §1): now and then
     * the first message of a new ZeroMQ connection never arrives (about 1 in 70 in our stress test
     * of connect-send-close cycles), and a ping, unlike {@code make}, is safe to send again.
     */
    private void handshake() {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        long wait = 250;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                throw new RemoteTimeoutException(
                        "no reply from "
                                + address
                                + " within "
                                + timeoutMs
                                + " ms to 'ping'; is the server running"
                                + (curve != null
                                        ? " and is this client's key on its allow-list?"
                                        : "?"));
            }
            socket = open(Math.min(wait, left));
            try {
                Map<String, Object> ping = Map.of("op", "ping");
                receive(send(ping), ping, null, Math.min(wait, left));
                socket.setReceiveTimeOut((int) Math.min(Integer.MAX_VALUE, timeoutMs));
                return;
            } catch (RemoteTimeoutException e) {
                socket.close();
                wait = Math.min(2 * wait, 2000);
            }
        }
    }

    /**
     * Connects without security (loopback servers).
     *
     * @throws RemoteTimeoutException if the server does not answer a ping within the default
     *     time-out
     */
    public static RemoteConnection connect(String address) {
        return new RemoteConnection(address, DEFAULT_TIMEOUT, null);
    }

    /**
     * Connects with a reply time-out and, optionally, CURVE keys.
     *
     * @param curve the server's public key and this client's key pair, or {@code null}
     */
    public static RemoteConnection connect(String address, Duration timeout, Curve curve) {
        return new RemoteConnection(address, timeout, curve);
    }

    /**
     * A client's CURVE keys, Z85.
     *
     * @param serverPublicKey the server's public key
     * @param clientPublicKey this client's public key (on the server's allow-list)
     * @param clientSecretKey this client's secret key
     */
    public record Curve(String serverPublicKey, String clientPublicKey, String clientSecretKey) {}

    /** The server address. */
    public String address() {
        return address;
    }

    /**
     * Sends a request and waits for its reply.
     *
     * @param request the header fields ({@code op} and the rest); values may be tensors
     * @return the reply's fields, with tensors decoded
     * @throws IllegalArgumentException when the server replies {@code INVALID_ARGUMENT}
     * @throws IllegalStateException when the server replies {@code FAILED_PRECONDITION}
     * @throws ProtocolException with the server's code for any other error reply
     * @throws RemoteTimeoutException when no reply comes within the time-out
     */
    public Map<String, Object> call(Map<String, Object> request) {
        return call(request, null);
    }

    /** As {@link #call(Map)}, resolving the reply's shared-memory references in {@code shm}. */
    Map<String, Object> call(Map<String, Object> request, SharedMemory shm) {
        if (closed) {
            throw new IllegalStateException("connection to " + address + " is closed");
        }
        return receive(send(request), request, shm);
    }

    /**
     * Sends a request without waiting for its reply, which {@link #receive} collects; the id the
     * request was sent with. The caller keeps at most one request in flight on the connection
     * (replies to others would be skipped as stale).
     */
    long send(Map<String, Object> request) {
        if (closed) {
            throw new IllegalStateException("connection to " + address + " is closed");
        }
        long id = nextId++;
        Map<String, Object> h = new LinkedHashMap<>(request);
        h.put("id", id);
        List<byte[]> frames = WireMessage.encode(h);
        for (int i = 0; i < frames.size(); i++) {
            if (!socket.send(frames.get(i), i < frames.size() - 1 ? ZMQ.SNDMORE : 0)) {
                throw new RemoteTimeoutException(
                        "could not send to " + address + " within " + timeoutMs + " ms");
            }
        }
        return id;
    }

    /**
     * Waits for the reply to the request sent as {@code id} ({@code request} names it in errors),
     * as {@link #call(Map)} does.
     */
    Map<String, Object> receive(long id, Map<String, Object> request, SharedMemory shm) {
        return receive(id, request, shm, timeoutMs);
    }

    private Map<String, Object> receive(
            long id, Map<String, Object> request, SharedMemory shm, long waitMs) {
        long deadline = System.nanoTime() + waitMs * 1_000_000L;
        while (true) {
            List<byte[]> reply = WireMessage.receive(socket, 0);
            if (reply == null || System.nanoTime() > deadline) {
                throw new RemoteTimeoutException(
                        "no reply from "
                                + address
                                + " within "
                                + waitMs
                                + " ms to '"
                                + request.get("op")
                                + "'; is the server running?");
            }
            Map<String, Object> r = WireMessage.decode(reply, shm);
            Object rid = r.get("id");
            if (rid instanceof Number n && n.longValue() != id) {
                continue; // a late reply to a request that already timed out
            }
            return checked(r);
        }
    }

    /** The time a call waits for its reply, in milliseconds. */
    long timeoutMs() {
        return timeoutMs;
    }

    /** A reply, if it says ok; else the exception its error maps to ({@link #asException}). */
    static Map<String, Object> checked(Map<String, Object> r) {
        if (!Boolean.TRUE.equals(r.get("ok"))) {
            Map<?, ?> err = r.get("error") instanceof Map<?, ?> m ? m : Map.of();
            ErrorCode code;
            try {
                code = ErrorCode.valueOf(String.valueOf(err.get("code")));
            } catch (IllegalArgumentException e) {
                code = ErrorCode.INTERNAL;
            }
            throw asException(code, String.valueOf(err.get("message")));
        }
        return r;
    }

    /**
     * Maps an error reply to the exception the env API promises: a bad argument to {@link
     * IllegalArgumentException}, a call in the wrong state to {@link IllegalStateException}, each
     * caused by the {@link ProtocolException}; other codes to the {@link ProtocolException} itself.
     */
    private static RuntimeException asException(ErrorCode code, String message) {
        ProtocolException p = new ProtocolException(code, message);
        return switch (code) {
            case INVALID_ARGUMENT -> new IllegalArgumentException(message, p);
            case FAILED_PRECONDITION -> new IllegalStateException(message, p);
            default -> p;
        };
    }

    /** Closes the socket and context. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            ctx.close();
        }
    }

    /** No reply arrived in time: the server is gone, overloaded or unreachable. */
    public static final class RemoteTimeoutException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RemoteTimeoutException(String message) {
            super(message);
        }
    }
}
