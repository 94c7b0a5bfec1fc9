package io.genie4j.env.wrappers;

import io.genie4j.env.Env;
import io.genie4j.env.EnvSpec;
import io.genie4j.env.Reset;
import io.genie4j.env.Step;
import io.genie4j.env.Tensor;
import io.genie4j.env.spaces.Space;
import java.util.Map;

/**
 * An env that forwards every call to an inner env; subclasses override what they change, as
 * Gymnasium's {@code Wrapper}. Closing the wrapper closes the inner env.
 *
 * @param <O> the observation type
 * @param <A> the action type
 */
public abstract class Wrapper<O, A> implements Env<O, A> {
    /** The wrapped env. */
    protected final Env<O, A> env;

    /**
     * @param env the env to wrap; the wrapper owns it from now on
     */
    protected Wrapper(Env<O, A> env) {
        this.env = java.util.Objects.requireNonNull(env, "env");
    }

    /** The env this one wraps. */
    public Env<O, A> inner() {
        return env;
    }

    /** The innermost env, below every wrapper. */
    public Env<?, ?> unwrapped() {
        Env<?, ?> e = env;
        while (e instanceof Wrapper<?, ?> w) {
            e = w.env;
        }
        return e;
    }

    @Override
    public Space<O> observationSpace() {
        return env.observationSpace();
    }

    @Override
    public Space<A> actionSpace() {
        return env.actionSpace();
    }

    @Override
    public EnvSpec spec() {
        return env.spec();
    }

    @Override
    public Reset<O> reset(Long seed, Map<String, Object> options) {
        return env.reset(seed, options);
    }

    @Override
    public Step<O> step(A action) {
        return env.step(action);
    }

    @Override
    public Tensor render() {
        return env.render();
    }

    @Override
    public void close() {
        env.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "<" + env + ">";
    }
}
