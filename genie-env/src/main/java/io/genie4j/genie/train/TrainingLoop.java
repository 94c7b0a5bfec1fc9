package io.genie4j.genie.train;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * The training skeleton every trainer shares: steps until the configured count or the deadline, the
 * non-finite checks of {@link Numerics}, a log row every {@code logEvery} steps averaged over the
 * window, the listener's progress and stop requests, and a checkpoint every {@code checkpointEvery}
 * steps and at the end, so a run can resume where it stopped. What a step does, what a row holds
 * and how a checkpoint is written belong to the trainer ({@link Steps}).
 */
public final class TrainingLoop {
    private TrainingLoop() {}

    /** What one step produced: the loss, the gradient norm and the figures the log averages. */
    public record Figures(double loss, double gradientNorm, String nonFinite, double... values) {}

    /** What a run did: the step reached, seconds and frames in all (earlier sessions included). */
    public record Result(int step, double seconds, long frames, double framesPerSecond) {}

    /** Where batches come from: batch k of a run must depend only on its seed and k. */
    public interface Batches<B> {
        /** The next batch, waiting for it if needed. */
        B next() throws InterruptedException;
    }

    /** The trainer's part of the loop, for batches of type {@code B}. */
    public interface Steps<B> {
        /**
         * One optimisation step on {@code batch} at learning rate {@code lr} (step counts from 0).
         */
        Figures step(B batch, float lr, int step) throws IOException;

        /** After step {@code step} (1-based) passed the checks: dead-code resets and the like. */
        default void afterStep(int step) {}

        /** The log row at {@code step} from the window's mean figures and frames per second. */
        double[] row(int step, double elapsed, float lr, double[] means, double framesPerSecond);

        /** Writes a checkpoint at {@code step} ({@code seconds} and {@code frames} in all). */
        void save(int step, double seconds, long frames) throws IOException;
    }

    /**
     * Where a run starts: its step and what earlier sessions of it took.
     *
     * @param step the first step (0 for a new run)
     * @param seconds training seconds before this session
     * @param frames frames trained on before this session
     */
    public record Start(int step, double seconds, long frames) {
        /** A new run's start. */
        public static final Start NEW = new Start(0, 0, 0);

        /** Where a run stopped, from its {@code model.json}'s {@code training} node. */
        public static Start of(JsonNode training) {
            return new Start(
                    training.path("step").asInt(),
                    training.path("seconds").asDouble(),
                    training.path("frames").asLong());
        }
    }

    /**
     * Runs {@code steps} from {@code start} until {@code train.steps()}, the deadline ({@code
     * minutes}, 0 for none) or a stop request.
     *
     * @param name what is training, for error messages ("tokenizer")
     * @param framesPerStep frames in one batch
     * @throws IllegalStateException on a non-finite loss or gradient norm (see {@link Numerics})
     */
    public static <B> Result run(
            String name,
            TrainConfig train,
            Batches<B> loader,
            TrainLog log,
            TrainListener listener,
            Steps<B> steps,
            Start start,
            double minutes,
            long framesPerStep)
            throws IOException, InterruptedException {
        listener.onStart(start.step(), train.steps());
        long t0 = System.nanoTime();
        long deadline = minutes > 0 ? t0 + (long) (minutes * 60e9) : Long.MAX_VALUE;
        int step = start.step();
        double recentFps = 0;
        double[] sums = null;
        int sinceLog = 0;
        long windowStart = System.nanoTime();
        while (step < train.steps() && System.nanoTime() < deadline) {
            B batch = loader.next();
            float lr = train.learningRate(step);
            Figures f = steps.step(batch, lr, step);
            step++;
            Numerics.check(name, f.loss(), f.gradientNorm(), f.nonFinite(), step, train.seed());
            steps.afterStep(step);
            if (sums == null) {
                sums = new double[f.values().length];
            }
            for (int i = 0; i < sums.length; i++) {
                sums[i] += f.values()[i];
            }
            sinceLog++;
            double elapsed = start.seconds() + (System.nanoTime() - t0) / 1e9;
            if (step % train.logEvery() == 0 || step == train.steps()) {
                double window = (System.nanoTime() - windowStart) / 1e9;
                recentFps = sinceLog * framesPerStep / window;
                double[] means = new double[sums.length];
                for (int i = 0; i < sums.length; i++) {
                    means[i] = sums[i] / sinceLog;
                    sums[i] = 0;
                }
                log.add(steps.row(step, elapsed, lr, means, recentFps));
                sinceLog = 0;
                windowStart = System.nanoTime();
            }
            listener.onStep(
                    new TrainListener.StepInfo(
                            step, train.steps(), (float) f.loss(), recentFps, lr, elapsed));
            boolean stop = listener.stopRequested();
            boolean last = step == train.steps() || System.nanoTime() >= deadline || stop;
            if (step % train.checkpointEvery() == 0 || last) {
                steps.save(
                        step,
                        elapsed,
                        start.frames() + (long) (step - start.step()) * framesPerStep);
                listener.onCheckpoint(step);
            }
            if (stop) {
                break;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long frames = (long) (step - start.step()) * framesPerStep;
        return new Result(
                step,
                start.seconds() + seconds,
                start.frames() + frames,
                frames / Math.max(seconds, 1e-9));
    }
}
