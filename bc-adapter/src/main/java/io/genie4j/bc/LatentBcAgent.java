package io.genie4j.bc;

import io.genie4j.agents.Agent;
import io.genie4j.agents.CnnPolicy;
import io.genie4j.agents.FrameHistory;
import io.genie4j.agents.PolicyAgent;
import io.genie4j.env.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Plays the real game from latent actions: a latent policy picks a latent code for the frame, and
 * an {@link ActionMapping} turns the code into a real action.
 */
public final class LatentBcAgent implements Agent<Tensor, Integer> {
    private final CnnPolicy latentPolicy;
    private final ActionMapping mapping;
    private final boolean greedy;
    private final SplittableRandom rng;
    private final String name;
    private final FrameHistory history;

    /**
     * @param latentPolicy a policy over latent codes; the agent does not own it
     * @param mapping latent code to real action
     * @param greedy take the most likely code rather than sampling one
     * @param seed seeds the sampling
     * @param name the agent's name in reports
     */
    public LatentBcAgent(
            CnnPolicy latentPolicy, ActionMapping mapping, boolean greedy, long seed, String name) {
        if (latentPolicy.outputs() != mapping.codes()) {
            throw new IllegalArgumentException(
                    "the latent policy has "
                            + latentPolicy.outputs()
                            + " outputs but the mapping knows "
                            + mapping.codes()
                            + " codes");
        }
        this.latentPolicy = latentPolicy;
        this.mapping = mapping;
        this.greedy = greedy;
        this.rng = new SplittableRandom(seed);
        this.name = name;
        this.history = new FrameHistory(latentPolicy.frameSize(), latentPolicy.stack());
    }

    @Override
    public List<Integer> act(List<Tensor> observations) {
        List<byte[]> frames = history.inputs(observations);
        float[][] p = latentPolicy.probabilities(frames);
        int[] codes = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            codes[i] = PolicyAgent.choose(p[i], greedy, rng);
        }
        int[] real = mapping.map(frames, codes, rng);
        List<Integer> out = new ArrayList<>(real.length);
        for (int a : real) {
            out.add(a);
        }
        return out;
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
