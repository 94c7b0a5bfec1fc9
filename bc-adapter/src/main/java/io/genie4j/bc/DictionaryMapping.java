package io.genie4j.bc;

import io.genie4j.agents.Categorical;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Genie's latent-to-real mapping (§3.3): for each latent code, the empirical distribution of the
 * real actions seen with it in the labelled samples, sampled at test time. A code the samples never
 * showed falls back to the distribution of all samples' real actions, and with no samples at all
 * every action is equally likely.
 */
public final class DictionaryMapping implements ActionMapping {
    private final long[][] counts;
    private final double[][] distribution;

    private DictionaryMapping(long[][] counts, int actions) {
        this.counts = counts;
        int codes = counts.length;
        long[] marginal = new long[actions];
        long total = 0;
        for (long[] row : counts) {
            for (int a = 0; a < actions; a++) {
                marginal[a] += row[a];
                total += row[a];
            }
        }
        this.distribution = new double[codes][];
        for (int k = 0; k < codes; k++) {
            long n = 0;
            for (long v : counts[k]) {
                n += v;
            }
            long[] src = n > 0 ? counts[k] : marginal;
            long sum = n > 0 ? n : total;
            double[] p = new double[actions];
            for (int a = 0; a < actions; a++) {
                p[a] = sum > 0 ? (double) src[a] / sum : 1.0 / actions;
            }
            distribution[k] = p;
        }
    }

    /**
     * Counts co-occurrences.
     *
     * @param codes the number of latent codes
     * @param actions the number of real actions
     * @param sampleCodes the latent code of each labelled transition
     * @param sampleActions the real action of each labelled transition
     * @throws IllegalArgumentException if the arrays differ in length or hold values out of range
     */
    public static DictionaryMapping fit(
            int codes, int actions, int[] sampleCodes, int[] sampleActions) {
        if (codes < 1 || actions < 1) {
            throw new IllegalArgumentException(
                    "codes and actions must be >= 1, got " + codes + " and " + actions);
        }
        if (sampleCodes.length != sampleActions.length) {
            throw new IllegalArgumentException(
                    sampleCodes.length
                            + " codes but "
                            + sampleActions.length
                            + " actions; give one of each per sample");
        }
        long[][] counts = new long[codes][actions];
        for (int i = 0; i < sampleCodes.length; i++) {
            int k = sampleCodes[i];
            int a = sampleActions[i];
            if (k < 0 || k >= codes || a < 0 || a >= actions) {
                throw new IllegalArgumentException(
                        "sample "
                                + i
                                + " has code "
                                + k
                                + " and action "
                                + a
                                + "; expected codes in [0, "
                                + codes
                                + ") and actions in [0, "
                                + actions
                                + ")");
            }
            counts[k][a]++;
        }
        return new DictionaryMapping(counts, actions);
    }

    @Override
    public int codes() {
        return counts.length;
    }

    @Override
    public int actions() {
        return distribution[0].length;
    }

    /** The probability of each real action for {@code code}. */
    public double[] distribution(int code) {
        return distribution[code].clone();
    }

    /** How often each real action was seen with {@code code}. */
    public long[] counts(int code) {
        return counts[code].clone();
    }

    /** Whether the samples showed {@code code} at least once. */
    public boolean seen(int code) {
        for (long v : counts[code]) {
            if (v > 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int[] map(List<byte[]> frames, int[] codes, SplittableRandom rng) {
        int[] out = new int[codes.length];
        for (int i = 0; i < codes.length; i++) {
            out[i] = Categorical.sample(distribution[codes[i]], rng);
        }
        return out;
    }

    @Override
    public String name() {
        return "dictionary";
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        List<List<Long>> table = new ArrayList<>();
        for (long[] row : counts) {
            List<Long> r = new ArrayList<>();
            for (long v : row) {
                r.add(v);
            }
            table.add(r);
        }
        m.put("mapping", name());
        m.put("counts", table);
        return m;
    }
}
