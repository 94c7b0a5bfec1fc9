package io.genie4j.genie.metrics;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Percentile bootstrap intervals for means over items (clips, transitions) that come in clusters
 * (episodes): each resample draws whole episodes with replacement, so items of one episode, which
 * are not independent, move together. Every figure is resampled with the same draws, so intervals
 * of differences (a rollout's margin over the still frame, say) are paired.
 */
public final class EpisodeBootstrap {
    /** Resamples a figure's interval is read from. */
    public static final int RESAMPLES = 1000;

    private final int[] episodeOf;
    private final int[][] weights;

    /**
     * @param episodeOf the episode (0..episodes-1) of each item
     * @param resamples how many resamples
     * @param seed the draws' seed
     */
    public EpisodeBootstrap(int[] episodeOf, int resamples, long seed) {
        if (episodeOf.length == 0 || resamples < 1) {
            throw new IllegalArgumentException("need at least one item and one resample");
        }
        this.episodeOf = episodeOf.clone();
        int episodes = Arrays.stream(episodeOf).max().orElse(0) + 1;
        if (Arrays.stream(episodeOf).min().orElse(0) < 0) {
            throw new IllegalArgumentException("episode indices must be at least 0");
        }
        SplittableRandom rng = new SplittableRandom(seed);
        weights = new int[resamples][episodes];
        for (int[] w : weights) {
            for (int e = 0; e < episodes; e++) {
                w[rng.nextInt(episodes)]++;
            }
        }
    }

    /** The mean of {@code values} (one per item). */
    public static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /** The 95% interval {lower, upper} of the mean of {@code values}, one per item. */
    public double[] ci95(double[] values) {
        if (values.length != episodeOf.length) {
            throw new IllegalArgumentException(
                    values.length + " values for " + episodeOf.length + " items");
        }
        double[] means = new double[weights.length];
        int counted = 0;
        for (int[] w : weights) {
            double sum = 0;
            long n = 0;
            for (int i = 0; i < values.length; i++) {
                int k = w[episodeOf[i]];
                sum += k * values[i];
                n += k;
            }
            if (n > 0) {
                means[counted++] = sum / n;
            }
        }
        double[] m = Arrays.copyOf(means, counted);
        Arrays.sort(m);
        return new double[] {quantile(m, 0.025), quantile(m, 0.975)};
    }

    private static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
