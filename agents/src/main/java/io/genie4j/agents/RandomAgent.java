package io.genie4j.agents;

import io.genie4j.env.spaces.Space;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Samples every action uniformly from an action space, from its own seeded generator, so a run is
 * reproducible.
 *
 * @param <A> the action type
 */
public final class RandomAgent<O, A> implements Agent<O, A> {
    private final Space<A> actions;
    private final SplittableRandom rng;

    /**
     * @param actions the space to sample from
     * @param seed seeds the agent's generator
     */
    public RandomAgent(Space<A> actions, long seed) {
        this.actions = actions;
        this.rng = new SplittableRandom(seed);
    }

    @Override
    public List<A> act(List<O> observations) {
        List<A> out = new ArrayList<>(observations.size());
        for (int i = 0; i < observations.size(); i++) {
            out.add(actions.sample(rng));
        }
        return out;
    }

    @Override
    public String name() {
        return "random";
    }
}
