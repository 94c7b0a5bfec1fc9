package io.genie4j.env.wrappers;

import io.genie4j.env.Env;
import io.genie4j.env.EnvSpec;
import io.genie4j.env.Reset;
import io.genie4j.env.Step;
import java.util.Map;

/**
 * Truncates episodes after a number of steps, as Gymnasium's {@code TimeLimit}: the step that
 * reaches the limit returns {@code truncated = true} (and whatever {@code terminated} the env
 * said).
 *
 * @param <O> the observation type
 * @param <A> the action type
 */
public final class TimeLimit<O, A> extends Wrapper<O, A> {
    private final int maxEpisodeSteps;
    private int elapsed = -1;

    /**
     * @param env the env to limit
     * @param maxEpisodeSteps steps per episode, at least 1
     */
    public TimeLimit(Env<O, A> env, int maxEpisodeSteps) {
        super(env);
        if (maxEpisodeSteps < 1) {
            throw new IllegalArgumentException(
                    "maxEpisodeSteps must be >= 1, got " + maxEpisodeSteps);
        }
        this.maxEpisodeSteps = maxEpisodeSteps;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static Env<?, ?> wrap(Env<?, ?> env, int maxEpisodeSteps) {
        return new TimeLimit(env, maxEpisodeSteps);
    }

    /** The step limit. */
    public int maxEpisodeSteps() {
        return maxEpisodeSteps;
    }

    /** Steps taken in the current episode. */
    public int elapsedSteps() {
        return Math.max(elapsed, 0);
    }

    @Override
    public EnvSpec spec() {
        return env.spec().withMaxEpisodeSteps(maxEpisodeSteps);
    }

    @Override
    public Reset<O> reset(Long seed, Map<String, Object> options) {
        Reset<O> r = env.reset(seed, options);
        elapsed = 0;
        return r;
    }

    @Override
    public Step<O> step(A action) {
        if (elapsed < 0) {
            throw new IllegalStateException("step() called before reset()");
        }
        Step<O> s = env.step(action);
        elapsed++;
        if (elapsed >= maxEpisodeSteps && !s.truncated()) {
            return new Step<>(s.observation(), s.reward(), s.terminated(), true, s.info());
        }
        return s;
    }
}
