package io.genie4j.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.env.AutoresetMode;
import io.genie4j.env.Env;
import io.genie4j.env.EnvSpec;
import io.genie4j.env.Reset;
import io.genie4j.env.Step;
import io.genie4j.env.Tensor;
import io.genie4j.env.registry.Envs;
import io.genie4j.env.spaces.Box;
import io.genie4j.env.spaces.Discrete;
import io.genie4j.env.spaces.Space;
import io.genie4j.env.vector.SyncVectorEnv;
import io.genie4j.env.vector.VectorEnv;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EpisodeRunnerTest {

    /** One-step episodes that succeed with probability p, whatever the action. */
    static final class CoinFlipEnv implements Env<Tensor, Integer> {
        private final double p;
        private final int length;
        private SplittableRandom rng = new SplittableRandom(0);
        private int t;
        private boolean win;

        CoinFlipEnv(double p, int length) {
            this.p = p;
            this.length = length;
        }

        @Override
        public Space<Tensor> observationSpace() {
            return Box.image(4, 4);
        }

        @Override
        public Space<Integer> actionSpace() {
            return new Discrete(2);
        }

        @Override
        public EnvSpec spec() {
            return new EnvSpec("CoinFlip-v0", null, 1, null, AutoresetMode.NEXT_STEP, Map.of());
        }

        @Override
        public Reset<Tensor> reset(Long seed, Map<String, Object> options) {
            if (seed != null) {
                rng = new SplittableRandom(seed);
            }
            t = 0;
            win = rng.nextDouble() < p;
            return new Reset<>(Tensor.zeros(io.genie4j.env.DType.UINT8, 4, 4, 3), Map.of());
        }

        @Override
        public Step<Tensor> step(Integer action) {
            t++;
            boolean end = t == length;
            return new Step<>(
                    Tensor.zeros(io.genie4j.env.DType.UINT8, 4, 4, 3),
                    end && win ? 1.0 : 0.0,
                    end,
                    false,
                    Map.of());
        }

        @Override
        public Tensor render() {
            return Tensor.zeros(io.genie4j.env.DType.UINT8, 4, 4, 3);
        }

        @Override
        public void close() {}
    }

    private static VectorEnv<Tensor, Integer> coins(int n, double p, int length) {
        List<CoinFlipEnv> envs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            envs.add(new CoinFlipEnv(p, length));
        }
        return new SyncVectorEnv<>(envs);
    }

    @Test
    void wilsonIntervalMatchesTheFormula() {
        // 50 of 100: centre 0.5, half-width z·sqrt(p(1-p)/n + z²/4n²)/(1 + z²/n) = 0.09617.
        double[] ci = EpisodeStats.wilson(100, 50);
        assertEquals(0.40383, ci[0], 1e-4);
        assertEquals(0.59617, ci[1], 1e-4);
        // All successes: the upper bound is 1 and the lower bound n/(n + z²).
        double[] all = EpisodeStats.wilson(20, 20);
        assertEquals(1.0, all[1], 1e-9);
        assertEquals(20 / (20 + 1.959964 * 1.959964), all[0], 1e-4);
    }

    @Test
    void successRateOfAKnownBernoulliLiesInItsInterval() {
        double p = 0.3;
        int episodes = 600;
        try (VectorEnv<Tensor, Integer> env = coins(4, p, 3)) {
            RandomAgent<Tensor, Integer> agent = new RandomAgent<>(new Discrete(2), 1);
            int[] seen = {0};
            EpisodeStats s =
                    EpisodeRunner.run(env, agent, episodes, 7L, Map.of(), (k, n, e) -> seen[0]++);
            assertEquals(episodes, s.count());
            assertEquals(episodes, seen[0]);
            assertEquals(3 * episodes, s.steps(), "every episode is 3 steps");
            assertEquals(3.0, s.meanLength(), 0.0);
            double[] ci = s.successInterval();
            assertTrue(ci[0] < p && p < ci[1], "CI " + ci[0] + ".." + ci[1] + " misses " + p);
            // The interval's width is about 2·1.96·sqrt(p(1-p)/n) = 0.073.
            assertEquals(0.073, ci[1] - ci[0], 0.01);
            double[] rci = s.returnInterval();
            assertTrue(rci[0] < s.meanReturn() && s.meanReturn() < rci[1]);
            assertEquals(s.successRate(), s.meanReturn(), 1e-12, "return is 1 on success");
            // Quotas: 600 episodes over 4 slots, 150 each, in order.
            for (int slot = 0; slot < 4; slot++) {
                final int sl = slot;
                assertEquals(150, s.episodes().stream().filter(e -> e.slot() == sl).count());
            }
        }
    }

    @Test
    void theSameSeedMeetsTheSameEpisodesWhateverTheAgent() {
        try (VectorEnv<Tensor, Integer> a = coins(3, 0.5, 2);
                VectorEnv<Tensor, Integer> b = coins(3, 0.5, 2)) {
            EpisodeStats x =
                    EpisodeRunner.run(a, new RandomAgent<>(new Discrete(2), 1), 10, 5L, Map.of());
            EpisodeStats y =
                    EpisodeRunner.run(b, new RandomAgent<>(new Discrete(2), 99), 10, 5L, Map.of());
            assertEquals(
                    x.episodes().stream().map(EpisodeStats.Episode::success).toList(),
                    y.episodes().stream().map(EpisodeStats.Episode::success).toList());
        }
    }

    @Test
    void randomPlayInTheCorridorSucceedsSometimesAndAlwaysRightAlways() {
        @SuppressWarnings("unchecked")
        VectorEnv<Tensor, Integer> env =
                (VectorEnv<Tensor, Integer>)
                        Envs.makeVector("Corridor-v0", 2, Map.of("length", 6), 1);
        try (env) {
            EpisodeStats random =
                    EpisodeRunner.run(env, new RandomAgent<>(new Discrete(3), 3), 20, 0L, Map.of());
            Agent<Tensor, Integer> right =
                    new Agent<>() {
                        @Override
                        public List<Integer> act(List<Tensor> observations) {
                            return observations.stream().map(o -> 2).toList();
                        }

                        @Override
                        public String name() {
                            return "right";
                        }
                    };
            EpisodeStats expert = EpisodeRunner.run(env, right, 20, 0L, Map.of());
            assertEquals(1.0, expert.successRate());
            assertTrue(expert.meanLength() <= 5);
            assertTrue(random.meanLength() > expert.meanLength());
        }
    }

    @Test
    void rejectsAnEmptyRun() {
        try (VectorEnv<Tensor, Integer> env = coins(1, 0.5, 1)) {
            assertThrows(
                    IllegalArgumentException.class,
                    () ->
                            EpisodeRunner.run(
                                    env, new RandomAgent<>(new Discrete(2), 1), 0, 1L, Map.of()));
        }
    }
}
