package io.genie4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.env.Env;
import io.genie4j.env.Reset;
import io.genie4j.env.Step;
import io.genie4j.env.Tensor;
import io.genie4j.env.registry.Envs;
import io.genie4j.env.spaces.Discrete;
import io.genie4j.genie.world.WorldModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The world model shipped in genie-env's jar is what a user gets with no options at all. */
class ShippedWorldModelTest {

    @Test
    void loadsWithItsRecordedConfigAndEvalFigures() throws Exception {
        try (WorldModel m = WorldModel.load((Path) null)) {
            assertEquals(8, m.config().actions());
            assertEquals(64, m.config().imageSize());
            var json = m.json();
            assertEquals("world", json.path("kind").asText());
            assertTrue(json.path("training").path("step").asInt() > 0, json.toString());
            assertTrue(json.path("eval").has("rollout_psnr"), "eval figures recorded: " + json);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void genieV0PlaysACoinRunPromptWithNoOptions() {
        try (Env<Tensor, Integer> env = (Env<Tensor, Integer>) Envs.make("Genie-v0", Map.of())) {
            assertEquals(8, ((Discrete) env.actionSpace()).n());
            Reset<Tensor> r = env.reset(3L, Map.of());
            assertArrayEquals(new int[] {64, 64, 3}, r.observation().shape());
            byte[] before = r.observation().toByteArray();
            boolean changed = false;
            for (int a = 0; a < 8; a++) {
                Step<Tensor> s = env.step(a);
                assertTrue(env.observationSpace().contains(s.observation()));
                double u = (Double) s.info().get("uncertainty");
                assertTrue(u >= 0 && Double.isFinite(u), "uncertainty " + u);
                changed |= !Arrays.equals(before, s.observation().toByteArray());
            }
            assertTrue(changed, "eight steps of the shipped model changed the frame");
        }
    }

    @Test
    void theDemoRunsOnTheShippedModel(@TempDir Path tmp) throws Exception {
        Path gif = tmp.resolve("demo.gif");
        WorldModelCommandsTest.Result r =
                WorldModelCommandsTest.run("demo", "--steps", "2", "--out", gif.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(8L, WorldModelCommandsTest.json(r).get("worlds"));
        assertTrue(Files.size(gif) > 1000);
    }
}
