package io.genie4j.env.vector;

import io.genie4j.env.AutoresetMode;
import io.genie4j.env.EnvSpec;
import io.genie4j.env.Tensor;
import io.genie4j.env.spaces.Space;
import java.util.List;
import java.util.Map;

/**
 * {@code N} copies of an env stepped as a batch, as Gymnasium 1.x's {@code VectorEnv}, with
 * next-step autoreset ({@link AutoresetMode#NEXT_STEP}): an env whose episode ended on one {@code
 * step} is reset on the next, its action ignored, and that step returns the new episode's first
 * observation with reward 0, both flags false and the reset info.
 *
 * <p>{@link #metadata()} states the mode as {@code {"autoreset_mode": "NextStep"}}.
 *
 * @param <O> the observation type of one env
 * @param <A> the action type of one env
 */
public interface VectorEnv<O, A> extends AutoCloseable {

    /** The number of envs. */
    int numEnvs();

    /** The observation space of one env. */
    Space<O> singleObservationSpace();

    /** The action space of one env. */
    Space<A> singleActionSpace();

    /** The spec of one env. */
    EnvSpec spec();

    /** How ended episodes are reset; always {@link AutoresetMode#NEXT_STEP} here. */
    default AutoresetMode autoresetMode() {
        return AutoresetMode.NEXT_STEP;
    }

    /** Gymnasium-style metadata: the autoreset mode and the render fps. */
    default Map<String, Object> metadata() {
        return Map.of(
                "autoreset_mode", autoresetMode().wireName(), "render_fps", spec().renderFps());
    }

    /**
     * Resets every env. With a seed, env {@code i} gets {@code seed + i} (as Gymnasium); with
     * {@code null}, each continues its own generator.
     */
    VectorReset<O> reset(Long seed, Map<String, Object> options);

    /**
     * Resets every env with its own seed.
     *
     * @throws IllegalArgumentException if {@code seeds.length != numEnvs()}
     */
    VectorReset<O> reset(long[] seeds, Map<String, Object> options);

    /**
     * Steps every env with its action (index {@code i} to env {@code i}).
     *
     * @throws IllegalArgumentException if the count is wrong or an action is outside the space;
     *     then no env is stepped
     * @throws IllegalStateException before the first reset
     */
    VectorStep<O> step(List<A> actions);

    /** The current frame of every env. */
    List<Tensor> render();

    /** Closes every env. Idempotent. */
    @Override
    void close();
}
