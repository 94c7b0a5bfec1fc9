package io.genie4j.env;

import java.util.Map;
import java.util.Objects;

/**
 * What {@link Env#reset(Long, Map)} returns: the first observation of an episode and an info map.
 *
 * @param observation the first observation, an element of the observation space
 * @param info diagnostic values: numbers, strings, booleans, lists, maps or {@link Tensor}s, so
 *     that the map can cross the wire
 * @param <O> the observation type
 */
public record Reset<O>(O observation, Map<String, Object> info) {
    /** Rejects a null observation or info. */
    public Reset {
        Objects.requireNonNull(observation, "observation");
        Objects.requireNonNull(info, "info");
    }
}
