package io.genie4j.genie.data;

import io.genie4j.genie.train.TrainingLoop;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Prepares batches of random clips on a background thread: each batch is uint8 {@code [B, T, H, W,
 * 3]} in one array. The sequence of batches depends only on the seed.
 */
public final class BatchLoader implements AutoCloseable, TrainingLoop.Batches<byte[]> {

    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(4);
    private final Thread thread;
    private volatile boolean closed;
    private volatile RuntimeException failure;

    /**
     * Starts preparing batches of {@code batch} clips of {@code length} frames ({@code stride}
     * apart) from {@code split}. Batch k (counting from 0 at the start of training) depends only on
     * {@code seed} and k, so a run resumed at step {@code firstBatch} sees the same batches as one
     * that never stopped.
     */
    public BatchLoader(
            List<Clip.Source> split,
            int batch,
            int length,
            int stride,
            long seed,
            long firstBatch) {
        if (split.isEmpty()) {
            throw new IllegalArgumentException("the split has no episodes");
        }
        int clipBytes = split.get(0).frameBytes() * length;
        thread =
                new Thread(
                        () -> {
                            try {
                                for (long k = firstBatch; !closed; k++) {
                                    Random rng = new Random(seed * 0x9E3779B97F4A7C15L + k);
                                    byte[] b = new byte[clipBytes * batch];
                                    for (int i = 0; i < batch; i++) {
                                        VideoDataset.sampleClip(
                                                split, length, stride, rng, b, i * clipBytes);
                                    }
                                    queue.put(b);
                                }
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            } catch (RuntimeException e) {
                                failure = e;
                            }
                        },
                        "genie4j-batches");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public byte[] next() throws InterruptedException {
        while (true) {
            byte[] b = queue.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            if (b != null) {
                return b;
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
