package io.genie4j.env;

import java.util.Map;
import java.util.Objects;

/**
 * What {@link Env#step(Object)} returns, with Gymnasium 1.x semantics.
 *
 * @param observation the observation after the action
 * @param reward the reward for the transition
 * @param terminated the episode reached a terminal state of the task (success or death); the value
 *     of the next state is zero
 * @param truncated the episode was cut short by a condition outside the task, such as a time limit
 * @param info diagnostic values; see {@link Reset#info()}
 * @param <O> the observation type
 */
public record Step<O>(
        O observation,
        double reward,
        boolean terminated,
        boolean truncated,
        Map<String, Object> info) {
    /** Rejects a null observation or info. */
    public Step {
        Objects.requireNonNull(observation, "observation");
        Objects.requireNonNull(info, "info");
    }

    /** Whether the episode ended, by termination or truncation. */
    public boolean done() {
        return terminated || truncated;
    }
}
