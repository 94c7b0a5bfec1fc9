package io.genie4j.protocol;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A session's request channel in shared memory (PROTOCOL.md §2.2): a local client writes a
 * request's frames into a file both sides map and bumps a counter; the server's thread for the
 * session, watching that counter, answers in the same place and bumps its own. A round trip then
 * costs two cache-line hand-offs instead of the four thread hand-offs and two loopback hops of a
 * ZeroMQ round trip.
 *
 * <p>Layout (little-endian): the client's turn counter (int64 at 0), the server's (int64 at 8), the
 * length of the data the last writer put (int32 at 16), its flags (int32 at 20: 1 = more chunks of
 * this reply follow), the closed flag (int32 at 24: 1 once the server has closed the session), the
 * server's time for the last request in nanoseconds (int64 at 32), then from byte 64 one data area.
 * The two sides take turns: the client writes a request (frame count, then each frame's length and
 * bytes) and bumps its counter; the server reads it, writes the reply the same way and bumps its
 * own. A reply larger than the area comes in chunks, each acknowledged by a bump of the client's
 * counter. A request larger than the area goes through the socket instead.
 *
 * <p>How each side waits: the server spins for 0.1 ms (a client stepping in a loop sends within
 * it), yields its core for up to 2 ms, then parks for growing spells (at most 0.5 ms), so an idle
 * session costs next to nothing. The client spins for 0.15 ms while the server has been answering
 * in under 0.1 ms (a single env's step: the reply then arrives while it spins), else for only 10
 * µs, then parks through three quarters of the server's typical time at once and then in 30 µs
 * spells: a batch's envs may be stepping on every core, and a spinning or yielding client, or one
 * that wakes often, would take one from them (on two cores spinning halved CoinRun's throughput).
 */
final class Channel implements AutoCloseable {
    /** The header's size in bytes; the data area starts here. */
    static final int HEADER = 64;

    /** The data area's size for a session of {@code numEnvs} envs. */
    static int areaBytes(int numEnvs) {
        return (1 << 20) + 8192 * numEnvs;
    }

    private static final int CLIENT_TURN = 0;
    private static final int SERVER_TURN = 8;
    private static final int LENGTH = 16;
    private static final int FLAGS = 20;
    private static final int CLOSED = 24;
    private static final int SERVER_NANOS = 32;
    private static final int MORE = 1;

    /** How long the server spins for a request: a client stepping in a loop sends within it. */
    private static final long SERVER_SPIN_NANOS = 100_000;

    /**
     * How long the client spins for a reply: short, since the server's envs may be stepping on
     * every core (a spinning client would take one from them).
     */
    private static final long CLIENT_SPIN_NANOS = 10_000;

    /**
     * How long the client spins when replies have been coming fast (a single env's step): they then
     * arrive while it spins, with no park's wake-up delay (about 50-100 µs on Linux).
     */
    private static final long CLIENT_FAST_SPIN_NANOS = 150_000;

    /** Replies faster than this, on average, count as fast. */
    private static final long FAST_REPLY_NANOS = 100_000;

    /** How long the server yields its core between looks, after spinning. */
    private static final long SERVER_YIELD_NANOS = 2_000_000;

    /** The client's park between looks, after spinning: its core goes to the server's envs. */
    private static final long CLIENT_PARK_NANOS = 30_000;

    /** How long the client parks for {@link #CLIENT_PARK_NANOS} before the parks grow. */
    private static final long CLIENT_SHORT_PARKS_NANOS = 5_000_000;

    private static final long MAX_PARK_NANOS = 500_000;
    private static final VarHandle LONGS =
            MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS =
            MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final MappedByteBuffer map;
    private final boolean owner;
    private final int area;
    private volatile boolean closed;
    private volatile Thread waiter;

    /** This side's own turn count (the other side's is read from the map). */
    private long turns;

    /** Client: a running mean of the server's time per request. Server: when it got the last. */
    private long typicalNanos;

    private long gotAt;

    private Channel(Path path, MappedByteBuffer map, boolean owner) {
        this.path = path;
        this.map = map;
        this.owner = owner;
        this.area = map.capacity() - HEADER;
    }

    /** Creates and maps a session's channel file (server side), readable by its user only. */
    static Channel create(String sessionId, int numEnvs) throws IOException {
        Path file = SharedMemory.directory().resolve("genie4j-" + sessionId + ".chan");
        long bytes = HEADER + (long) areaBytes(numEnvs);
        return new Channel(file, SharedMemory.createFile(file, bytes), true);
    }

    /**
     * Maps a server's channel file read-write (client side).
     *
     * @throws IOException if it cannot be opened or is smaller than {@code bytes}
     */
    static Channel open(String path, long bytes) throws IOException {
        Path file = Path.of(path);
        try (FileChannel ch =
                FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (bytes <= HEADER || bytes > Integer.MAX_VALUE || ch.size() < bytes) {
                throw new IOException(
                        "channel file " + path + " has " + ch.size() + " bytes, not " + bytes);
            }
            return new Channel(file, ch.map(FileChannel.MapMode.READ_WRITE, 0, bytes), false);
        }
    }

    /** The file's path. */
    Path path() {
        return path;
    }

    /** The file's size in bytes. */
    int capacity() {
        return map.capacity();
    }

    /** Whether a message of these frames fits the data area in one piece. */
    boolean fits(List<byte[]> frames) {
        return encodedBytes(frames) <= area;
    }

    private static long encodedBytes(List<byte[]> frames) {
        long n = 4;
        for (byte[] f : frames) {
            n += 4 + f.length;
        }
        return n;
    }

    // ---- client side ----

    /**
     * Writes a request (it must {@link #fits fit}) and hands the turn to the server; {@link
     * #receive} collects the reply.
     */
    void send(List<byte[]> frames) {
        if (!fits(frames)) {
            throw new IllegalArgumentException("request does not fit the channel");
        }
        checkOpen();
        byte[] all = join(frames);
        map.put(HEADER, all);
        INTS.setRelease(map, FLAGS, 0);
        INTS.setRelease(map, LENGTH, all.length);
        LONGS.setRelease(map, CLIENT_TURN, ++turns);
    }

    /**
     * Waits for the server's reply to the last request, at most {@code timeoutNanos}; null when
     * none came in time.
     *
     * @throws IllegalStateException if the server closed the session
     */
    List<byte[]> receive(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        java.io.ByteArrayOutputStream chunks = null;
        while (true) {
            if (!await(SERVER_TURN, turns - 1, deadline)) {
                checkOpen();
                closed = true; // out of step with the server now: not used again
                return null;
            }
            int length = (int) INTS.getAcquire(map, LENGTH);
            boolean more = ((int) INTS.getAcquire(map, FLAGS) & MORE) != 0;
            byte[] data = new byte[length];
            map.get(HEADER, data);
            if (chunks == null) {
                // The server's own time for the request: what the client waited for, without
                // the client's late wake-ups (which would keep a parking client parking).
                long took = (long) LONGS.getAcquire(map, SERVER_NANOS);
                typicalNanos = (long) (0.8 * typicalNanos + 0.2 * took);
                if (!more) {
                    return split(data);
                }
                chunks = new java.io.ByteArrayOutputStream(length * 2);
            }
            chunks.write(data, 0, length);
            if (!more) {
                return split(chunks.toByteArray());
            }
            LONGS.setRelease(map, CLIENT_TURN, ++turns); // ask for the next chunk
        }
    }

    // ---- server side ----

    /**
     * Waits for the client's next request (null once the channel is closed) and returns its frames;
     * the caller must {@link #reply} before waiting again.
     */
    List<byte[]> nextRequest() {
        waiter = Thread.currentThread();
        try {
            if (!await(CLIENT_TURN, turns, Long.MAX_VALUE)) {
                return null;
            }
        } finally {
            waiter = null;
        }
        gotAt = System.nanoTime();
        // Take the client's count as it is (not one more than ours): a client that jumps its
        // counter gets one answer, not one per count it skipped.
        turns = (long) LONGS.getAcquire(map, CLIENT_TURN);
        int length = (int) INTS.getAcquire(map, LENGTH);
        if (length < 4 || length > area) {
            return List.of(); // garbage: the handler answers an empty request with an error
        }
        byte[] data = new byte[length];
        map.get(HEADER, data);
        try {
            return split(data);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    /** Writes the reply to the last request, in chunks if it is larger than the data area. */
    void reply(List<byte[]> frames) {
        byte[] all = join(frames);
        int at = 0;
        do {
            int n = Math.min(area, all.length - at);
            map.put(HEADER, all, at, n);
            at += n;
            INTS.setRelease(map, FLAGS, at < all.length ? MORE : 0);
            INTS.setRelease(map, LENGTH, n);
            LONGS.setRelease(map, SERVER_NANOS, System.nanoTime() - gotAt);
            LONGS.setRelease(map, SERVER_TURN, turns);
            if (at < all.length) {
                // Wait for the client to take this chunk.
                waiter = Thread.currentThread();
                try {
                    if (!await(CLIENT_TURN, turns, System.nanoTime() + 30_000_000_000L)) {
                        return; // closed, or the client stopped reading: drop the rest
                    }
                } finally {
                    waiter = null;
                }
                turns = (long) LONGS.getAcquire(map, CLIENT_TURN);
            }
        } while (at < all.length);
    }

    // ---- both ----

    /**
     * Waits until the counter at {@code at} exceeds {@code seen} (true) or the deadline passes or
     * the channel closes (false).
     */
    private boolean await(int at, long seen, long deadline) {
        long start = System.nanoTime();
        long park = owner ? 1_000 : CLIENT_PARK_NANOS;
        while ((long) LONGS.getAcquire(map, at) <= seen) {
            if (closed || (!owner && (int) INTS.getAcquire(map, CLOSED) != 0)) {
                return false;
            }
            long now = System.nanoTime();
            if (now - deadline > 0) {
                return false;
            }
            long waited = now - start;
            long spin =
                    owner
                            ? SERVER_SPIN_NANOS
                            : typicalNanos < FAST_REPLY_NANOS
                                    ? CLIENT_FAST_SPIN_NANOS
                                    : CLIENT_SPIN_NANOS;
            if (waited < spin) {
                Thread.onSpinWait();
            } else if (owner && waited < SERVER_YIELD_NANOS) {
                Thread.yield();
            } else if (!owner && waited < typicalNanos * 3 / 4 - CLIENT_PARK_NANOS) {
                // Most of a slow reply's time in one park, not one wake-up per spell: each
                // wake-up takes a core from the envs for a moment.
                LockSupport.parkNanos(typicalNanos * 3 / 4 - waited);
            } else {
                LockSupport.parkNanos(park);
                if (owner || waited > CLIENT_SHORT_PARKS_NANOS) {
                    park = Math.min(MAX_PARK_NANOS, park * 2);
                }
            }
        }
        return true;
    }

    private void checkOpen() {
        if (closed || (int) INTS.getAcquire(map, CLOSED) != 0) {
            throw new IllegalStateException(
                    "the server closed this session (it was idle too long, its connection went"
                            + " away, or the server stopped): its channel is closed; make the env"
                            + " again");
        }
    }

    private static byte[] join(List<byte[]> frames) {
        long total = encodedBytes(frames);
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("message too large: " + total + " bytes");
        }
        java.nio.ByteBuffer b =
                java.nio.ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(frames.size());
        for (byte[] f : frames) {
            b.putInt(f.length).put(f);
        }
        return b.array();
    }

    private static List<byte[]> split(byte[] data) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int count = b.getInt();
        if (count < 0 || count > (data.length - 4) / 4) {
            throw new IllegalArgumentException("bad frame count " + count);
        }
        List<byte[]> frames = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int n = b.getInt();
            if (n < 0 || n > b.remaining()) {
                throw new IllegalArgumentException("bad frame length " + n);
            }
            byte[] f = new byte[n];
            b.get(f);
            frames.add(f);
        }
        return frames;
    }

    /**
     * Closes this side: the server marks the file closed (a waiting client then fails at once),
     * wakes its thread and deletes the file. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (owner) {
            INTS.setRelease(map, CLOSED, 1);
            Thread w = waiter;
            if (w != null) {
                LockSupport.unpark(w);
            }
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                System.err.println("could not delete channel file " + path + ": " + e);
            }
        }
    }
}
