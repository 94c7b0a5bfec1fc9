package io.genie4j.env.registry;

import io.genie4j.env.DType;
import io.genie4j.env.Env;
import io.genie4j.env.EnvSpec;
import io.genie4j.env.Reset;
import io.genie4j.env.Step;
import io.genie4j.env.Tensor;
import io.genie4j.env.spaces.Box;
import io.genie4j.env.spaces.Discrete;
import io.genie4j.env.spaces.Space;
import java.util.List;
import java.util.Map;

/**
 * {@code Noop-v0}: an env whose step costs nothing, for measuring the overhead of whatever drives
 * it (vector envs, the wire protocol). Observations are a constant black 64×64 RGB frame, so their
 * size is that of a real env's; actions are {@code Discrete(2)}; reward 0; episodes never end by
 * themselves.
 */
public final class NoopEnv implements Env<Tensor, Integer> {
    static final String ID = "Noop-v0";
    private static final Tensor FRAME = Tensor.zeros(DType.UINT8, 64, 64, 3);
    private final EnvSpec spec;
    private final Discrete actions = new Discrete(2);
    private final Box observations = Box.image(64, 64);
    private boolean started;

    /** Makes the env; it has no options. */
    public NoopEnv(EnvOptions options) {
        this.spec = options.spec();
    }

    static EnvRegistration registration() {
        return new EnvRegistration(
                ID,
                "Does nothing, at no cost: measures the overhead of code that drives envs",
                EnvSpec.of(ID),
                List.of(),
                NoopEnv::new);
    }

    @Override
    public Space<Tensor> observationSpace() {
        return observations;
    }

    @Override
    public Space<Integer> actionSpace() {
        return actions;
    }

    @Override
    public EnvSpec spec() {
        return spec;
    }

    @Override
    public Reset<Tensor> reset(Long seed, Map<String, Object> options) {
        started = true;
        return new Reset<>(FRAME, Map.of());
    }

    @Override
    public Step<Tensor> step(Integer action) {
        actions.validate(action, "action");
        if (!started) {
            throw new IllegalStateException("step() called before reset()");
        }
        return new Step<>(FRAME, 0.0, false, false, Map.of());
    }

    @Override
    public Tensor render() {
        return FRAME;
    }

    @Override
    public void close() {
        started = false;
    }
}
