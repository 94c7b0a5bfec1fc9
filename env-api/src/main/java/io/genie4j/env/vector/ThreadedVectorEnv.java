package io.genie4j.env.vector;

import io.genie4j.env.Env;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link VectorEnv} that steps its envs on the caller's thread and a fixed pool of worker
 * threads, each taking the next env not yet taken until none is left, so results are identical to
 * {@link SyncVectorEnv} (each env is only ever touched by one thread at a time and results are
 * placed by index). Use it when one env step is expensive enough to amortise the hand-off (CoinRun
 * with rendering, the world model); batches whose steps take less than the hand-off (about {@value
 * #SERIAL_BELOW_NANOS} ns in all, measured as it runs) are stepped on the caller's thread.
 *
 * @param <O> the observation type of one env
 * @param <A> the action type of one env
 */
public final class ThreadedVectorEnv<O, A> extends AbstractVectorEnv<O, A> {
    private static final AtomicInteger POOLS = new AtomicInteger();
    private final ExecutorService pool;
    private final int threads;

    /**
     * @param envs envs with equal spaces; the vector env owns them from now on
     * @param threads threads stepping a batch, the caller's included (at most one per env)
     */
    public ThreadedVectorEnv(List<? extends Env<O, A>> envs, int threads) {
        super(envs);
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = Math.min(threads, envs.size());
        int pool = POOLS.incrementAndGet();
        AtomicInteger worker = new AtomicInteger();
        // The caller is one of the threads.
        this.pool =
                Executors.newFixedThreadPool(
                        Math.max(1, this.threads - 1),
                        r -> {
                            Thread t =
                                    new Thread(
                                            r,
                                            "vector-env-" + pool + "-" + worker.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
    }

    /**
     * Below this much work per batch (an estimate of the time one thread would take), the envs are
     * stepped on the caller's thread: waking the workers costs tens of microseconds, more than a
     * batch of cheap envs takes.
     */
    static final long SERIAL_BELOW_NANOS = 100_000;

    /**
     * The serial times of the last batches (nanoseconds, as measured or estimated), in a ring:
     * their minimum is the estimate, since a thread that the OS preempts only ever looks slower.
     */
    private final long[] recent = new long[8];

    private int next;
    private int observed;

    @Override
    protected void forEachEnv(IndexTask task) {
        int n = envs.size();
        if (threads == 1 || workNanos() < SERIAL_BELOW_NANOS) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                task.run(i);
            }
            observe(System.nanoTime() - t0);
            return;
        }
        // The caller and the workers take envs one at a time from a shared counter, so a worker
        // that wakes late (or shares its core) leaves more to the others rather than making all
        // wait; the sum of their busy times estimates the batch's serial time.
        AtomicInteger nextEnv = new AtomicInteger();
        AtomicLong busy = new AtomicLong();
        Runnable share =
                () -> {
                    long t0 = System.nanoTime();
                    try {
                        for (int i = nextEnv.getAndIncrement();
                                i < n;
                                i = nextEnv.getAndIncrement()) {
                            task.run(i);
                        }
                    } finally {
                        busy.addAndGet(System.nanoTime() - t0);
                    }
                };
        List<Future<?>> futures = new ArrayList<>(threads - 1);
        for (int s = 1; s < threads; s++) {
            futures.add(pool.submit(share));
        }
        RuntimeException failure = null;
        try {
            share.run();
        } catch (RuntimeException e) {
            failure = e;
        } catch (Error e) {
            waitFor(futures);
            throw e;
        }
        RuntimeException other = waitFor(futures);
        observe(busy.get());
        failure = failure == null ? other : failure;
        if (failure != null) {
            throw failure;
        }
    }

    private void observe(long nanos) {
        recent[next] = nanos;
        next = (next + 1) % recent.length;
        observed = Math.min(observed + 1, recent.length);
    }

    /** The estimated serial time of a batch; 0 before any (so the first runs on the caller). */
    private long workNanos() {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < observed; i++) {
            min = Math.min(min, recent[i]);
        }
        return observed == 0 ? 0 : min;
    }

    /** Waits for every worker; the first failure among them (an Error is thrown at once). */
    private static RuntimeException waitFor(List<Future<?>> futures) {
        RuntimeException failure = null;
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof Error err) {
                    throw err;
                }
                failure = failure == null ? asRuntime(c) : failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stepping envs", e);
            }
        }
        return failure;
    }

    private static RuntimeException asRuntime(Throwable t) {
        return t instanceof RuntimeException r ? r : new IllegalStateException(t);
    }

    @Override
    public void close() {
        pool.shutdownNow();
        super.close();
    }
}
