package io.genie4j.protocol;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * Replies on their way to clients over a ROUTER socket with {@code ROUTER_MANDATORY} set, so that
 * none is dropped silently (PROTOCOL.md §7). A reply the connection cannot take yet (its client is
 * not reading) waits here, in order, until it can; how many wait for a client is what the server's
 * back-pressure rule counts. Used by the server's socket thread only.
 */
final class Outbox {
    /** What became of a reply. */
    enum Result {
        /** Handed to the connection. */
        SENT,
        /** Waiting here for the client to read. */
        QUEUED,
        /** The client's connection is gone: nobody can receive it. */
        GONE,
        /** The client let more replies pile up than the hard cap: it must be forgotten. */
        OVERFLOW
    }

    /** Replies (busy refusals, by then) that may wait for one client: at least this many... */
    static final int HARD_CAP = 65_536;

    /** ...and this many per pending reply allowed. */
    static final int HARD_CAP_FACTOR = 64;

    private final ZMQ.Socket router;
    private final int hardCap;
    private final Map<String, ArrayDeque<List<byte[]>>> waiting = new HashMap<>();

    Outbox(ZMQ.Socket router, int maxPendingReplies) {
        this.router = router;
        this.hardCap = Math.max(HARD_CAP, HARD_CAP_FACTOR * maxPendingReplies);
    }

    /** Replies waiting for {@code client}. */
    int waiting(String client) {
        ArrayDeque<List<byte[]>> q = waiting.get(client);
        return q == null ? 0 : q.size();
    }

    /** Whether no reply waits for any client. */
    boolean isEmpty() {
        return waiting.isEmpty();
    }

    /**
     * Sends {@code frames} (routing identity first) to {@code client}, or queues it behind others.
     */
    Result send(String client, List<byte[]> frames) {
        ArrayDeque<List<byte[]>> q = waiting.get(client);
        if (q == null) {
            Result r = trySend(frames);
            if (r != Result.QUEUED) {
                return r;
            }
            q = new ArrayDeque<>();
            waiting.put(client, q);
        }
        if (q.size() >= hardCap) {
            return Result.OVERFLOW;
        }
        q.add(frames);
        return Result.QUEUED;
    }

    /** Sends what waits, as far as the connections take it. */
    void flush() {
        for (Iterator<ArrayDeque<List<byte[]>>> it = waiting.values().iterator(); it.hasNext(); ) {
            ArrayDeque<List<byte[]>> q = it.next();
            while (!q.isEmpty()) {
                Result r = trySend(q.peek());
                if (r == Result.QUEUED) {
                    break;
                }
                q.poll();
                if (r == Result.GONE) {
                    q.clear();
                }
            }
            if (q.isEmpty()) {
                it.remove();
            }
        }
    }

    /** Drops what waits for {@code client}. */
    void forget(String client) {
        waiting.remove(client);
    }

    private Result trySend(List<byte[]> frames) {
        try {
            // With ROUTER_MANDATORY the first frame fails when the peer's pipe is full (EAGAIN)
            // or the peer is gone (EHOSTUNREACH); once it is taken, the rest are taken too.
            if (!router.send(frames.get(0), ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
                return Result.QUEUED;
            }
            for (int i = 1; i < frames.size(); i++) {
                router.send(
                        frames.get(i),
                        i < frames.size() - 1 ? ZMQ.SNDMORE | ZMQ.DONTWAIT : ZMQ.DONTWAIT);
            }
            return Result.SENT;
        } catch (ZMQException e) {
            if (e.getErrorCode() == zmq.ZError.EHOSTUNREACH) {
                return Result.GONE;
            }
            throw e;
        }
    }
}
