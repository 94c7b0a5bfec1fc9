package io.genie4j.env.vector;

import io.genie4j.env.Tensor;
import java.util.List;
import java.util.Map;

/**
 * What {@link VectorEnv#reset(Long, Map)} returns: env {@code i}'s observation and info at index
 * {@code i}.
 *
 * @param observations one per env
 * @param infos one per env
 * @param <O> the observation type of one env
 */
public record VectorReset<O>(List<O> observations, List<Map<String, Object>> infos) {
    /** Freezes the lists. */
    public VectorReset {
        observations = List.copyOf(observations);
        infos = List.copyOf(infos);
    }

    /** The observations stacked into one tensor {@code [N, ...]}; only for tensor observations. */
    public Tensor stackedObservations() {
        return VectorStep.stack(observations);
    }
}
