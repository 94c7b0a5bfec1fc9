package io.genie4j.agents;

import java.util.Arrays;

/**
 * One rollout of {@code T} steps of {@code N} envs, flattened step-major (entry {@code t × N + i}
 * is env {@code i} at step {@code t}), and its GAE(λ) advantages (Schulman et al. 2016).
 *
 * <p>The envs reset by Gymnasium's next-step rule: after an episode ends, the env's next step
 * ignores its action and returns the new episode's first observation. That step is no transition of
 * any episode, so it is marked {@code valid = false}: it trains nothing and the GAE trace restarts
 * there. The rule also makes truncation simple: the step after a truncated one acts on the
 * episode's true final observation, so its value estimate is the bootstrap the truncated step
 * needs; only {@code terminated} cuts the bootstrap, while either flag ends the trace.
 */
final class Rollout {
    final int steps;
    final int envs;
    final byte[][] inputs;
    final int[] actions;
    final float[] logProbs;
    final float[] values;
    final float[] rewards;
    final boolean[] terminated;
    final boolean[] ended;
    final boolean[] valid;
    final float[] advantages;
    final float[] returns;

    Rollout(int steps, int envs) {
        this.steps = steps;
        this.envs = envs;
        int n = steps * envs;
        inputs = new byte[n][];
        actions = new int[n];
        logProbs = new float[n];
        values = new float[n];
        rewards = new float[n];
        terminated = new boolean[n];
        ended = new boolean[n];
        valid = new boolean[n];
        advantages = new float[n];
        returns = new float[n];
    }

    /** Entries in all. */
    int size() {
        return steps * envs;
    }

    /** The indices of the valid entries. */
    int[] validIndices() {
        int[] out = new int[size()];
        int k = 0;
        for (int j = 0; j < out.length; j++) {
            if (valid[j]) {
                out[k++] = j;
            }
        }
        return Arrays.copyOf(out, k);
    }

    /**
     * Fills {@link #advantages} and {@link #returns} (advantage plus value) by GAE(λ).
     *
     * @param lastValues the value of each env's observation after the last step
     */
    void computeAdvantages(float[] lastValues, double gamma, double lambda) {
        for (int i = 0; i < envs; i++) {
            double gae = 0;
            for (int t = steps - 1; t >= 0; t--) {
                int j = t * envs + i;
                if (!valid[j]) {
                    gae = 0;
                    advantages[j] = 0;
                    returns[j] = values[j];
                    continue;
                }
                double next = t + 1 < steps ? values[j + envs] : lastValues[i];
                double delta = rewards[j] + (terminated[j] ? 0 : gamma * next) - values[j];
                gae = delta + (ended[j] ? 0 : gamma * lambda * gae);
                advantages[j] = (float) gae;
                returns[j] = (float) (gae + values[j]);
            }
        }
    }

    /** The share of the returns' variance the values explain (CleanRL's explained_variance). */
    double explainedVariance() {
        int[] idx = validIndices();
        if (idx.length < 2) {
            return Double.NaN;
        }
        double my = 0;
        double md = 0;
        for (int j : idx) {
            my += returns[j];
            md += returns[j] - values[j];
        }
        my /= idx.length;
        md /= idx.length;
        double vy = 0;
        double vd = 0;
        for (int j : idx) {
            vy += (returns[j] - my) * (returns[j] - my);
            double d = returns[j] - values[j] - md;
            vd += d * d;
        }
        return vy == 0 ? Double.NaN : 1 - vd / vy;
    }
}
