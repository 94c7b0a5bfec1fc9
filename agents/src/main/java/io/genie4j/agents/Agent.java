package io.genie4j.agents;

import java.util.ArrayList;
import java.util.List;

/**
 * Something that chooses actions from observations: a policy plus whatever per-episode state it
 * keeps. Agents act on a batch (one observation per env of a {@link
 * io.genie4j.env.vector.VectorEnv}), so a neural policy runs one forward for all envs; {@link
 * #act(Object)} is the single-env shortcut.
 *
 * <p>{@link #reset(int)} tells the agent that env slot {@code i} starts a new episode; stateless
 * agents ignore it. An agent is not thread-safe.
 *
 * @param <O> the observation type
 * @param <A> the action type
 */
public interface Agent<O, A> {

    /**
     * Chooses one action per observation.
     *
     * @param observations one per env slot, slot {@code i} at index {@code i}
     * @return one action per observation, in the same order
     */
    List<A> act(List<O> observations);

    /** Chooses the action for a single observation (slot 0). */
    default A act(O observation) {
        List<O> one = new ArrayList<>(1);
        one.add(observation);
        return act(one).get(0);
    }

    /** Env slot {@code slot} starts a new episode. */
    default void reset(int slot) {}

    /** A short name for reports, such as {@code random} or {@code oracle-bc}. */
    String name();
}
