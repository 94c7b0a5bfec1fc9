package io.genie4j.coinrun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.env.Env;
import io.genie4j.env.EnvChecker;
import io.genie4j.env.Step;
import io.genie4j.env.Tensor;
import io.genie4j.env.registry.Envs;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CoinRunEnvTest {

    @SuppressWarnings("unchecked")
    private static Env<Tensor, Integer> make(Map<String, ?> options) {
        return (Env<Tensor, Integer>) Envs.make("CoinRun-v0", options);
    }

    @Test
    void passesTheEnvChecker() {
        EnvChecker.check(() -> Envs.make("CoinRun-v0"));
        EnvChecker.check(() -> Envs.make("CoinRun-v0", Map.of("distribution_mode", "easy")));
    }

    @Test
    void sameSeedAndActionsGiveTheSameFrames() {
        int[] hashes = new int[2];
        for (int run = 0; run < 2; run++) {
            try (Env<Tensor, Integer> env = make(Map.of())) {
                int h = env.reset(123L, Map.of()).observation().hashCode();
                SplittableRandom rng = new SplittableRandom(5);
                for (int t = 0; t < 300; t++) {
                    Step<Tensor> s = env.step(rng.nextInt(15));
                    h = 31 * h + s.observation().hashCode();
                    if (s.done()) {
                        h = 31 * h + env.reset(null, Map.of()).observation().hashCode();
                    }
                }
                hashes[run] = h;
            }
        }
        assertEquals(hashes[0], hashes[1]);
    }

    /**
     * The pixels themselves are pinned: the shipped world model learned from frames drawn exactly
     * so, and a renderer change that moves one pixel would quietly shift its input distribution. If
     * a change to the art is meant, update the checksum and retrain (or re-check) the model.
     */
    @Test
    void framesAreThePixelsTheShippedModelWasTrainedOn() {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        for (String mode : new String[] {"easy", "hard"}) {
            for (long seed = 0; seed < 6; seed++) {
                try (Env<Tensor, Integer> env = make(Map.of("distribution_mode", mode))) {
                    crc.update(env.reset(seed, Map.of()).observation().toByteArray());
                    SplittableRandom rng = new SplittableRandom(seed);
                    for (int t = 0; t < 150; t++) {
                        Step<Tensor> s = env.step(rng.nextInt(15));
                        crc.update(s.observation().toByteArray());
                        if (s.done()) {
                            crc.update(env.reset(null, Map.of()).observation().toByteArray());
                        }
                    }
                }
            }
        }
        assertEquals(2299056634L, crc.getValue(), "CRC-32 of the frames");
    }

    @Test
    void levelsComeFromTheConfiguredRange() {
        try (Env<Tensor, Integer> env = make(Map.of("num_levels", 3, "start_level", 500))) {
            for (int i = 0; i < 20; i++) {
                int seed =
                        (Integer) env.reset(i == 0 ? 9L : null, Map.of()).info().get("level_seed");
                assertTrue(seed >= 500 && seed < 503, "level " + seed);
            }
        }
    }

    @Test
    void episodesAreTruncatedAtOneThousandSteps() {
        try (Env<Tensor, Integer> env = make(Map.of("distribution_mode", "easy"))) {
            env.reset(1L, Map.of());
            Step<Tensor> s = null;
            for (int t = 1; t <= 1000; t++) {
                s = env.step(4); // standing still at the start never ends an episode
                assertFalse(s.terminated());
                assertEquals(t == 1000, s.truncated(), "step " + t);
            }
            assertEquals(1000, s.info().get("steps"));
        }
    }

    @Test
    void framesAre64By64AndRenderScales() {
        try (CoinRunEnv env =
                new CoinRunEnv(
                        io.genie4j.env.registry.EnvOptions.resolve(
                                CoinRunEnv.registration(), Map.of()))) {
            Tensor obs = env.reset(0L, Map.of()).observation();
            assertArrayEquals(new int[] {64, 64, 3}, obs.shape());
            assertArrayEquals(new int[] {256, 256, 3}, env.render(4).shape());
            assertThrows(IllegalArgumentException.class, () -> env.render(0));
            byte[] px = obs.toByteArray();
            long colours =
                    java.util.stream.IntStream.range(0, 64 * 64)
                            .map(
                                    i ->
                                            ((px[3 * i] & 255) << 16)
                                                    | ((px[3 * i + 1] & 255) << 8)
                                                    | (px[3 * i + 2] & 255))
                            .distinct()
                            .count();
            assertTrue(colours > 5, "ground, background, agent and more: " + colours + " colours");
        }
    }

    @Test
    void hardLevelsLookDifferentAndMonochromeIsFlat() {
        try (Env<Tensor, Integer> a = make(Map.of());
                Env<Tensor, Integer> b = make(Map.of("use_monochrome_assets", true))) {
            Tensor x = a.reset(7L, Map.of()).observation();
            Tensor y = a.reset(8L, Map.of()).observation();
            assertNotEquals(x, y);
            Tensor m = b.reset(7L, Map.of()).observation();
            assertNotEquals(x, m);
            long colours =
                    java.util.stream.IntStream.range(0, 64 * 64)
                            .map(
                                    i ->
                                            ((m.toByteArray()[3 * i] & 255) << 16)
                                                    | ((m.toByteArray()[3 * i + 1] & 255) << 8)
                                                    | (m.toByteArray()[3 * i + 2] & 255))
                            .distinct()
                            .count();
            assertTrue(colours <= 8, "monochrome frames use a few flat colours, got " + colours);
        }
    }

    @Test
    void infoNamesTheCauseOfDeath() {
        // Walk right into the first obstacle on many levels: every episode that ends says why.
        int deaths = 0;
        try (Env<Tensor, Integer> env = make(Map.of())) {
            for (long seed = 0; seed < 40; seed++) {
                env.reset(seed, Map.of());
                for (int t = 0; t < 300; t++) {
                    Step<Tensor> s = env.step(t % 6 == 0 ? 8 : 7);
                    if (s.done()) {
                        Object death = s.info().get("death");
                        boolean complete = (Boolean) s.info().get("level_complete");
                        assertTrue(complete || death != null, "an ended episode says why");
                        assertEquals(complete ? 10.0 : 0.0, s.reward());
                        deaths += death != null ? 1 : 0;
                        break;
                    }
                }
            }
        }
        assertTrue(deaths > 0);
    }
}
