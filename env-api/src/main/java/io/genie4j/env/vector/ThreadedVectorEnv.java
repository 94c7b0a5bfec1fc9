package io.genie4j.env.vector;

import io.genie4j.env.Env;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link VectorEnv} that steps its envs on a fixed pool of worker threads, each taking a
 * contiguous slice of the envs, so results are identical to {@link SyncVectorEnv} (each env is only
 * ever touched by one thread at a time and results are placed by index). Use it when one env step
 * is expensive enough to amortise the hand-off (CoinRun with rendering, the world model).
 *
 * @param <O> the observation type of one env
 * @param <A> the action type of one env
 */
public final class ThreadedVectorEnv<O, A> extends AbstractVectorEnv<O, A> {
    private static final AtomicInteger POOLS = new AtomicInteger();
    private final ExecutorService pool;
    private final int slices;

    /**
     * @param envs envs with equal spaces; the vector env owns them from now on
     * @param threads worker threads (at most one per env)
     */
    public ThreadedVectorEnv(List<? extends Env<O, A>> envs, int threads) {
        super(envs);
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.slices = Math.min(threads, envs.size());
        int pool = POOLS.incrementAndGet();
        AtomicInteger worker = new AtomicInteger();
        this.pool =
                Executors.newFixedThreadPool(
                        slices,
                        r -> {
                            Thread t =
                                    new Thread(
                                            r,
                                            "vector-env-" + pool + "-" + worker.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
    }

    @Override
    protected void forEachEnv(IndexTask task) {
        int n = envs.size();
        List<Future<?>> futures = new ArrayList<>(slices);
        for (int s = 0; s < slices; s++) {
            int from = s * n / slices;
            int to = (s + 1) * n / slices;
            futures.add(
                    pool.submit(
                            () -> {
                                for (int i = from; i < to; i++) {
                                    task.run(i);
                                }
                            }));
        }
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
        if (failure != null) {
            throw failure;
        }
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
