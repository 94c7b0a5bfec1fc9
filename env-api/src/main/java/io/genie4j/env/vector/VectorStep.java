package io.genie4j.env.vector;

import io.genie4j.env.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@link VectorEnv#step(List)} returns: env {@code i}'s results at index {@code i}.
 *
 * @param observations one per env
 * @param rewards one per env
 * @param terminated one per env
 * @param truncated one per env
 * @param infos one per env
 * @param <O> the observation type of one env
 */
public record VectorStep<O>(
        List<O> observations,
        double[] rewards,
        boolean[] terminated,
        boolean[] truncated,
        List<Map<String, Object>> infos) {

    /** Checks that every array has one entry per env and freezes the lists. */
    public VectorStep {
        int n = observations.size();
        if (rewards.length != n
                || terminated.length != n
                || truncated.length != n
                || infos.size() != n) {
            throw new IllegalArgumentException(
                    "vector step results disagree on the number of envs");
        }
        observations = List.copyOf(observations);
        infos = List.copyOf(infos);
    }

    /** The observations stacked into one tensor {@code [N, ...]}; only for tensor observations. */
    public Tensor stackedObservations() {
        return stack(observations);
    }

    static Tensor stack(List<?> observations) {
        List<Tensor> ts = new ArrayList<>(observations.size());
        for (Object o : observations) {
            if (!(o instanceof Tensor t)) {
                throw new IllegalStateException("observations are not tensors: " + o);
            }
            ts.add(t);
        }
        return Tensor.stack(ts);
    }
}
