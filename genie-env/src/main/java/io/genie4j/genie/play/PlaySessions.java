package io.genie4j.genie.play;

import io.genie4j.genie.play.PlaySession.Out;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The open play sessions of a server, one per connection (one per browser tab): each gets its own
 * envs when it opens and frees them when it closes, when the connection drops or when it has been
 * idle longer than the timeout. Calls on one session are serialised; sessions run in parallel.
 */
public final class PlaySessions implements AutoCloseable {

    private record Entry(PlaySession session, Runnable onIdle, long[] lastUsed) {}

    private final Supplier<PlaySession> factory;
    private final long idleNanos;
    private final int maxSessions;
    private final LongSupplier clock;
    private final Map<String, Entry> open = new ConcurrentHashMap<>();

    /**
     * @param factory makes a session (and its envs) for each new connection
     * @param idle how long a session may go without a message before it is closed
     * @param maxSessions how many sessions may be open at once
     * @param clock nanoseconds, as {@link System#nanoTime()} (tests pass their own)
     */
    public PlaySessions(
            Supplier<PlaySession> factory, Duration idle, int maxSessions, LongSupplier clock) {
        if (idle.isNegative() || idle.isZero()) {
            throw new IllegalArgumentException("idle timeout " + idle + " must be positive");
        }
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions " + maxSessions + " must be >= 1");
        }
        this.factory = factory;
        this.idleNanos = idle.toNanos();
        this.maxSessions = maxSessions;
        this.clock = clock;
    }

    /**
     * Opens session {@code id} and returns its first messages; {@code onIdle} is run (to close the
     * connection) if the session is closed for being idle.
     *
     * @throws IllegalStateException if {@code maxSessions} are open already
     */
    public List<Out> open(String id, long seed, Runnable onIdle) {
        synchronized (open) {
            if (open.size() >= maxSessions) {
                throw new IllegalStateException(
                        maxSessions + " play sessions are open already; close a tab first");
            }
            if (open.containsKey(id)) {
                throw new IllegalStateException("session " + id + " is open already");
            }
            PlaySession s = factory.get();
            Entry e = new Entry(s, onIdle, new long[] {clock.getAsLong()});
            open.put(id, e);
            synchronized (e) {
                return s.start(seed);
            }
        }
    }

    /** Passes a JSON message to session {@code id}. */
    public List<Out> text(String id, String message) {
        Entry e = open.get(id);
        if (e == null) {
            return List.of(Out.error("no open session " + id));
        }
        synchronized (e) {
            e.lastUsed()[0] = clock.getAsLong();
            return e.session().text(message);
        }
    }

    /** Passes a binary message (an image) to session {@code id}. */
    public List<Out> binary(String id, byte[] message) {
        Entry e = open.get(id);
        if (e == null) {
            return List.of(Out.error("no open session " + id));
        }
        synchronized (e) {
            e.lastUsed()[0] = clock.getAsLong();
            return e.session().binary(message);
        }
    }

    /** Closes session {@code id} and frees its envs, if it is open. */
    public void close(String id) {
        Entry e = open.remove(id);
        if (e != null) {
            synchronized (e) {
                e.session().close();
            }
        }
    }

    /** Closes every session idle longer than the timeout; returns their ids. */
    public List<String> closeIdle() {
        long now = clock.getAsLong();
        List<String> closed = new ArrayList<>();
        for (Map.Entry<String, Entry> me : open.entrySet()) {
            Entry e = me.getValue();
            boolean idle;
            synchronized (e) {
                idle = now - e.lastUsed()[0] > idleNanos;
            }
            if (idle && open.remove(me.getKey(), e)) {
                synchronized (e) {
                    e.session().close();
                }
                closed.add(me.getKey());
                e.onIdle().run();
            }
        }
        return closed;
    }

    /** The number of open sessions. */
    public int size() {
        return open.size();
    }

    /** Closes every session. */
    @Override
    public void close() {
        for (String id : List.copyOf(open.keySet())) {
            close(id);
        }
    }
}
