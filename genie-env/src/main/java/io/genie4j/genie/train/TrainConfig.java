package io.genie4j.genie.train;

/**
 * How to train: the optimiser, its schedule, the batches and the checkpoints. Saved in {@code
 * model.json} beside the model's own config, so a run can be repeated exactly.
 *
 * @param batch clips per step
 * @param clipLength frames per clip
 * @param frameStride frames between consecutive clip frames in the source video
 * @param learningRate peak learning rate
 * @param finalLearningRate learning rate at the end of the cosine decay
 * @param warmupSteps linear warm-up steps
 * @param steps total steps (the cosine decay's horizon; training stops here)
 * @param weightDecay AdamW's decoupled weight decay (weights only, not biases, norms or embeddings)
 * @param gradClip global gradient-norm clip (≤ 0 for none)
 * @param seed seeds initialisation, batches and dead-code resets
 * @param checkpointEvery steps between checkpoints
 * @param logEvery steps between CSV rows
 * @param deadCodeEvery steps between dead-code resets (≤ 0 for none)
 * @param validationFraction share of episodes held out for validation
 * @param maxEpisodes episodes to load (≤ 0 for all)
 * @param actionDropout world model only: the share of frames whose latent action the dynamics is
 *     shown as "no action" in training (classifier-free guidance's dropout, Ho and Salimans 2022),
 *     so that sampling can contrast the action's prediction with the action-free one ({@code
 *     guidance} in {@link io.genie4j.genie.world.GenieWorld.Options}); 0 in a model.json written
 *     before this setting existed
 * @param changedTokenBoost world model only: extra weight on the dynamics' loss at tokens that
 *     differ from the same position in the previous frame (weight 1 + boost there, 1 elsewhere), so
 *     that motion (a scrolling camera changes most tokens of a frame) is not outweighed by the many
 *     tokens that a copy of the last frame predicts; the loss is then no longer the likelihood, so
 *     the model overstates change (a key held where the game stands still moves its world); 0 (off)
 *     in a model.json written before this setting existed
 * @param visibleFrameShare world model only: the share of a clip's frames after the first that the
 *     dynamics is given whole in training (no token masked, no loss on them) while the others are
 *     masked at the clip's rate, so that masked frames often follow a whole frame, as every
 *     generated frame follows whole past frames when the world is played; 0 (every frame masked, as
 *     Genie trains) in a model.json written before this setting existed
 * @param actionContrast world model only: the weight of a second loss term that asks each masked
 *     frame's true tokens to be likelier under its own latent action than under another one drawn
 *     at random (the dynamics runs twice a step; see {@code MaskGit.actionContrast}), so that the
 *     world learns to follow its action without reweighting the likelihood as the boost does; 0
 *     (off) in a model.json written before this setting existed
 */
public record TrainConfig(
        int batch,
        int clipLength,
        int frameStride,
        float learningRate,
        float finalLearningRate,
        int warmupSteps,
        int steps,
        float weightDecay,
        float gradClip,
        long seed,
        int checkpointEvery,
        int logEvery,
        int deadCodeEvery,
        double validationFraction,
        int maxEpisodes,
        float actionDropout,
        float changedTokenBoost,
        float visibleFrameShare,
        float actionContrast) {

    /** The tokenizer defaults for this machine. */
    public static TrainConfig tokenizerDefaults() {
        return new TrainConfig(
                8, 8, 1, 6e-4f, 3e-5f, 300, 6000, 0.05f, 1.0f, 1, 200, 20, 200, 0.05, 300, 0f, 0f,
                0f, 0f);
    }

    /**
     * The world-model defaults for this machine: 4 clips of 16 frames per step (the dynamics'
     * context), co-training the LAM and dynamics.
     */
    public static TrainConfig worldDefaults() {
        return new TrainConfig(
                4, 16, 1, 4e-4f, 4e-5f, 300, 8000, 0.05f, 1.0f, 1, 100, 10, 100, 0.05, 300, 0f, 0f,
                0f, 0f);
    }

    /**
     * Checks the numbers; throws {@link IllegalArgumentException} naming the first bad one (by its
     * field name, as a {@code --config} file spells it) and its value.
     */
    public TrainConfig validate() {
        atLeastOne("batch", batch);
        atLeastOne("clipLength", clipLength);
        atLeastOne("frameStride", frameStride);
        atLeastOne("steps", steps);
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learningRate must be > 0, got " + learningRate);
        }
        if (!(finalLearningRate >= 0)) {
            throw new IllegalArgumentException(
                    "finalLearningRate must be >= 0, got " + finalLearningRate);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmupSteps must be >= 0, got " + warmupSteps);
        }
        atLeastOne("checkpointEvery", checkpointEvery);
        atLeastOne("logEvery", logEvery);
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException(
                    "validationFraction must be in [0, 1), got " + validationFraction);
        }
        if (!(actionDropout >= 0 && actionDropout < 1)) {
            throw new IllegalArgumentException(
                    "actionDropout must be in [0, 1), got " + actionDropout);
        }
        if (!(changedTokenBoost >= 0 && changedTokenBoost <= 100)) {
            throw new IllegalArgumentException(
                    "changedTokenBoost must be in [0, 100], got " + changedTokenBoost);
        }
        if (!(actionContrast >= 0 && actionContrast <= 100)) {
            throw new IllegalArgumentException(
                    "actionContrast must be in [0, 100], got " + actionContrast);
        }
        if (!(visibleFrameShare >= 0 && visibleFrameShare < 1)) {
            throw new IllegalArgumentException(
                    "visibleFrameShare must be in [0, 1), got " + visibleFrameShare);
        }
        return this;
    }

    private static void atLeastOne(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + value);
        }
    }

    /** Linear warm-up to the peak, then cosine decay to the final rate at {@code steps}. */
    public float learningRate(int step) {
        if (step < warmupSteps) {
            return learningRate * (step + 1) / warmupSteps;
        }
        double p = Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, steps - warmupSteps));
        return (float)
                (finalLearningRate
                        + 0.5 * (learningRate - finalLearningRate) * (1 + Math.cos(Math.PI * p)));
    }

    /** A copy with another action dropout. */
    public TrainConfig withActionDropout(float share) {
        return withWorldLoss(share, changedTokenBoost, visibleFrameShare, actionContrast);
    }

    /** A copy with another boost on changed tokens. */
    public TrainConfig withChangedTokenBoost(float boost) {
        return withWorldLoss(actionDropout, boost, visibleFrameShare, actionContrast);
    }

    /** A copy with another share of frames given whole. */
    public TrainConfig withVisibleFrameShare(float share) {
        return withWorldLoss(actionDropout, changedTokenBoost, share, actionContrast);
    }

    /** A copy with another weight on the action-contrast term. */
    public TrainConfig withActionContrast(float weight) {
        return withWorldLoss(actionDropout, changedTokenBoost, visibleFrameShare, weight);
    }

    private TrainConfig withWorldLoss(float dropout, float boost, float visible, float contrast) {
        return new TrainConfig(
                batch,
                clipLength,
                frameStride,
                learningRate,
                finalLearningRate,
                warmupSteps,
                steps,
                weightDecay,
                gradClip,
                seed,
                checkpointEvery,
                logEvery,
                deadCodeEvery,
                validationFraction,
                maxEpisodes,
                dropout,
                boost,
                visible,
                contrast);
    }

    /** A copy with a different step count. */
    public TrainConfig withSteps(int newSteps) {
        return new TrainConfig(
                batch,
                clipLength,
                frameStride,
                learningRate,
                finalLearningRate,
                Math.min(warmupSteps, newSteps / 10),
                newSteps,
                weightDecay,
                gradClip,
                seed,
                checkpointEvery,
                logEvery,
                deadCodeEvery,
                validationFraction,
                maxEpisodes,
                actionDropout,
                changedTokenBoost,
                visibleFrameShare,
                actionContrast);
    }
}
