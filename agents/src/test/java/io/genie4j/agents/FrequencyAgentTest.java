package io.genie4j.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrequencyAgentTest {

    @Test
    void playsEachActionAsOftenAsItWasCounted() {
        FrequencyAgent<String> a = new FrequencyAgent<>(new int[] {0, 3, 1}, 5, "blind");
        int[] seen = new int[3];
        int n = 40_000;
        for (int action : a.act(Collections.nCopies(n, "frame"))) {
            seen[action]++;
        }
        assertEquals(0, seen[0], "an action never counted is never played");
        // Binomial sd at p = 0.75, n = 40000 is 0.0022; 0.01 is over four of them.
        assertEquals(0.75, seen[1] / (double) n, 0.01);
        assertEquals(0.25, seen[2] / (double) n, 0.01);
        assertEquals("blind", a.name());
    }

    @Test
    void theSameSeedPlaysTheSameActions() {
        List<String> obs = Collections.nCopies(200, "frame");
        List<Integer> x = new FrequencyAgent<String>(new int[] {1, 1, 1, 1}, 9, "a").act(obs);
        List<Integer> y = new FrequencyAgent<String>(new int[] {1, 1, 1, 1}, 9, "a").act(obs);
        List<Integer> z = new FrequencyAgent<String>(new int[] {1, 1, 1, 1}, 10, "a").act(obs);
        assertEquals(x, y);
        assertTrue(!x.equals(z), "another seed, other actions");
    }

    @Test
    void rejectsCountsThatDefineNoDistribution() {
        IllegalArgumentException zero =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new FrequencyAgent<String>(new int[] {0, 0}, 0, "x"));
        assertTrue(zero.getMessage().contains("all zero"), zero.getMessage());
        IllegalArgumentException negative =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new FrequencyAgent<String>(new int[] {2, -1}, 0, "x"));
        assertTrue(negative.getMessage().contains("action 1"), negative.getMessage());
    }
}
