package io.genie4j.env;

import io.genie4j.env.spaces.Box;
import io.genie4j.env.spaces.Discrete;
import io.genie4j.env.spaces.Space;
import java.util.Map;

/**
 * A test env whose episode terminates after exactly {@code length} steps. Observations are int64
 * {@code [3]}: the reset seed (or -1), the step count and the last action, so tests can read what
 * happened. Info carries {@code resets} and {@code t}; reward is the action taken.
 */
public final class CountdownEnv implements Env<Tensor, Integer> {
    private final int length;
    private final Discrete actions = new Discrete(4);
    private final Box obs = Box.of(-1, 1_000_000, DType.INT64, 3);
    private long seed = -1;
    private int t = -1;
    public int resets;
    public int closes;

    public CountdownEnv(int length) {
        this.length = length;
    }

    @Override
    public Space<Tensor> observationSpace() {
        return obs;
    }

    @Override
    public Space<Integer> actionSpace() {
        return actions;
    }

    @Override
    public EnvSpec spec() {
        return EnvSpec.of("Countdown-v0");
    }

    private Tensor observe(long last) {
        return Tensor.int64(new long[] {seed, t, last}, 3);
    }

    @Override
    public Reset<Tensor> reset(Long s, Map<String, Object> options) {
        if (s != null) {
            seed = s;
        }
        t = 0;
        resets++;
        return new Reset<>(observe(-1), Map.of("resets", resets, "t", t));
    }

    @Override
    public Step<Tensor> step(Integer action) {
        actions.validate(action, "action");
        if (t < 0) {
            throw new IllegalStateException("step() called before reset()");
        }
        t++;
        return new Step<>(
                observe(action), action, t >= length, false, Map.of("resets", resets, "t", t));
    }

    @Override
    public Tensor render() {
        return Tensor.zeros(DType.UINT8, 2, 2, 3);
    }

    @Override
    public void close() {
        closes++;
    }
}
