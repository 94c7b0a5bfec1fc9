package io.genie4j.env;

import io.genie4j.env.spaces.Space;
import io.genie4j.env.vector.VectorEnv;
import java.util.Map;

/**
 * A reinforcement-learning environment with Gymnasium 1.x semantics.
 *
 * <p>Contract, which {@link EnvChecker} tests:
 *
 * <ul>
 *   <li>{@link #reset(Long, Map)} starts an episode; with the same seed and the same actions
 *       afterwards, every observation, reward, flag and info is the same, bit for bit. A {@code
 *       null} seed keeps the env's own generator going (seeded once at construction).
 *   <li>{@link #step(Object)} with an action outside {@link #actionSpace()} throws {@link
 *       IllegalArgumentException} naming the action and the space, and changes nothing.
 *   <li>Observations are elements of {@link #observationSpace()}; images are uint8 {@code [H, W,
 *       3]}.
 *   <li>{@link #close()} releases resources and may be called more than once.
 * </ul>
 *
 * <p>An env is not thread-safe; {@link VectorEnv} runs many of them in parallel.
 *
 * @param <O> the observation type
 * @param <A> the action type
 */
public interface Env<O, A> extends AutoCloseable {

    /** The space every observation lies in. */
    Space<O> observationSpace();

    /** The space of valid actions. */
    Space<A> actionSpace();

    /** The registry description of this env, including the options it was made with. */
    EnvSpec spec();

    /**
     * Starts a new episode.
     *
     * @param seed seeds the env's generator (and so the level, the world model's sampling, ...);
     *     {@code null} continues from the current generator state
     * @param options per-reset options the env documents; an unknown key throws {@link
     *     IllegalArgumentException}
     */
    Reset<O> reset(Long seed, Map<String, Object> options);

    /** {@code reset(seed, Map.of())}. */
    default Reset<O> reset(long seed) {
        return reset(seed, Map.of());
    }

    /** {@code reset(null, Map.of())}. */
    default Reset<O> reset() {
        return reset(null, Map.of());
    }

    /**
     * Advances the episode by one action.
     *
     * @throws IllegalArgumentException if the action is outside the action space
     * @throws IllegalStateException if called before the first {@link #reset(Long, Map)}
     */
    Step<O> step(A action);

    /**
     * The current frame as uint8 RGB {@code [H, W, 3]}, for a person to look at.
     *
     * @throws IllegalStateException if called before the first reset
     */
    Tensor render();

    /** Releases the env's resources. Idempotent. */
    @Override
    void close();
}
