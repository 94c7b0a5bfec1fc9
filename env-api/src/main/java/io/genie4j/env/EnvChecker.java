package io.genie4j.env;

import io.genie4j.env.spaces.Box;
import io.genie4j.env.spaces.Discrete;
import io.genie4j.env.spaces.MultiDiscrete;
import io.genie4j.env.spaces.Space;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Checks that an env keeps the {@link Env} contract, as Gymnasium's {@code check_env}: valid
 * spaces; {@code reset} returns an observation in the space and an info map; the same seed gives
 * the same observation; the same seed and actions give the same trajectory; the first step is not
 * truncated; rewards are finite; observations stay in the space; an action outside the space is
 * rejected with {@link IllegalArgumentException}; rendering gives a uint8 {@code [H, W, 3]} frame;
 * {@code close} may be called twice. Every env in Genie4j passes it in its tests.
 */
public final class EnvChecker {
    private static final int STEPS = 50;

    private EnvChecker() {}

    /**
     * Runs every check and throws if any fails.
     *
     * @param factory makes a fresh env (two are made: one to check, one to compare trajectories)
     * @throws AssertionError listing every problem found
     */
    public static void check(Supplier<? extends Env<?, ?>> factory) {
        List<String> problems = problems(factory);
        if (!problems.isEmpty()) {
            throw new AssertionError("env check failed:\n  - " + String.join("\n  - ", problems));
        }
    }

    /** Runs every check and returns the problems found (empty when the env passes). */
    @SuppressWarnings("rawtypes")
    public static List<String> problems(Supplier<? extends Env<?, ?>> factory) {
        List<String> problems = new ArrayList<>();
        Env env = factory.get();
        Env twin = null;
        try {
            SplittableRandom rng = new SplittableRandom(1234);
            if (!checkSpaces(env, rng, problems) || !checkReset(env, problems)) {
                return problems;
            }
            twin = factory.get();
            checkDeterminism(env, twin, rng, problems);
            checkActionOutsideSpace(env, problems);
            checkRender(env, problems);
        } catch (RuntimeException e) {
            problems.add("unexpected exception: " + e);
        } finally {
            checkCloseTwice(env, problems);
            if (twin != null) {
                twin.close();
            }
        }
        return problems;
    }

    /** The spaces exist, contain their own samples, and the env has a spec; false if no spaces. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static boolean checkSpaces(Env env, SplittableRandom rng, List<String> problems) {
        Space obsSpace = env.observationSpace();
        Space actSpace = env.actionSpace();
        if (obsSpace == null || actSpace == null) {
            problems.add("observation or action space is null");
            return false;
        }
        if (!actSpace.contains(actSpace.sample(rng))) {
            problems.add("a sample of the action space is not contained in it");
        }
        if (!obsSpace.contains(obsSpace.sample(rng))) {
            problems.add("a sample of the observation space is not contained in it");
        }
        if (env.spec() == null) {
            problems.add("spec() is null");
        }
        return true;
    }

    /**
     * Reset gives an observation in the space and an info map, the same for the same seed; false if
     * it gave no result to check further.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static boolean checkReset(Env env, List<String> problems) {
        Reset r1 = env.reset(42L, Map.of());
        if (r1 == null || r1.info() == null) {
            problems.add("reset returned no result or no info map");
            return false;
        }
        String why = env.observationSpace().whyNotContained(r1.observation());
        if (why != null) {
            problems.add("reset observation is not in the observation space: " + why);
        }
        Reset r2 = env.reset(42L, Map.of());
        if (!r1.observation().equals(r2.observation())) {
            problems.add("reset with the same seed gave different observations");
        }
        return true;
    }

    /** The same seed and actions on two fresh envs give identical trajectories. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void checkDeterminism(
            Env env, Env twin, SplittableRandom rng, List<String> problems) {
        Space actSpace = env.actionSpace();
        List<Object> actions = new ArrayList<>();
        for (int i = 0; i < STEPS; i++) {
            actions.add(actSpace.sample(rng));
        }
        Space obsSpace = env.observationSpace();
        List<Step> a = rollout(env, 7L, actions, problems, obsSpace);
        List<Step> b = rollout(twin, 7L, actions, new ArrayList<>(), obsSpace);
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            Step x = a.get(i);
            Step y = b.get(i);
            if (!x.observation().equals(y.observation())
                    || Double.compare(x.reward(), y.reward()) != 0
                    || x.terminated() != y.terminated()
                    || x.truncated() != y.truncated()) {
                problems.add(
                        "step "
                                + (i + 1)
                                + " differs between two envs with the same seed and actions");
                break;
            }
        }
        if (a.size() != b.size()) {
            problems.add("episodes with the same seed and actions have different lengths");
        }
    }

    /** An action outside the space is refused with IllegalArgumentException. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void checkActionOutsideSpace(Env env, List<String> problems) {
        env.reset(7L, Map.of());
        Object bad = outsideAction(env.actionSpace());
        if (bad == null) {
            return;
        }
        try {
            env.step(bad);
            problems.add("step accepted the action " + bad + " outside " + env.actionSpace());
        } catch (IllegalArgumentException expected) {
            // the contract
        } catch (RuntimeException other) {
            problems.add(
                    "step with an action outside the space threw "
                            + other
                            + " instead of IllegalArgumentException");
        }
    }

    /** render() gives a uint8 [H, W, 3] frame. */
    @SuppressWarnings("rawtypes")
    private static void checkRender(Env env, List<String> problems) {
        try {
            Tensor frame = env.render();
            if (frame == null
                    || frame.dtype() != DType.UINT8
                    || frame.rank() != 3
                    || frame.dim(2) != 3) {
                problems.add(
                        "render() did not return uint8 [H, W, 3]: "
                                + (frame == null ? null : frame.describe()));
            }
        } catch (RuntimeException e) {
            problems.add("render() threw " + e);
        }
    }

    /** close() may be called twice. */
    @SuppressWarnings("rawtypes")
    private static void checkCloseTwice(Env env, List<String> problems) {
        try {
            env.close();
            env.close();
        } catch (RuntimeException e) {
            problems.add("close() twice threw " + e);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static List<Step> rollout(
            Env env, long seed, List<Object> actions, List<String> problems, Space obsSpace) {
        List<Step> steps = new ArrayList<>();
        env.reset(seed, Map.of());
        for (int i = 0; i < actions.size(); i++) {
            Step s = env.step(actions.get(i));
            steps.add(s);
            if (i == 0 && s.truncated()) {
                problems.add("the first step after reset is truncated");
            }
            if (!Double.isFinite(s.reward())) {
                problems.add("step " + (i + 1) + " returned a non-finite reward " + s.reward());
            }
            if (s.info() == null) {
                problems.add("step " + (i + 1) + " returned no info map");
            }
            String why = obsSpace.whyNotContained(s.observation());
            if (why != null) {
                problems.add("step " + (i + 1) + " observation is not in the space: " + why);
            }
            if (s.done()) {
                break;
            }
        }
        return steps;
    }

    private static Object outsideAction(Space<?> space) {
        if (space instanceof Discrete d) {
            return d.start() + d.n();
        } else if (space instanceof MultiDiscrete m) {
            long[] v = m.start();
            v[0] += m.nvec()[0];
            return Tensor.int64(v, v.length);
        } else if (space instanceof Box b) {
            return Tensor.zeros(
                    b.dtype(),
                    b.shape().length == 0 ? new int[] {2} : new int[] {b.shape()[0] + 1});
        }
        return null;
    }
}
