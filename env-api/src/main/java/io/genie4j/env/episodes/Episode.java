package io.genie4j.env.episodes;

import io.genie4j.env.DType;
import io.genie4j.env.Tensor;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * One recorded episode, as stored in an episode file ({@link EpisodeWriter}, {@link
 * EpisodeReader}).
 *
 * <p>{@code frames[0]} is the reset observation; {@code actions[t]} was taken on {@code frames[t]}
 * and led to {@code frames[t + 1]} with {@code rewards[t]}, {@code terminated[t]} and {@code
 * truncated[t]}. So there are {@code T} frames and {@code T - 1} transitions.
 *
 * @param envId the id of the env that produced it
 * @param seed the reset seed
 * @param frames uint8 {@code [T, H, W, 3]}
 * @param actions {@code [T - 1, ...]}: int64 {@code [T - 1]} for discrete actions
 * @param rewards {@code T - 1} rewards
 * @param terminated {@code T - 1} flags
 * @param truncated {@code T - 1} flags
 * @param metadata free-form JSON-compatible values (policy, options, ...)
 */
public record Episode(
        String envId,
        long seed,
        Tensor frames,
        Tensor actions,
        float[] rewards,
        boolean[] terminated,
        boolean[] truncated,
        Map<String, Object> metadata) {

    /**
     * The metadata key of the options the env was made with for this episode. With them, the
     * episode's env id and reset seed, the recorded actions play the recorded frames again (the env
     * contract's determinism), so an evaluation can ask what the real env would have shown under
     * other actions from any recorded state.
     */
    public static final String ENV_OPTIONS = "env_options";

    /**
     * Checks that the arrays agree.
     *
     * @throws IllegalArgumentException naming the array whose shape is wrong
     */
    public Episode {
        Objects.requireNonNull(envId, "envId");
        Objects.requireNonNull(metadata, "metadata");
        if (frames.dtype() != DType.UINT8 || frames.rank() != 4 || frames.dim(3) != 3) {
            throw new IllegalArgumentException(
                    "frames must be uint8 [T, H, W, 3], got " + frames.describe());
        }
        int n = frames.dim(0) - 1;
        if (n < 0) {
            throw new IllegalArgumentException("an episode needs at least one frame");
        }
        if (actions.rank() < 1 || actions.dim(0) != n) {
            throw new IllegalArgumentException(
                    "actions must have "
                            + n
                            + " rows for "
                            + (n + 1)
                            + " frames, got "
                            + actions.describe());
        }
        if (rewards.length != n || terminated.length != n || truncated.length != n) {
            throw new IllegalArgumentException(
                    "rewards, terminated and truncated must have "
                            + n
                            + " entries, got "
                            + rewards.length
                            + ", "
                            + terminated.length
                            + ", "
                            + truncated.length);
        }
    }

    /** Number of frames, {@code T}. */
    public int frameCount() {
        return frames.dim(0);
    }

    /** Number of transitions, {@code T - 1}. */
    public int length() {
        return frames.dim(0) - 1;
    }

    /** Frame {@code t} as uint8 {@code [H, W, 3]}. */
    public Tensor frame(int t) {
        return frames.slice(t);
    }

    /** The sum of the rewards. */
    public double totalReward() {
        double s = 0;
        for (float r : rewards) {
            s += r;
        }
        return s;
    }

    /** Whether the last transition terminated the episode. */
    public boolean endedTerminated() {
        return length() > 0 && terminated[length() - 1];
    }

    /** Whether the last transition truncated the episode. */
    public boolean endedTruncated() {
        return length() > 0 && truncated[length() - 1];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Episode e
                && e.envId.equals(envId)
                && e.seed == seed
                && e.frames.equals(frames)
                && e.actions.equals(actions)
                && Arrays.equals(e.rewards, rewards)
                && Arrays.equals(e.terminated, terminated)
                && Arrays.equals(e.truncated, truncated)
                && e.metadata.equals(metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(envId, seed, frames, actions);
    }

    @Override
    public String toString() {
        return "Episode["
                + envId
                + ", seed "
                + seed
                + ", "
                + frameCount()
                + " frames, return "
                + totalReward()
                + "]";
    }

    /**
     * What a dataset manifest records of an episode.
     *
     * @param file the file name inside the dataset directory
     * @param seed the reset seed
     * @param frames the number of frames
     * @param totalReward the return
     * @param terminated whether the last transition terminated
     * @param truncated whether the last transition truncated
     */
    public record Summary(
            String file,
            long seed,
            int frames,
            double totalReward,
            boolean terminated,
            boolean truncated) {

        /** The summary of an episode with these per-transition arrays ({@code T - 1} each). */
        public static Summary of(
                String file,
                long seed,
                float[] rewards,
                boolean[] terminated,
                boolean[] truncated) {
            int n = rewards.length;
            double total = 0;
            for (float r : rewards) {
                total += r;
            }
            return new Summary(
                    file,
                    seed,
                    n + 1,
                    total,
                    n > 0 && terminated[n - 1],
                    n > 0 && truncated[n - 1]);
        }

        /** The JSON form used in {@code manifest.json}. */
        public Map<String, Object> toJson() {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("file", file);
            m.put("seed", seed);
            m.put("frames", frames);
            m.put("return", totalReward);
            m.put("terminated", terminated);
            m.put("truncated", truncated);
            return m;
        }

        /** Reads the JSON form. */
        public static Summary fromJson(Map<String, ?> m) {
            try {
                return new Summary(
                        (String) m.get("file"),
                        ((Number) m.get("seed")).longValue(),
                        ((Number) m.get("frames")).intValue(),
                        ((Number) m.get("return")).doubleValue(),
                        (Boolean) m.get("terminated"),
                        (Boolean) m.get("truncated"));
            } catch (ClassCastException | NullPointerException e) {
                throw new IllegalArgumentException("malformed episode entry in manifest: " + m);
            }
        }
    }
}
