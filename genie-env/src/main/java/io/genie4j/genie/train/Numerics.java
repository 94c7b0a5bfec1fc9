package io.genie4j.genie.train;

/**
 * The check every trainer makes after each step: a loss or gradient norm that is NaN or infinite
 * stops the run with an error that names the step and the batch, rather than training on (or
 * silently skipping) garbage. Batches are reproducible from the run's seed and their index (see
 * {@link io.genie4j.genie.data.BatchLoader}), so the message is enough to replay the failing one.
 */
public final class Numerics {
    private Numerics() {}

    /**
     * Throws if {@code value} is not finite.
     *
     * @param trainer what was training, e.g. "tokenizer"
     * @param what the figure, e.g. "loss" or "gradient norm"
     * @param step the 1-based step that produced it
     * @param seed the run's data seed
     * @throws IllegalStateException naming the trainer, the figure, its value, the step and the
     *     batch
     */
    public static void requireFinite(
            String trainer, String what, double value, int step, long seed) {
        if (Double.isFinite(value)) {
            return;
        }
        throw new IllegalStateException(
                trainer
                        + " training stopped: non-finite "
                        + what
                        + " ("
                        + value
                        + ") at step "
                        + step
                        + ", batch "
                        + (step - 1)
                        + " of data seed "
                        + seed
                        + "; the parameters were not updated and the last checkpoint is intact."
                        + " A NaN in the first steps points at the data or the model, a later one"
                        + " at a learning rate that is too high");
    }
}
