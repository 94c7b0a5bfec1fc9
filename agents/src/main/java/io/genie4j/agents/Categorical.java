package io.genie4j.agents;

import java.util.function.IntToDoubleFunction;
import java.util.random.RandomGenerator;

/**
 * Draws from a categorical distribution given as probabilities, with one uniform number per draw,
 * so that the same generator gives the same choices. The one sampler every agent and mapping uses.
 */
public final class Categorical {
    private Categorical() {}

    /**
     * An index drawn with probability {@code p[i]}: the first whose cumulative probability exceeds
     * one uniform draw; when rounding leaves the sum just below the draw, the last index with
     * positive probability.
     */
    public static int sample(double[] p, RandomGenerator rng) {
        return sample(p.length, i -> p[i], rng);
    }

    /** {@link #sample(double[], RandomGenerator)} for float probabilities. */
    public static int sample(float[] p, RandomGenerator rng) {
        return sample(p.length, i -> p[i], rng);
    }

    private static int sample(int n, IntToDoubleFunction p, RandomGenerator rng) {
        double u = rng.nextDouble();
        double c = 0;
        for (int i = 0; i < n; i++) {
            c += p.applyAsDouble(i);
            if (u < c) {
                return i;
            }
        }
        for (int i = n - 1; i >= 0; i--) {
            if (p.applyAsDouble(i) > 0) {
                return i;
            }
        }
        return n - 1;
    }

    /** The index of the largest value (the first of equal ones). */
    public static int argmax(float[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }
}
