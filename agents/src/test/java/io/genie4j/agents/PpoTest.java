package io.genie4j.agents;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.genie4j.env.AutoresetMode;
import io.genie4j.env.DType;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PpoTest {
    /** Corridor-v0 with 8 cells and 12 steps: going right always arrives, random play rarely. */
    private static final Map<String, Object> CORRIDOR =
            Map.of("length", 8, "max_episode_steps", 12);

    /** A network and budget small enough for the suite. */
    private static PpoConfig tiny(long steps) {
        return PpoConfig.fromMap(
                Map.of(
                        "rollout_steps", 32,
                        "learning_rate", 2.5e-3,
                        "gamma", 0.99,
                        "minibatches", 4,
                        "epochs", 3,
                        "channels", List.of(16),
                        "hidden", 32,
                        "downsample", 4,
                        "checkpoint_every", 5,
                        "seed", 7),
                PpoConfig.defaults(steps));
    }

    private static VectorEnv<?, ?> corridor(int n) {
        return Envs.makeVector("Corridor-v0", n, CORRIDOR, 1);
    }

    /** Success reaches 100% by about update 10 of 15 (random play: about 28%). */
    @Test
    void learnsToWalkTheCorridorFarAboveRandomPlay(@TempDir Path dir) throws Exception {
        PpoTrainer.Result r;
        try (VectorEnv<?, ?> env = corridor(8)) {
            r =
                    PpoTrainer.train(
                            env,
                            "Corridor-v0",
                            CORRIDOR,
                            dir,
                            tiny(8 * 32 * 15),
                            false,
                            new PpoTrainer.Listener() {});
        }
        assertTrue(r.finished());
        assertEquals(15, r.updates());
        assertEquals(8 * 32 * 15, r.steps());
        EpisodeStats trained;
        EpisodeStats random;
        try (VectorEnv<?, ?> env = corridor(8);
                CnnPolicy policy = CnnPolicy.load(PolicyEval.policyFile(dir))) {
            trained = PolicyEval.evaluate(policy, env, 200, 1000, false, null);
        }
        try (VectorEnv<?, ?> env = corridor(8)) {
            @SuppressWarnings("unchecked")
            VectorEnv<Tensor, Integer> e = (VectorEnv<Tensor, Integer>) env;
            random =
                    EpisodeRunner.run(
                            e, new RandomAgent<>(e.singleActionSpace(), 3), 200, 1000L, Map.of());
        }
        assertTrue(
                trained.successRate() >= 0.9 && trained.successRate() > random.successRate() + 0.3,
                "trained " + trained.toMap() + " vs random " + random.toMap());
        List<String> csv = Files.readAllLines(dir.resolve("train.csv"), StandardCharsets.UTF_8);
        assertEquals(16, csv.size());
        assertTrue(csv.get(0).startsWith("update,step,seconds,steps_per_s"));
        assertTrue(Files.size(dir.resolve("return.png")) > 1000);
    }

    @Test
    void aResumedRunContinuesItsStepsOptimiserAndLog(@TempDir Path dir) throws Exception {
        PpoConfig c = tiny(8 * 32 * 4);
        int[] seen = new int[1];
        PpoTrainer.Listener stopAfterTwo =
                new PpoTrainer.Listener() {
                    @Override
                    public void onUpdate(PpoTrainer.Update u) {
                        seen[0] = u.update();
                    }

                    @Override
                    public boolean stopRequested() {
                        return seen[0] >= 2;
                    }
                };
        try (VectorEnv<?, ?> env = corridor(8)) {
            PpoTrainer.Result first =
                    PpoTrainer.train(env, "Corridor-v0", CORRIDOR, dir, c, false, stopAfterTwo);
            assertEquals(2, first.updates());
            assertFalse(first.finished());
        }
        PpoRun saved = PpoRun.read(dir);
        assertEquals(2, saved.update());
        assertEquals(2L * 8 * 32, saved.step());
        assertEquals(c, saved.config());
        int adamSteps;
        try (ActorCritic ac = ActorCritic.load(dir.resolve(PpoRun.NETWORK), 3, 64);
                Adam adam = new Adam(ac.net().model().getNDManager(), ac.parameters(), 1e-5f)) {
            adam.decode(Files.readAllBytes(dir.resolve(PpoRun.OPTIMIZER)), "test");
            adamSteps = adam.updates();
        }
        // 2 updates x 3 epochs x 4 minibatches (some envs' reset steps make a last, short one)
        assertTrue(adamSteps >= 24 && adamSteps <= 30, "adam steps " + adamSteps);

        // Starting again without --resume would overwrite the run: refused.
        try (VectorEnv<?, ?> env = corridor(8)) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    PpoTrainer.train(
                                            env,
                                            "Corridor-v0",
                                            CORRIDOR,
                                            dir,
                                            c,
                                            false,
                                            new PpoTrainer.Listener() {}));
            assertTrue(e.getMessage().contains("--resume"), e.getMessage());
        }
        // A resumed run must keep its envs.
        try (VectorEnv<?, ?> env = corridor(4)) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    PpoTrainer.train(
                                            env,
                                            "Corridor-v0",
                                            CORRIDOR,
                                            dir,
                                            c,
                                            true,
                                            new PpoTrainer.Listener() {}));
            assertTrue(e.getMessage().contains("8 x Corridor-v0"), e.getMessage());
        }
        long[] startedAt = new long[1];
        PpoTrainer.Result second;
        try (VectorEnv<?, ?> env = corridor(8)) {
            second =
                    PpoTrainer.train(
                            env,
                            "Corridor-v0",
                            CORRIDOR,
                            dir,
                            c,
                            true,
                            new PpoTrainer.Listener() {
                                @Override
                                public void onStart(long step, long total) {
                                    startedAt[0] = step;
                                }
                            });
        }
        assertEquals(2L * 8 * 32, startedAt[0]);
        assertEquals(4, second.updates());
        assertEquals(4L * 8 * 32, second.steps());
        assertTrue(second.finished());
        assertTrue(second.seconds() > 0);
        List<String> csv = Files.readAllLines(dir.resolve("train.csv"), StandardCharsets.UTF_8);
        assertEquals(5, csv.size(), String.join("\n", csv));
        for (int u = 1; u <= 4; u++) {
            String[] f = csv.get(u).split(",");
            assertEquals(u, Integer.parseInt(f[0]));
            assertEquals(u * 8L * 32, Long.parseLong(f[1]));
        }
        try (ActorCritic ac = ActorCritic.load(dir.resolve(PpoRun.NETWORK), 3, 64);
                Adam adam = new Adam(ac.net().model().getNDManager(), ac.parameters(), 1e-5f)) {
            adam.decode(Files.readAllBytes(dir.resolve(PpoRun.OPTIMIZER)), "test");
            assertTrue(adam.updates() >= 2 * adamSteps - 6, "adam continued: " + adam.updates());
        }
        // A run at its budget has nothing left to do; --steps extends it.
        try (VectorEnv<?, ?> env = corridor(8)) {
            PpoTrainer.Result third =
                    PpoTrainer.train(
                            env,
                            "Corridor-v0",
                            CORRIDOR,
                            dir,
                            c.withSteps(5 * 8 * 32),
                            true,
                            new PpoTrainer.Listener() {});
            assertEquals(5, third.updates());
        }
    }

    @Test
    void theSameSeedGivesTheSameRun(@TempDir Path dir) throws Exception {
        List<List<String>> logs = new ArrayList<>();
        for (String name : List.of("a", "b")) {
            try (VectorEnv<?, ?> env = corridor(4)) {
                PpoTrainer.train(
                        env,
                        "Corridor-v0",
                        CORRIDOR,
                        dir.resolve(name),
                        tiny(4 * 32 * 2),
                        false,
                        new PpoTrainer.Listener() {});
            }
            List<String> rows = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve(name).resolve("train.csv"))) {
                String[] f = line.split(",", -1);
                f[2] = ""; // seconds
                f[3] = ""; // steps/s
                rows.add(String.join(",", f));
            }
            logs.add(rows);
        }
        assertEquals(logs.get(0), logs.get(1));
        assertArrayEquals(
                Files.readAllBytes(dir.resolve("a").resolve(PpoRun.POLICY)),
                Files.readAllBytes(dir.resolve("b").resolve(PpoRun.POLICY)));
    }

    @Test
    void theExportedActorIsTheActorCriticsPolicy(@TempDir Path dir) {
        PpoConfig c = tiny(1);
        try (ActorCritic ac = ActorCritic.create(c, 3, 64)) {
            ac.exportActor(dir.resolve("p.bin"));
            byte[] frame = new byte[64 * 64 * 3];
            for (int i = 0; i < frame.length; i++) {
                frame[i] = (byte) (i * 31);
            }
            float[] expected;
            try (NDManager m = ac.net().model().getNDManager().newSubManager()) {
                expected = ac.forward(m, List.of(frame), false).get(0).softmax(1).toFloatArray();
            }
            try (CnnPolicy p = CnnPolicy.load(dir.resolve("p.bin"))) {
                assertEquals(3, p.outputs());
                assertArrayEquals(expected, p.probabilities(List.of(frame))[0], 1e-6f);
            }
            // The actor starts near uniform (its output rows start small).
            for (float q : expected) {
                assertEquals(1 / 3f, q, 0.05f);
            }
        }
    }

    @Test
    void gaeFollowsTheNextStepAutoresetRule() {
        // One env, 5 steps: a truncated episode ends at t=1; t=2 is the autoreset step; a
        // terminated episode ends at t=3; t=4 is the autoreset step again.
        Rollout r = new Rollout(5, 1);
        r.values[0] = 1;
        r.values[1] = 2;
        r.values[2] = 3; // the truncated episode's final observation
        r.values[3] = 4;
        r.values[4] = 5;
        r.rewards[0] = 0.5f;
        r.rewards[1] = 1;
        r.rewards[3] = 2;
        r.valid[0] = r.valid[1] = r.valid[3] = true;
        r.ended[1] = r.ended[3] = true;
        r.terminated[3] = true;
        double g = 0.9;
        double l = 0.8;
        r.computeAdvantages(new float[] {6}, g, l);
        double d1 = 1 + g * 3 - 2; // truncation bootstraps from the final observation's value
        double d0 = 0.5 + g * 2 - 1;
        assertEquals(d1, r.advantages[1], 1e-6);
        assertEquals(d0 + g * l * d1, r.advantages[0], 1e-6);
        assertEquals(0, r.advantages[2]);
        assertEquals(2 - 4, r.advantages[3], 1e-6); // terminated: no bootstrap
        assertEquals(0, r.advantages[4]);
        assertEquals(r.advantages[0] + 1, r.returns[0], 1e-6);
        assertArrayEquals(new int[] {0, 1, 3}, r.validIndices());
    }

    @Test
    void normalisedAdvantagesHaveZeroMeanAndUnitDeviation() {
        float[] a = {1, 2, 3, 4, 10};
        PpoTrainer.normalise(a);
        double mean = 0;
        double ss = 0;
        for (float x : a) {
            mean += x;
        }
        mean /= a.length;
        for (float x : a) {
            ss += (x - mean) * (x - mean);
        }
        assertEquals(0, mean, 1e-6);
        assertEquals(1, Math.sqrt(ss / (a.length - 1)), 1e-5);
    }

    @Test
    void rewardScalingBringsCoinRunSizedRewardsNearUnitScale() {
        RewardScaler s = new RewardScaler(2, 0.99);
        boolean[] yes = {true, true};
        boolean[] no = {false, false};
        float last = 0;
        for (int t = 0; t < 500; t++) {
            boolean end = t % 50 == 49;
            float[] out =
                    s.scale(
                            new double[] {end ? 10 : 0, end ? 10 : 0},
                            yes,
                            new boolean[] {end, end});
            if (end) {
                last = out[0];
            }
        }
        assertTrue(last > 0.5 && last < RewardScaler.CLIP, "scaled reward " + last);
        assertArrayEquals(new float[] {0, 0}, s.scale(new double[] {10, 10}, no, no));
    }

    @Test
    void refusesEnvsPpoCannotTrainIn(@TempDir Path dir) {
        PpoConfig c = tiny(64);
        // Continuous actions
        try (VectorEnv<?, ?> env =
                new SyncVectorEnv<>(
                        List.of(new OddEnv(Box.of(-1, 1, DType.FLOAT32, 2), Box.image(8, 8))))) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    PpoTrainer.train(
                                            env,
                                            "Odd-v0",
                                            Map.of(),
                                            dir,
                                            c,
                                            false,
                                            new PpoTrainer.Listener() {}));
            assertTrue(
                    e.getMessage().startsWith("PPO needs a Discrete action space; Odd-v0 has"),
                    e.getMessage());
        }
        // Observations that are not square RGB images
        try (VectorEnv<?, ?> env =
                new SyncVectorEnv<>(
                        List.of(new OddEnv(new Discrete(2), Box.of(0, 1, DType.FLOAT32, 4))))) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    PpoTrainer.train(
                                            env,
                                            "Odd-v0",
                                            Map.of(),
                                            dir,
                                            c,
                                            false,
                                            new PpoTrainer.Listener() {}));
            assertTrue(e.getMessage().contains("square uint8 RGB images"), e.getMessage());
        }
        // Frames the network cannot downsample
        try (VectorEnv<?, ?> env =
                new SyncVectorEnv<>(List.of(new OddEnv(new Discrete(2), Box.image(10, 10))))) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    PpoTrainer.train(
                                            env,
                                            "Odd-v0",
                                            Map.of(),
                                            dir,
                                            c,
                                            false,
                                            new PpoTrainer.Listener() {}));
            assertTrue(e.getMessage().contains("downsample 4"), e.getMessage());
        }
        // Resuming where there is no run
        try (VectorEnv<?, ?> env = corridor(2)) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    PpoTrainer.train(
                                            env,
                                            "Corridor-v0",
                                            CORRIDOR,
                                            dir,
                                            c,
                                            true,
                                            new PpoTrainer.Listener() {}));
            assertTrue(e.getMessage().contains("holds no PPO run"), e.getMessage());
        }
        assertFalse(Files.exists(dir.resolve(PpoRun.RUN)));
    }

    @Test
    void refusesBadSettings() {
        PpoConfig d = PpoConfig.defaults(1000);
        assertEquals(
                "unknown PPO setting 'lr'; known: " + String.join(", ", d.toMap().keySet()),
                assertThrows(
                                IllegalArgumentException.class,
                                () -> PpoConfig.fromMap(Map.of("lr", 1), d))
                        .getMessage());
        assertEquals(
                "clip_coef must be > 0, got 0.0",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> PpoConfig.fromMap(Map.of("clip_coef", 0), d))
                        .getMessage());
        assertEquals(
                "minibatches must be an integer, got many",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> PpoConfig.fromMap(Map.of("minibatches", "many"), d))
                        .getMessage());
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () -> PpoConfig.fromMap(Map.of("channels", List.of(12)), d))
                        .getMessage()
                        .contains("multiple of 16"));
        assertEquals(d, PpoConfig.fromMap(d.toMap(), PpoConfig.defaults(5)));
    }

    /** An env with the spaces it is given, for the checks above; never stepped. */
    private record OddEnv(Space<?> actions, Space<Tensor> observations)
            implements Env<Tensor, Object> {
        @SuppressWarnings("unchecked")
        @Override
        public Space<Object> actionSpace() {
            return (Space<Object>) actions;
        }

        @Override
        public Space<Tensor> observationSpace() {
            return observations;
        }

        @Override
        public EnvSpec spec() {
            return new EnvSpec("Odd-v0", null, 1, null, AutoresetMode.NEXT_STEP, Map.of());
        }

        @Override
        public Reset<Tensor> reset(Long seed, Map<String, Object> options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Step<Tensor> step(Object action) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Tensor render() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {}
    }
}
