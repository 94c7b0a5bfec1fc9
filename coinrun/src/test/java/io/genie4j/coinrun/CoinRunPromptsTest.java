package io.genie4j.coinrun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.env.Env;
import io.genie4j.env.Tensor;
import io.genie4j.env.registry.Envs;
import io.genie4j.env.registry.PromptSource;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CoinRunPromptsTest {

    private static byte[] reset(Map<String, Object> options, long seed) {
        try (Env<?, ?> env = Envs.make(CoinRunEnv.ID, options)) {
            return ((Tensor) env.reset(seed, Map.of()).observation()).toByteArray();
        }
    }

    @Test
    void promptsAreTheLevelsFirstFrameDrawnWithTheWorldModelsEnvOptions() {
        PromptSource coinrun = PromptSource.find(CoinRunPrompts.NAME).orElseThrow();
        byte[] plain = coinrun.frame(7, 64).toByteArray();
        byte[] v2 = coinrun.frame(7, 64, Map.of("art", "v2")).toByteArray();
        assertArrayEquals(reset(Map.of(), 7), plain);
        assertArrayEquals(reset(Map.of("art", "v2"), 7), v2);
        assertFalse(Arrays.equals(plain, v2), "art v2 draws the level differently");
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> coinrun.frame(7, 64, Map.of("colour", "red")));
        assertTrue(e.getMessage().contains("colour"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> coinrun.frame(7, 32));
    }
}
