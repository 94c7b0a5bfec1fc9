package io.genie4j.protocol;

import io.genie4j.env.VectorEnv;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * One client's batch of envs on the server. Its work runs on the shared pool but one task at a
 * time, in arrival order, so a pipelining client gets its replies in order and the envs are never
 * touched by two threads at once.
 */
final class Session {
    final String id;
    final String owner;
    final VectorEnv<Object, Object> env;
    volatile long lastUsedNanos;
    private final Executor pool;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private boolean running;
    boolean closed;

    Session(String id, String owner, VectorEnv<Object, Object> env, Executor pool) {
        this.id = id;
        this.owner = owner;
        this.env = env;
        this.pool = pool;
        this.lastUsedNanos = System.nanoTime();
    }

    /** Queues {@code task} behind this session's earlier tasks. */
    synchronized void submit(Runnable task) {
        queue.add(task);
        if (!running) {
            running = true;
            pool.execute(this::drain);
        }
    }

    /** Whether no task is queued or running. */
    synchronized boolean idle() {
        return !running && queue.isEmpty();
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (this) {
                next = queue.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            next.run();
        }
    }
}
