package io.genie4j.agents;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Plays without looking: samples every action with fixed probabilities, such as how often a
 * demonstrator took each action. Beside a cloned policy it is the control that shows what seeing
 * the frame adds; in CoinRun an agent that mostly runs right and jumps at random already wins many
 * easy levels.
 *
 * @param <O> the observation type (never read)
 */
public final class FrequencyAgent<O> implements Agent<O, Integer> {
    private final float[] p;
    private final SplittableRandom rng;
    private final String name;

    /**
     * @param counts how often each action was seen; the agent plays action {@code i} with
     *     probability {@code counts[i] / sum(counts)}
     * @param seed seeds the agent's generator
     * @param name how reports name the agent
     * @throws IllegalArgumentException if a count is negative or all are zero
     */
    public FrequencyAgent(int[] counts, long seed, String name) {
        long total = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 0) {
                throw new IllegalArgumentException(
                        "action counts must be >= 0, got " + counts[i] + " for action " + i);
            }
            total += counts[i];
        }
        if (total == 0) {
            throw new IllegalArgumentException("action counts are all zero: nothing to sample");
        }
        this.p = new float[counts.length];
        for (int i = 0; i < counts.length; i++) {
            p[i] = (float) ((double) counts[i] / total);
        }
        this.rng = new SplittableRandom(seed);
        this.name = name;
    }

    @Override
    public List<Integer> act(List<O> observations) {
        List<Integer> out = new ArrayList<>(observations.size());
        for (int i = 0; i < observations.size(); i++) {
            out.add(PolicyAgent.choose(p, false, rng));
        }
        return out;
    }

    @Override
    public String name() {
        return name;
    }
}
