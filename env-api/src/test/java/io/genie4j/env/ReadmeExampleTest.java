package io.genie4j.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.genie4j.env.registry.Envs;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The environment API example of docs/env-api.md, run as written. */
class ReadmeExampleTest {

    @Test
    void readmeExampleBehavesAsDescribed() {
        try (Env<?, ?> raw = Envs.make("Corridor-v0", Map.of("length", 12))) {
            @SuppressWarnings("unchecked")
            Env<Tensor, Integer> env = (Env<Tensor, Integer>) raw;
            Reset<Tensor> reset = env.reset(42L, Map.of());
            assertArrayEquals(new int[] {64, 64, 3}, reset.observation().shape());
            Step<Tensor> step = env.step(2);
            assertEquals((Integer) reset.info().get("position") + 1, step.info().get("position"));
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> env.step(7));
            assertEquals("action 7 is outside Discrete(3)", e.getMessage());
        }
    }
}
