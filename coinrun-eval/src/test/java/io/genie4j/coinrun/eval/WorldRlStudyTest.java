package io.genie4j.coinrun.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genie4j.agents.EpisodeStats;
import io.genie4j.coinrun.CoinRunEnv;
import io.genie4j.env.Tensor;
import io.genie4j.env.registry.Envs;
import io.genie4j.env.vector.VectorEnv;
import io.genie4j.env.vector.VectorStep;
import io.genie4j.genie.GenieEnv;
import io.genie4j.genie.TinyVideo;
import io.genie4j.genie.TinyWorld;
import io.genie4j.genie.world.ActionTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorldRlStudyTest {

    /**
     * A tiny 64×64 world with a real-action table (action a plays latent code a % 4) whose
     * model.json says its video was recorded in CoinRun's art v2, as world model v2's does.
     */
    private static Path world(Path tmp) throws Exception {
        Path run = TinyWorld.world(tmp, 2, 64);
        ObjectMapper json = new ObjectMapper();
        ObjectNode model = (ObjectNode) json.readTree(run.resolve("model.json").toFile());
        model.with("data").putObject("env_options").put("art", "v2");
        json.writeValue(run.resolve("model.json").toFile(), model);
        int n = CoinRunEnv.ACTION_NAMES.size();
        long[][] counts = new long[n][4];
        for (int a = 0; a < n; a++) {
            counts[a][a % 4] = 5;
        }
        ActionTable.fit(CoinRunEnv.ID, CoinRunEnv.ACTION_NAMES, counts).save(run);
        return run;
    }

    /** {@code n} episodes of which the first {@code k} succeeded. */
    private static EpisodeStats outcomes(String agent, int n, int k) {
        List<EpisodeStats.Episode> e = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            e.add(new EpisodeStats.Episode(0, i, i < k ? 10 : 0, 50, i < k));
        }
        return new EpisodeStats(agent, e, 50L * n, 1);
    }

    @Test
    void theShareOfTheLeadClosedIsReadAtEqualStepsWithAnInterval() {
        List<WorldRlStudy.Point> points =
                List.of(
                        new WorldRlStudy.Point("world", 100, outcomes("world", 500, 227)),
                        new WorldRlStudy.Point("world", 200, outcomes("world", 500, 130)),
                        new WorldRlStudy.Point("real", 100, outcomes("real", 500, 263)),
                        new WorldRlStudy.Point("real", 200, outcomes("real", 500, 120)),
                        new WorldRlStudy.Point("random", 0, outcomes("random", 500, 130)),
                        new WorldRlStudy.Point("blind", 0, outcomes("blind", 500, 252)));
        List<Map<String, Object>> lead = WorldRlStudy.leadClosed(points);
        assertEquals(2, lead.size());
        Map<String, Object> first = lead.get(0);
        assertEquals(100L, first.get("trained_steps"));
        // (45.4 - 26.0) / (52.6 - 26.0)
        assertEquals(0.729, (Double) first.get("share"), 1e-3);
        @SuppressWarnings("unchecked")
        List<Double> ci = (List<Double>) first.get("ci95");
        assertTrue(ci.get(0) < 0.729 && 0.729 < ci.get(1), ci.toString());
        assertTrue(ci.get(0) > 0.4 && ci.get(1) < 1.1, "500 episodes an arm: " + ci);
        // At 200 steps the real arm is behind random play: no share to read.
        assertNull(lead.get(1).get("share"));
        String md = WorldRlStudy.markdown(points, lead, WorldRlStudy.Config.quick());
        assertTrue(md.contains("closes 73% ["), md);
        assertTrue(md.contains("At 200 steps the real-trained agent does not lead"), md);
    }

    @Test
    void quickStudyTrainsInTheWorldAndInTheGameAndScoresBothOnHeldOutLevels(@TempDir Path tmp)
            throws Exception {
        Path out = tmp.resolve("study");
        List<String> log = new ArrayList<>();
        WorldRlStudy.Result r =
                WorldRlStudy.run(world(tmp), WorldRlStudy.Config.quick(), out, log::add);
        for (String f : List.of("world-rl.json", "world-rl.md", "world-rl.png")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        for (String arm : List.of("world", "real")) {
            assertTrue(Files.isRegularFile(out.resolve(arm).resolve("policy.bin")), arm);
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> evals = (List<Map<String, Object>>) r.json().get("evaluations");
        List<String> rows =
                evals.stream().map(e -> e.get("agent") + "@" + e.get("trained_steps")).toList();
        assertEquals(
                List.of("world@16", "world@32", "real@16", "real@32", "random@0", "blind@0"), rows);
        for (Map<String, Object> e : evals) {
            assertEquals(4, e.get("episodes"), e.toString());
        }
        assertTrue(r.markdown().contains("PPO trained in the world model"), r.markdown());
        assertTrue(r.json().containsKey("lead_closed"), r.json().toString());
        assertEquals(4, log.size(), log.toString());
        // A second study into the same directory would mix runs: refused.
        IllegalArgumentException again =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                WorldRlStudy.run(
                                        world(tmp.resolve("b")),
                                        WorldRlStudy.Config.quick(),
                                        out,
                                        log::add));
        assertTrue(again.getMessage().contains("already holds"), again.getMessage());
    }

    @Test
    @SuppressWarnings("unchecked")
    void worldEpisodesCanStartFromRecordedVideoAndEndAtAHorizon(@TempDir Path tmp)
            throws Exception {
        Path video = tmp.resolve("video");
        TinyVideo.write(video, 64, 2, 6);
        WorldRlStudy.Config q = WorldRlStudy.Config.quick();
        WorldRlStudy.Config c =
                new WorldRlStudy.Config(
                        q.steps(),
                        q.points(),
                        q.numEnvs(),
                        q.episodes(),
                        q.testStart(),
                        q.mode(),
                        q.maskgitSteps(),
                        q.slide(),
                        q.decoderContext(),
                        true,
                        false,
                        video,
                        3,
                        q.ppo());
        assertEquals(video.toString(), c.toMap().get("prompts"));
        assertEquals(3, c.toMap().get("horizon"));
        assertEquals("first frames of CoinRun levels", q.toMap().get("prompts"));
        Map<String, Object> options = WorldRlStudy.worldOptions(world(tmp), c);
        assertEquals(video.toString(), options.get("prompt_video"));
        assertEquals(true, options.get("soft_decode"));
        assertEquals(true, c.toMap().get("soft_decode"));
        assertEquals(false, options.get("termination"));
        assertEquals(false, c.toMap().get("termination"));
        assertEquals(true, q.toMap().get("termination"));
        try (VectorEnv<Tensor, Integer> env =
                (VectorEnv<Tensor, Integer>) Envs.makeVector(GenieEnv.ID, 2, options, 1)) {
            env.reset(5L, Map.of());
            for (int t = 1; t <= 3; t++) {
                VectorStep<Tensor> s = env.step(List.of(1, 4));
                assertEquals(t == 3, s.truncated()[0], "step " + t);
                assertEquals(t == 3, s.truncated()[1], "step " + t);
            }
        }
    }

    @Test
    void aWorldWithoutAnActionTableIsRefusedWithTheFix(@TempDir Path tmp) throws Exception {
        Path run = TinyWorld.world(tmp, 2, 64);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                WorldRlStudy.run(
                                        run,
                                        WorldRlStudy.Config.quick(),
                                        tmp.resolve("o"),
                                        s -> {}));
        assertTrue(e.getMessage().contains("train actions"), e.getMessage());
    }
}
