package io.genie4j.coinrun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExpertDemosTest {

    @Test
    void expertDemosAreWonEpisodesWithMatchingFrames() {
        List<ExpertDemos.Demo> demos = ExpertDemos.record(false, 0, 4);
        assertEquals(4, demos.size(), "the expert wins easy levels 0..3");
        for (ExpertDemos.Demo d : demos) {
            assertEquals(d.actions().length + 1, d.frames().size());
            assertEquals(64 * 64 * 3, d.frames().get(0).length);
            assertArrayEquals(new int[] {d.frames().size(), 64, 64, 3}, d.frameTensor().shape());
        }
        // Deterministic: the same level gives the same demonstration.
        ExpertDemos.Demo again =
                ExpertDemos.play(false, demos.get(1).level(), ExpertDemos.Style.OPEN_LOOP, "v1");
        assertArrayEquals(demos.get(1).actions(), again.actions());
    }

    @Test
    void replanningAndNoisyDemosAreWonMarkedAndRepeatable() {
        ExpertDemos.Style replan = new ExpertDemos.Style(true, 0);
        for (ExpertDemos.Demo d : ExpertDemos.record(false, 0, 3, replan)) {
            assertEquals(d.actions().length, d.perturbed().length);
            for (boolean p : d.perturbed()) {
                assertFalse(p, "no noise, no perturbed steps");
            }
        }
        ExpertDemos.Style noisy = new ExpertDemos.Style(true, 0.3);
        List<ExpertDemos.Demo> demos = ExpertDemos.record(false, 0, 4, noisy);
        assertFalse(demos.isEmpty(), "the expert recovers from random moves on some level");
        int perturbed = 0;
        int steps = 0;
        for (ExpertDemos.Demo d : demos) {
            steps += d.actions().length;
            for (int t = 0; t < d.actions().length; t++) {
                if (d.perturbed()[t]) {
                    perturbed++;
                    assertTrue(d.actions()[t] >= 0 && d.actions()[t] < 9, "a random move 0..8");
                }
            }
        }
        double share = (double) perturbed / steps;
        assertTrue(share > 0.1 && share < 0.5, "about 30% of steps are random: " + share);
        // The noise is seeded by the level: the same level gives the same demonstration.
        ExpertDemos.Demo first = demos.get(0);
        ExpertDemos.Demo again = ExpertDemos.play(false, first.level(), noisy, "v1");
        assertArrayEquals(first.actions(), again.actions());
        assertArrayEquals(first.perturbed(), again.perturbed());
        assertThrows(IllegalArgumentException.class, () -> new ExpertDemos.Style(true, 1.0));
    }
}
