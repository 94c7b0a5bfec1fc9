package io.genie4j.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.env.registry.Envs;
import io.genie4j.env.wrappers.Wrapper;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The checker passes correct envs and names what is wrong with broken ones. */
class EnvCheckerTest {

    @Test
    void builtinEnvsPass() {
        EnvChecker.check(() -> Envs.make("Corridor-v0"));
        EnvChecker.check(() -> Envs.make("Noop-v0"));
        EnvChecker.check(() -> new CountdownEnv(5));
    }

    private static void assertCaught(Supplier<Env<?, ?>> broken, String problem) {
        List<String> problems = EnvChecker.problems(broken);
        assertTrue(
                problems.stream().anyMatch(p -> p.contains(problem)),
                "expected a problem containing '" + problem + "', got " + problems);
        assertThrows(AssertionError.class, () -> EnvChecker.check(broken));
    }

    /** Corridor with one behaviour replaced. */
    private abstract static class Broken extends Wrapper<Tensor, Integer> {
        @SuppressWarnings("unchecked")
        Broken() {
            super((Env<Tensor, Integer>) Envs.make("Corridor-v0", Map.of("max_episode_steps", 0)));
        }
    }

    @Test
    void resetThatIgnoresTheSeedIsCaught() {
        assertCaught(
                () ->
                        new Broken() {
                            private long calls;

                            @Override
                            public Reset<Tensor> reset(Long seed, Map<String, Object> options) {
                                return env.reset(seed == null ? null : seed + calls++, options);
                            }
                        },
                "same seed");
    }

    @Test
    void observationOutsideTheSpaceIsCaught() {
        assertCaught(
                () ->
                        new Broken() {
                            @Override
                            public Reset<Tensor> reset(Long seed, Map<String, Object> options) {
                                return new Reset<>(
                                        Tensor.zeros(DType.UINT8, 2, 2, 3),
                                        env.reset(seed, options).info());
                            }
                        },
                "reset observation is not in the observation space");
    }

    @Test
    void acceptingAnActionOutsideTheSpaceIsCaught() {
        assertCaught(
                () ->
                        new Broken() {
                            @Override
                            public Step<Tensor> step(Integer action) {
                                return env.step(Math.floorMod(action, 3));
                            }
                        },
                "step accepted the action 3");
    }

    @Test
    void nonFiniteRewardIsCaught() {
        assertCaught(
                () ->
                        new Broken() {
                            @Override
                            public Step<Tensor> step(Integer action) {
                                Step<Tensor> s = env.step(action);
                                return new Step<>(
                                        s.observation(),
                                        Double.NaN,
                                        s.terminated(),
                                        s.truncated(),
                                        s.info());
                            }
                        },
                "non-finite reward");
    }

    @Test
    void truncatingTheFirstStepIsCaught() {
        assertCaught(
                () ->
                        new Broken() {
                            @Override
                            public Step<Tensor> step(Integer action) {
                                Step<Tensor> s = env.step(action);
                                return new Step<>(
                                        s.observation(),
                                        s.reward(),
                                        s.terminated(),
                                        true,
                                        s.info());
                            }
                        },
                "first step after reset is truncated");
    }

    @Test
    void closeThatFailsTheSecondTimeIsCaught() {
        assertCaught(
                () ->
                        new Broken() {
                            private boolean closed;

                            @Override
                            public void close() {
                                if (closed) {
                                    throw new IllegalStateException("already closed");
                                }
                                closed = true;
                            }
                        },
                "close() twice threw");
    }

    @Test
    void nonDeterministicStepsAreCaught() {
        assertCaught(
                () ->
                        new Broken() {
                            private final java.util.Random unseeded = new java.util.Random();

                            @Override
                            public Step<Tensor> step(Integer action) {
                                Step<Tensor> s = env.step(action);
                                return new Step<>(
                                        s.observation(),
                                        unseeded.nextInt(1000),
                                        s.terminated(),
                                        s.truncated(),
                                        s.info());
                            }
                        },
                "differs between two envs with the same seed and actions");
    }

    @Test
    void corridorTrajectoryIsAsDocumented() {
        @SuppressWarnings("unchecked")
        Env<Tensor, Integer> env =
                (Env<Tensor, Integer>) Envs.make("Corridor-v0", Map.of("length", 5));
        int start = (Integer) env.reset(21L, Map.of()).info().get("position");
        assertEquals(
                start,
                env.reset(21L, Map.of()).info().get("position"),
                "the seed decides the start");
        assertEquals(Math.max(0, start - 1), env.step(0).info().get("position"));
        env.reset(21L, Map.of());
        Step<Tensor> s = null;
        for (int i = start; i < 4; i++) {
            s = env.step(2);
            assertEquals(i + 1, s.info().get("position"));
        }
        assertEquals(1.0, s.reward());
        assertTrue(s.terminated());
        env.reset(21L, Map.of());
        for (int i = 0; i < 10; i++) {
            env.step(0);
        }
        assertEquals(0, env.step(0).info().get("position"), "the left wall stops the agent");
    }
}
