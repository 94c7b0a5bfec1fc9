package io.genie4j.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** A test client that sends arbitrary frames, to probe the server with malformed requests. */
final class RawClient implements AutoCloseable {
    private final ZContext ctx = new ZContext(1);

    private ZMQ.Socket socket;

    /** Connects and pings until the server answers, on a fresh socket each try, as clients must. */
    RawClient(String endpoint) {
        this(endpoint, 1000);
    }

    /** As {@link #RawClient(String)}, queuing at most {@code receiveHwm} replies in ZeroMQ. */
    RawClient(String endpoint, int receiveHwm) {
        for (int attempt = 0; attempt < 20; attempt++) {
            socket = ctx.createSocket(SocketType.DEALER);
            socket.setRcvHWM(receiveHwm);
            socket.setSndHWM(100_000);
            socket.setReceiveTimeOut(500);
            socket.setLinger(0);
            socket.connect(endpoint);
            socket.send("{\"op\":\"ping\"}");
            if (socket.recv(0) != null) {
                socket.setReceiveTimeOut(5000);
                return;
            }
            socket.close();
        }
        throw new IllegalStateException("no server at " + endpoint);
    }

    void send(List<byte[]> frames) {
        for (int i = 0; i < frames.size(); i++) {
            socket.send(frames.get(i), i < frames.size() - 1 ? ZMQ.SNDMORE : 0);
        }
    }

    void sendJson(String json, byte[]... buffers) {
        List<byte[]> frames = new ArrayList<>();
        frames.add(json.getBytes(StandardCharsets.UTF_8));
        frames.addAll(List.of(buffers));
        send(frames);
    }

    /** The next reply's header, or null on time-out. */
    Map<String, Object> reply() {
        List<byte[]> frames = replyFrames();
        return frames == null ? null : WireMessage.decode(frames);
    }

    /** The next reply's frames as they come, or null on time-out. */
    List<byte[]> replyFrames() {
        byte[] first = socket.recv(0);
        if (first == null) {
            return null;
        }
        List<byte[]> frames = new ArrayList<>();
        frames.add(first);
        while (socket.hasReceiveMore()) {
            frames.add(socket.recv(0));
        }
        return frames;
    }

    static String code(Map<String, Object> reply) {
        return String.valueOf(((Map<?, ?>) reply.get("error")).get("code"));
    }

    @Override
    public void close() {
        ctx.close();
    }
}
