package io.genie4j.agents;

import io.genie4j.env.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Acts in an image env with a {@link CnnPolicy} whose outputs are the env's actions: samples each
 * action from the policy's softmax (or takes the most likely one), and with probability {@code
 * epsilon} takes a uniformly random action instead, as Genie's CoinRun oracle does with 10%. A
 * policy that reads several frames gets each env's latest ones from a {@link FrameHistory}.
 */
public final class PolicyAgent implements Agent<Tensor, Integer> {
    private final CnnPolicy policy;
    private final boolean greedy;
    private final double epsilon;
    private final SplittableRandom rng;
    private final String name;
    private final FrameHistory history;

    /**
     * @param policy the network; the agent does not own it
     * @param greedy take the most likely action rather than sampling
     * @param epsilon probability of a uniformly random action, in [0, 1]
     * @param seed seeds the agent's sampling
     * @param name the agent's name in reports
     */
    public PolicyAgent(CnnPolicy policy, boolean greedy, double epsilon, long seed, String name) {
        if (!(epsilon >= 0 && epsilon <= 1)) {
            throw new IllegalArgumentException("epsilon must be in [0, 1], got " + epsilon);
        }
        this.policy = policy;
        this.greedy = greedy;
        this.epsilon = epsilon;
        this.rng = new SplittableRandom(seed);
        this.name = name;
        this.history = new FrameHistory(policy.frameSize(), policy.stack());
    }

    @Override
    public List<Integer> act(List<Tensor> observations) {
        float[][] p = policy.probabilities(history.inputs(observations));
        List<Integer> out = new ArrayList<>(p.length);
        for (float[] row : p) {
            out.add(
                    epsilon > 0 && rng.nextDouble() < epsilon
                            ? rng.nextInt(row.length)
                            : choose(row, greedy, rng));
        }
        return out;
    }

    /** The most likely index, or one sampled from {@code p} (see {@link Categorical}). */
    public static int choose(float[] p, boolean greedy, SplittableRandom rng) {
        return greedy ? Categorical.argmax(p) : Categorical.sample(p, rng);
    }

    @Override
    public void reset(int slot) {
        history.reset(slot);
    }

    @Override
    public String name() {
        return name;
    }
}
