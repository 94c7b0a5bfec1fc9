package io.genie4j.coinrun.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genie4j.coinrun.CoinRunEnv;
import io.genie4j.genie.TinyWorld;
import io.genie4j.genie.world.ActionTable;
import io.genie4j.genie.world.ControlsEval;
import io.genie4j.genie.world.GenieWorld;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eval controls} on a tiny 64×64 world with a real-action table, against real CoinRun. */
class ControlsEvalTest {

    @Test
    @SuppressWarnings("unchecked")
    void aWorldThatIgnoresItsActionsLeadsWithNone(@TempDir Path tmp) throws Exception {
        Path run = TinyWorld.world(tmp, 2, 64);
        ObjectMapper json = new ObjectMapper();
        ObjectNode model = (ObjectNode) json.readTree(run.resolve("model.json").toFile());
        model.with("data").putObject("env_options").put("art", "v2");
        json.writeValue(run.resolve("model.json").toFile(), model);
        IllegalArgumentException none =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                ControlsEval.evaluate(
                                        run, 0, 2, 1, 8, GenieWorld.Options.defaults(), 0));
        assertTrue(none.getMessage().contains("train actions"), none.getMessage());
        int n = CoinRunEnv.ACTION_NAMES.size();
        long[][] counts = new long[n][4];
        for (int a = 0; a < n; a++) {
            counts[a][a % 4] = 5;
        }
        ActionTable.fit(CoinRunEnv.ID, CoinRunEnv.ACTION_NAMES, counts).save(run);
        // Guidance 0 samples the next frame as if no action were given; greedily and in one
        // MaskGIT iteration, the three actions' first frames are then the same frame, so the
        // world's frames are no closer to their own action's real frames than to the others'.
        GenieWorld.Options ignoring =
                GenieWorld.Options.defaults()
                        .withTemperature(0)
                        .withMaskgitSteps(1)
                        .withGuidance(0);
        Map<String, Object> r = ControlsEval.evaluate(run, 5, 3, 1, 4, ignoring, 0);
        assertEquals(3, r.get("levels"));
        assertEquals(List.of("LEFT", "NOOP", "RIGHT"), r.get("actions"));
        assertEquals(List.of(1, 0, 3), r.get("latent_codes"));
        List<List<Double>> matrix = (List<List<Double>>) r.get("psnr_generated_vs_real");
        for (int g = 1; g < 3; g++) {
            assertEquals(matrix.get(0), matrix.get(g), "rows of identical frames");
        }
        Map<String, Object> lead = (Map<String, Object>) r.get("own_action_lead_mean");
        assertEquals(0.0, (Double) lead.get("mean"), 0.011);
        // With the action (guidance 1) the frames differ by action.
        Map<String, Object> given =
                ControlsEval.evaluate(run, 5, 3, 1, 4, ignoring.withGuidance(1), 0);
        List<List<Double>> m2 = (List<List<Double>>) given.get("psnr_generated_vs_real");
        assertTrue(!m2.get(0).equals(m2.get(1)) || !m2.get(1).equals(m2.get(2)), m2.toString());
        // The one-step prediction of the real frames: shares in [0, 1]; for NOOP its own code
        // is NOOP's, so the two changed-token accuracies agree.
        Map<String, Map<String, Map<String, Object>>> forced =
                (Map<String, Map<String, Map<String, Object>>>) given.get("teacher_forced");
        for (String a : List.of("LEFT", "NOOP", "RIGHT")) {
            for (String k :
                    List.of(
                            "changed_share",
                            "changed_accuracy",
                            "changed_accuracy_noop_code",
                            "accuracy",
                            "changed_new_code_near_old",
                            "changed_prediction_near")) {
                double v = (Double) forced.get(a).get(k).get("mean");
                assertTrue(v >= 0 && v <= 1, a + " " + k + " " + v);
            }
        }
        assertEquals(
                forced.get("NOOP").get("changed_accuracy"),
                forced.get("NOOP").get("changed_accuracy_noop_code"));
        assertTrue((Double) forced.get("RIGHT").get("changed_share").get("mean") > 0);
        // A right prediction is a near one: the code is its own nearest.
        for (String a : List.of("LEFT", "NOOP", "RIGHT")) {
            assertTrue(
                    (Double) forced.get(a).get("changed_prediction_near").get("mean")
                            >= (Double) forced.get(a).get("changed_accuracy").get("mean"),
                    a + " " + forced.get(a));
        }
    }
}
