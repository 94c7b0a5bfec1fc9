package io.genie4j.genie.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.env.Env;
import io.genie4j.env.Step;
import io.genie4j.env.Tensor;
import io.genie4j.env.episodes.Episode;
import io.genie4j.env.episodes.EpisodeDataset;
import io.genie4j.env.episodes.EpisodeWriter;
import io.genie4j.env.registry.Envs;
import io.genie4j.genie.TinyWorld;
import io.genie4j.genie.data.Clip;
import io.genie4j.genie.data.VideoDataset;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorldEvalTest {

    @TempDir Path tmp;

    /**
     * Episodes of Corridor-v0 (64×64) that record the options their env was made with, as {@code
     * genie4j record} writes them; the agent stays or steps left, so no episode ends.
     */
    @SuppressWarnings("unchecked")
    private Path corridorEpisodes(Path dir, boolean withOptions) throws Exception {
        Map<String, Object> options = Map.of("length", 10);
        try (EpisodeDataset ds = EpisodeDataset.openOrCreate(dir, "Corridor-v0", Map.of())) {
            for (int e = 0; e < 3; e++) {
                Map<String, Object> meta =
                        withOptions ? Map.of(Episode.ENV_OPTIONS, options) : Map.of();
                try (Env<Tensor, Integer> env =
                                (Env<Tensor, Integer>) Envs.make("Corridor-v0", options);
                        EpisodeWriter w = ds.newEpisode("ep" + e + ".npz", 20 + e, meta)) {
                    w.reset(env.reset(20L + e, Map.of()).observation());
                    for (int t = 0; t < 16; t++) {
                        int a = (t + e) % 3 == 0 ? 0 : 1;
                        Step<Tensor> s = env.step(a);
                        w.step(a, s.observation(), s.reward(), s.terminated(), s.truncated());
                    }
                    w.finish();
                }
            }
        }
        return dir;
    }

    @Test
    void evalWorldScoresAPerfectDynamicsAndTheRealEnvsOwnDeltaPsnr() throws Exception {
        WorldModel model = WorldModel.load(TinyWorld.world(tmp, 2, 64));
        Map<String, Object> json = evaluate(model, corridorEpisodes(tmp.resolve("corridor"), true));
        Map<?, ?> perfect = (Map<?, ?>) json.get("perfect_dynamics");
        assertEquals(3, ((List<?>) perfect.get("margin_per_step")).size());
        assertEquals(3, ((List<?>) perfect.get("tokens_changed_share_per_step")).size());
        double changed = ((Number) perfect.get("tokens_changed_share")).doubleValue();
        assertTrue(changed >= 0 && changed <= 1, "" + perfect);
        double psnr = ((Number) perfect.get("rollout_psnr")).doubleValue();
        assertTrue(psnr > 0 && psnr <= WorldEval.STILL_CAP, "" + perfect);
        Map<?, ?> game = (Map<?, ?>) json.get("game_delta_psnr");
        assertTrue(game.containsKey("delta_psnr") && !game.containsKey("skipped"), "" + game);
        double delta = ((Number) game.get("delta_psnr")).doubleValue();
        double recorded = ((Number) game.get("psnr_recorded_actions_at_t")).doubleValue();
        double random = ((Number) game.get("psnr_random_actions_at_t")).doubleValue();
        assertEquals(recorded - random, delta, 0.02, "" + game);
        List<?> ci = (List<?>) game.get("delta_psnr_ci95");
        assertTrue(
                ((Number) ci.get(0)).doubleValue() <= delta + 0.01
                        && delta <= ((Number) ci.get(1)).doubleValue() + 0.01,
                "" + game);

        Map<String, Object> bare = evaluate(model, corridorEpisodes(tmp.resolve("bare"), false));
        String skipped = (String) ((Map<?, ?>) bare.get("game_delta_psnr")).get("skipped");
        assertTrue(skipped != null && skipped.contains("env_options"), "" + bare);
        assertEquals(json.get("delta_psnr"), bare.get("delta_psnr"), "the other figures stay");
        model.close();
    }

    @Test
    void oneStepScoresSayHowMuchTheWorldTakesFromTheAction() throws Exception {
        Path data = corridorEpisodes(tmp.resolve("corridor"), true);
        try (WorldModel model = WorldModel.load(TinyWorld.world(tmp, 2, 64))) {
            Map<?, ?> o = (Map<?, ?>) evaluate(model, data).get("one_step");
            double bits = number(o, "bits_per_frame");
            double any = number(o, "bits_per_frame_any_action");
            double best = number(o, "bits_per_frame_best_action");
            assertTrue(bits > 0 && best > 0, "" + o);
            // The best action per clip and step is at most their mean, and here strictly below:
            // an untrained world's action embeddings differ, so its predictions do too.
            assertTrue(best < any - 0.005 && best <= bits + 0.005, "" + o);
            assertEquals(any - bits, number(o, "action_information_bits"), 0.011, "" + o);
            for (String k : List.of("changed_token_accuracy", "unchanged_token_accuracy")) {
                assertTrue(number(o, k) >= 0 && number(o, k) <= 1, k + " " + o);
            }

            // A world blind to the action: every action predicts the same, so it takes nothing.
            for (var p : model.dynamics().getParameters()) {
                if (p.getKey().replaceFirst("^\\d+", "").startsWith("actions")) {
                    p.getValue().getArray().muli(0);
                }
            }
            Map<?, ?> blind = (Map<?, ?>) evaluate(model, data).get("one_step");
            assertEquals(0.0, number(blind, "action_information_bits"), 1e-3, "" + blind);
            assertEquals(
                    number(blind, "bits_per_frame"),
                    number(blind, "bits_per_frame_best_action"),
                    0.011,
                    "" + blind);
        }
    }

    private static double number(Map<?, ?> json, String key) {
        return ((Number) json.get(key)).doubleValue();
    }

    @Test
    void changedSharesCountTokensThatDifferFromTheFrameBefore() {
        // Two clips of 1 prompt frame + 2 steps, 4 tokens a frame.
        long[] codes = {
            1, 2, 3, 4, /* step 1: */ 1, 2, 3, 9, /* step 2: */ 5, 6, 3, 9,
            7, 7, 7, 7, /* step 1: */ 7, 7, 7, 7, /* step 2: */ 0, 0, 0, 0
        };
        double[][] shares = WorldEval.changedShares(codes, 2, 1, 2, 4);
        assertEquals(0.25, shares[0][0]);
        assertEquals(0.5, shares[1][0]);
        assertEquals(0.0, shares[0][1]);
        assertEquals(1.0, shares[1][1]);
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> WorldEval.changedShares(codes, 2, 1, 3, 4));
    }

    /** The tiny world's context holds 4 frames: 1 prompt frame, 3 generated, ΔtPSNR at 2. */
    private static Map<String, Object> evaluate(WorldModel model, Path data) throws Exception {
        List<Clip.Source> episodes = VideoDataset.load(data, 64, 0, 0).train();
        return WorldEval.evaluate(model, episodes, 1, 3, 2, 4, 2, GenieWorld.Options.defaults(), 1);
    }
}
