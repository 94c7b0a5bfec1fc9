package io.genie4j.coinrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.env.Env;
import io.genie4j.env.Tensor;
import io.genie4j.env.episodes.Episode;
import io.genie4j.env.episodes.EpisodeDataset;
import io.genie4j.env.episodes.EpisodeReader;
import io.genie4j.env.registry.Envs;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EpisodeRecorderTest {

    @Test
    void recordsOneEpisodePerLevelSeedWithoutRepeatsAndResumes(@TempDir Path dir) throws Exception {
        EpisodeRecorder.Config c =
                new EpisodeRecorder.Config(
                        "CoinRun-v0",
                        Map.of("distribution_mode", "easy"),
                        "random-no-repeat",
                        4,
                        100,
                        2);
        EpisodeRecorder.Summary first = EpisodeRecorder.record(c, dir, n -> {});
        assertEquals(4, first.recorded());
        EpisodeDataset ds = EpisodeDataset.open(dir);
        assertEquals(4, ds.episodes().size());
        long frames = 0;
        for (int i = 0; i < 4; i++) {
            Episode e =
                    EpisodeReader.readEpisode(
                            dir.resolve(String.format("episode_%08d.npz", 100 + i)));
            assertEquals(100 + i, e.seed());
            assertEquals(
                    100 + i,
                    ((Number) e.metadata().get("level_seed")).intValue(),
                    "seed i plays level i");
            long[] a = e.actions().toLongArray();
            for (int t = 1; t < a.length; t++) {
                assertTrue(a[t] != a[t - 1], "no action repeats");
            }
            assertReplays(e, a);
            assertTrue(e.endedTerminated() || e.endedTruncated());
            frames += e.frameCount();
        }
        assertEquals(frames, first.frames());
        EpisodeRecorder.Config more =
                new EpisodeRecorder.Config(
                        "CoinRun-v0",
                        Map.of("distribution_mode", "easy"),
                        "random-no-repeat",
                        6,
                        100,
                        2);
        EpisodeRecorder.Summary second = EpisodeRecorder.record(more, dir, n -> {});
        assertEquals(4, second.skipped());
        assertEquals(2, second.recorded());
    }

    @Test
    void stickyRandomPlayHoldsEachActionOneToTwelveStepsThenChangesIt(@TempDir Path dir)
            throws Exception {
        EpisodeRecorder.record(
                new EpisodeRecorder.Config(
                        "CoinRun-v0",
                        Map.of("distribution_mode", "hard"),
                        "random-sticky",
                        6,
                        0,
                        2),
                dir,
                n -> {});
        int longest = 0;
        int runs = 0;
        for (int i = 0; i < 6; i++) {
            long[] a =
                    EpisodeReader.readEpisode(dir.resolve(String.format("episode_%08d.npz", i)))
                            .actions()
                            .toLongArray();
            int run = 1;
            for (int t = 1; t <= a.length; t++) {
                if (t < a.length && a[t] == a[t - 1]) {
                    run++;
                    continue;
                }
                assertTrue(run <= EpisodeRecorder.STICKY_MAX_HOLD, "a hold of " + run + " steps");
                longest = Math.max(longest, run);
                runs++;
                run = 1;
            }
        }
        assertTrue(runs > 20, runs + " holds");
        assertTrue(longest >= 6, "holds reach " + longest + " steps");
    }

    @Test
    void recordingsDoNotDependOnTheThreadCount(@TempDir Path dir) throws Exception {
        for (int threads : new int[] {1, 3}) {
            EpisodeRecorder.record(
                    new EpisodeRecorder.Config("Corridor-v0", Map.of(), "random", 5, 0, threads),
                    dir.resolve("t" + threads),
                    n -> {});
        }
        for (int i = 0; i < 5; i++) {
            String f = String.format("episode_%08d.npz", i);
            assertEquals(
                    EpisodeReader.readEpisode(dir.resolve("t1").resolve(f)),
                    EpisodeReader.readEpisode(dir.resolve("t3").resolve(f)));
        }
    }

    @Test
    void unknownPoliciesAndTheExpertOutsideCoinRunAreRefused() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new EpisodeRecorder.Config(
                                        "CoinRun-v0", Map.of(), "greedy", 1, 0, 1));
        assertTrue(e.getMessage().contains("'greedy' is not one of"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new EpisodeRecorder.Config(
                                        "Corridor-v0", Map.of(), "expert", 1, 0, 1));
        assertTrue(e.getMessage().contains("CoinRun-v0 only"), e.getMessage());
    }

    @Test
    void expertDemonstrationsReachTheCoin(@TempDir Path dir) throws Exception {
        EpisodeRecorder.record(
                new EpisodeRecorder.Config(
                        "CoinRun-v0", Map.of("distribution_mode", "hard"), "expert", 3, 200000, 2),
                dir,
                n -> {});
        for (int i = 0; i < 3; i++) {
            Episode e =
                    EpisodeReader.readEpisode(
                            dir.resolve(String.format("episode_%08d.npz", 200000 + i)));
            assertEquals(true, e.metadata().get("expert_plan_found"));
            assertTrue(e.endedTerminated());
            assertEquals(10f, e.rewards()[e.length() - 1], "the last step collects the coin");
        }
    }

    @Test
    void optionsAreTypedAgainstTheEnvsDeclarationsAndBadOnesWriteNothing(@TempDir Path dir)
            throws Exception {
        EpisodeRecorder.Config c =
                new EpisodeRecorder.Config(
                        "CoinRun-v0",
                        Map.of("use_backgrounds", "false", "max_episode_steps", "20"),
                        "random",
                        1,
                        0,
                        1);
        assertEquals(false, c.options().get("use_backgrounds"));
        assertEquals(20, c.options().get("max_episode_steps"));
        EpisodeRecorder.record(c, dir.resolve("ok"), n -> {});
        Map<String, Object> manifest =
                io.genie4j.env.Json.parseObject(
                        java.nio.file.Files.readString(dir.resolve("ok/manifest.json")));
        assertEquals(
                Map.of("use_backgrounds", false, "max_episode_steps", 20L),
                ((Map<?, ?>) manifest.get("metadata")).get("options"));

        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new EpisodeRecorder.Config(
                                        "CoinRun-v0",
                                        Map.of("use_backgrounds", "maybe"),
                                        "random",
                                        1,
                                        0,
                                        1));
        assertTrue(e.getMessage().contains("expected true or false"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new EpisodeRecorder.Config(
                                        "CoinRun-v0",
                                        Map.of("num_levels", "3"),
                                        "random",
                                        1,
                                        0,
                                        1));
        assertTrue(e.getMessage().contains("num_levels is set for each episode"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new EpisodeRecorder.Config(
                                        "CoinRun-v0", Map.of(), "random", 1, -5, 1));
        assertEquals("the start seed must be >= 0, got -5", e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new EpisodeRecorder.Config(
                                        "CoinRun-v0", Map.of(), "random", 0, 0, 1));
        assertEquals("episodes must be >= 1, got 0", e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new EpisodeRecorder.Config(
                                        "CoinRun-v0", Map.of(), "random", 1, 0, 0));
        assertEquals("threads must be >= 1, got 0", e.getMessage());

        // A value of the right type that the env itself rejects fails before anything is written.
        EpisodeRecorder.Config bad =
                new EpisodeRecorder.Config(
                        "Corridor-v0", Map.of("length", "-3"), "random", 1, 0, 1);
        Path out = dir.resolve("bad");
        boolean[] started = {false};
        assertThrows(
                IllegalArgumentException.class,
                () -> EpisodeRecorder.record(bad, out, () -> started[0] = true, n -> {}));
        assertFalse(java.nio.file.Files.exists(out), "nothing created");
        assertFalse(started[0], "no progress bar started");
    }

    /** The env made with the episode's recorded options plays its recorded frames again. */
    @SuppressWarnings("unchecked")
    private static void assertReplays(Episode e, long[] actions) {
        Map<String, Object> options = (Map<String, Object>) e.metadata().get(Episode.ENV_OPTIONS);
        assertEquals(e.seed(), ((Number) options.get("start_level")).longValue(), "" + options);
        assertEquals("easy", options.get("distribution_mode"));
        try (Env<Tensor, Integer> env = (Env<Tensor, Integer>) Envs.make(e.envId(), options)) {
            assertEquals(e.frame(0), env.reset(e.seed(), Map.of()).observation());
            for (int t = 0; t < actions.length; t++) {
                assertEquals(
                        e.frame(t + 1),
                        env.step((int) actions[t]).observation(),
                        "frame " + (t + 1) + " replays");
            }
        }
    }
}
