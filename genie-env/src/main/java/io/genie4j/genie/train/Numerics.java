package io.genie4j.genie.train;

/**
 * The check every trainer makes after each step: a loss or gradient norm that is NaN or infinite
 * stops the run with an error that names the step and the batch, rather than training on garbage or
 * skipping the step without a word. Batches are reproducible from the run's seed and their index
 * (see {@link io.genie4j.genie.data.BatchLoader}), so the message is enough to replay the failing
 * one.
 */
public final class Numerics {
    private Numerics() {}

    /**
     * Throws if the loss or the gradient norm of a step is not finite.
     *
     * @param trainer what is training, e.g. "tokenizer"
     * @param loss the step's loss
     * @param gradientNorm the gradient norm AdamW returned (it skipped the update if not finite)
     * @param detail where the non-finite gradient was (such as {@link AdamW#lastNonFinite()}), or
     *     null
     * @param step the 1-based step
     * @param seed the run's data seed
     * @throws IllegalStateException naming the figure, its value, the step and the batch
     */
    public static void check(
            String trainer, double loss, double gradientNorm, String detail, int step, long seed) {
        requireFinite(trainer, "loss", loss, step, seed, null);
        requireFinite(trainer, "gradient norm", gradientNorm, step, seed, detail);
    }

    /**
     * Throws if {@code value} is not finite.
     *
     * @param trainer what was training, e.g. "tokenizer"
     * @param what the figure, e.g. "loss" or "gradient norm"
     * @param step the 1-based step that produced it
     * @param seed the run's data seed
     * @param detail more about where the value came from, or null
     * @throws IllegalStateException naming the trainer, the figure, its value, the step and the
     *     batch
     */
    public static void requireFinite(
            String trainer, String what, double value, int step, long seed, String detail) {
        if (Double.isFinite(value)) {
            return;
        }
        throw new IllegalStateException(
                trainer
                        + " training stopped: non-finite "
                        + what
                        + " ("
                        + value
                        + (detail == null ? "" : "; " + detail)
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
