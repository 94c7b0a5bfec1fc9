package io.genie4j.env.vector;

import io.genie4j.env.Env;
import io.genie4j.env.EnvSpec;
import io.genie4j.env.Reset;
import io.genie4j.env.Step;
import io.genie4j.env.Tensor;
import io.genie4j.env.spaces.Space;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The next-step autoreset logic shared by the vector envs; subclasses decide how the per-env work
 * is scheduled ({@link #forEachEnv}).
 */
abstract class AbstractVectorEnv<O, A> implements VectorEnv<O, A> {
    protected final List<Env<O, A>> envs;
    private final boolean[] needsReset;
    private boolean started;
    private boolean closed;

    AbstractVectorEnv(List<? extends Env<O, A>> envs) {
        if (envs.isEmpty()) {
            throw new IllegalArgumentException("a vector env needs at least one env");
        }
        this.envs = List.copyOf(envs);
        this.needsReset = new boolean[envs.size()];
        Space<O> obs = envs.get(0).observationSpace();
        Space<A> act = envs.get(0).actionSpace();
        for (int i = 1; i < envs.size(); i++) {
            if (!envs.get(i).observationSpace().equals(obs)
                    || !envs.get(i).actionSpace().equals(act)) {
                throw new IllegalArgumentException("env " + i + " has other spaces than env 0");
            }
        }
    }

    /** Runs {@code task(i)} for every env index and returns when all are done. */
    protected abstract void forEachEnv(IndexTask task);

    /** Work on one env index. */
    @FunctionalInterface
    protected interface IndexTask {
        void run(int i);
    }

    @Override
    public int numEnvs() {
        return envs.size();
    }

    @Override
    public Space<O> singleObservationSpace() {
        return envs.get(0).observationSpace();
    }

    @Override
    public Space<A> singleActionSpace() {
        return envs.get(0).actionSpace();
    }

    @Override
    public EnvSpec spec() {
        return envs.get(0).spec();
    }

    @Override
    public VectorReset<O> reset(Long seed, Map<String, Object> options) {
        long[] seeds = null;
        if (seed != null) {
            seeds = new long[envs.size()];
            for (int i = 0; i < seeds.length; i++) {
                seeds[i] = seed + i;
            }
        }
        return doReset(seeds, options);
    }

    @Override
    public VectorReset<O> reset(long[] seeds, Map<String, Object> options) {
        if (seeds.length != envs.size()) {
            throw new IllegalArgumentException(
                    "reset got " + seeds.length + " seeds for " + envs.size() + " envs");
        }
        return doReset(seeds.clone(), options);
    }

    private VectorReset<O> doReset(long[] seeds, Map<String, Object> options) {
        checkOpen();
        List<O> obs = nullList();
        List<Map<String, Object>> infos = nullList();
        forEachEnv(
                i -> {
                    Reset<O> r = envs.get(i).reset(seeds == null ? null : seeds[i], options);
                    obs.set(i, r.observation());
                    infos.set(i, r.info());
                });
        Arrays.fill(needsReset, false);
        started = true;
        return new VectorReset<>(obs, infos);
    }

    @Override
    public VectorStep<O> step(List<A> actions) {
        checkOpen();
        if (!started) {
            throw new IllegalStateException("step() called before reset()");
        }
        if (actions.size() != envs.size()) {
            throw new IllegalArgumentException(
                    "step got " + actions.size() + " actions for " + envs.size() + " envs");
        }
        Space<A> space = singleActionSpace();
        List<A> checked = new ArrayList<>(actions.size());
        for (int i = 0; i < actions.size(); i++) {
            checked.add(space.validate(actions.get(i), "action [" + i + "]"));
        }
        int n = envs.size();
        List<O> obs = nullList();
        List<Map<String, Object>> infos = nullList();
        double[] rewards = new double[n];
        boolean[] terminated = new boolean[n];
        boolean[] truncated = new boolean[n];
        forEachEnv(
                i -> {
                    if (needsReset[i]) {
                        // Next-step autoreset: this step's action is ignored.
                        Reset<O> r = envs.get(i).reset(null, Map.of());
                        obs.set(i, r.observation());
                        infos.set(i, r.info());
                        needsReset[i] = false;
                    } else {
                        Step<O> s = envs.get(i).step(checked.get(i));
                        obs.set(i, s.observation());
                        rewards[i] = s.reward();
                        terminated[i] = s.terminated();
                        truncated[i] = s.truncated();
                        infos.set(i, s.info());
                        needsReset[i] = s.done();
                    }
                });
        return new VectorStep<>(obs, rewards, terminated, truncated, infos);
    }

    @Override
    public List<Tensor> render() {
        checkOpen();
        List<Tensor> frames = nullList();
        forEachEnv(i -> frames.set(i, envs.get(i).render()));
        return frames;
    }

    private <T> List<T> nullList() {
        return new ArrayList<>(java.util.Collections.nCopies(envs.size(), (T) null));
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the vector env is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException first = null;
        for (Env<O, A> e : envs) {
            try {
                e.close();
            } catch (RuntimeException ex) {
                first = first == null ? ex : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        Map<String, Object> m = new HashMap<>();
        m.put("id", spec().id());
        m.put("num_envs", envs.size());
        return getClass().getSimpleName() + m;
    }
}
