package io.genie4j.coinrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CoinRunTraceTest {

    @Test
    void traceRecordsTheStateAfterEachStep() {
        Map<String, Object> r = CoinRunTrace.play(0, false, List.of(5, 4, 4));
        List<?> trace = (List<?>) r.get("trace");
        assertEquals(3, trace.size());
        // The jump step moves the agent up by max_jump = 1.5 with vy still 1.5.
        assertEquals(List.of(0, 1.5f, 1 + 0.5787f + 1.5f, 0f, 1.5f), trace.get(0));
        assertEquals(3, r.get("steps"));
        assertEquals(false, r.get("timed_out"));
    }

    @Test
    void standingStillTimesOutAtOneThousandSteps() {
        Map<String, Object> r = CoinRunTrace.play(3, false, Collections.nCopies(1200, 4));
        assertEquals(1000, r.get("steps"));
        assertEquals(true, r.get("timed_out"));
        assertEquals(false, r.get("died"));
    }

    @Test
    void aDeathEndsTheTrace() {
        // Random play on hard levels dies often; the trace stops at the death.
        java.util.SplittableRandom rng = new java.util.SplittableRandom(7);
        for (int seed = 0; seed < 200; seed++) {
            List<Integer> actions = new java.util.ArrayList<>();
            for (int t = 0; t < 500; t++) {
                actions.add(rng.nextInt(15));
            }
            Map<String, Object> r = CoinRunTrace.play(seed, true, actions);
            if ((Boolean) r.get("died")) {
                int steps = (Integer) r.get("steps");
                assertTrue(steps < 500);
                assertEquals(steps, ((List<?>) r.get("trace")).size());
                return;
            }
        }
        throw new AssertionError("random play died on none of 200 hard levels");
    }

    @Test
    void actionsOutsideTheSpaceAreRejected() {
        assertEquals(
                "action 15 is outside Discrete(15)",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> CoinRunTrace.play(0, false, List.of(15)))
                        .getMessage());
    }
}
