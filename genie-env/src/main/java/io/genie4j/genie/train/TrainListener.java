package io.genie4j.genie.train;

/** Receives a training run's progress (the CLI draws a progress bar from it). */
public interface TrainListener {

    /** Called once before the first step, with the step training starts from and the total. */
    default void onStart(int fromStep, int steps) {}

    /** Called after every step. */
    void onStep(StepInfo info);

    /**
     * Polled after every step: returning true ends the run after a checkpoint (the CLI returns true
     * once the user presses Ctrl-C).
     */
    default boolean stopRequested() {
        return false;
    }

    /** Something the user should know about how the run goes on (printed by the CLI). */
    default void onNotice(String message) {}

    /** Called after every checkpoint is written. */
    default void onCheckpoint(int step) {}

    /**
     * One step's figures.
     *
     * @param step steps completed
     * @param steps total steps
     * @param loss the training loss
     * @param framesPerSecond training frames per second (recent average)
     * @param learningRate the learning rate used
     * @param seconds training seconds so far (across resumes)
     */
    record StepInfo(
            int step,
            int steps,
            double loss,
            double framesPerSecond,
            double learningRate,
            double seconds) {}

    /** A listener that ignores everything. */
    TrainListener NONE = info -> {};
}
