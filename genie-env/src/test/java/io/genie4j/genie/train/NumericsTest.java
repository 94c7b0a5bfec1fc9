package io.genie4j.genie.train;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NumericsTest {
    @Test
    void anIsolatedInfiniteGradientIsSkippedAndCountedButALossOrARunOfThemStops() {
        Numerics n = new Numerics("tokenizer", 7);
        n.check(0.5, 1.0, 1);
        n.check(0.5, Double.POSITIVE_INFINITY, 2);
        n.check(0.5, 1.0, 3);
        assertEquals(java.util.List.of(2), n.skippedSteps());
        n.check(0.5, Double.NaN, 4);
        n.check(0.5, Double.NaN, 5);
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> n.check(0.5, Double.NaN, 6));
        assertTrue(e.getMessage().contains("non-finite gradient norm"), e.getMessage());
        IllegalStateException loss =
                assertThrows(IllegalStateException.class, () -> n.check(Double.NaN, 1.0, 7));
        assertTrue(
                loss.getMessage().contains("non-finite loss (NaN) at step 7"), loss.getMessage());
    }

    @Test
    void finiteFiguresPassAndOthersNameTheStepAndTheBatch() {
        assertDoesNotThrow(() -> Numerics.requireFinite("tokenizer", "loss", 0.5, 3, 7));
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalStateException e =
                    assertThrows(
                            IllegalStateException.class,
                            () ->
                                    Numerics.requireFinite(
                                            "world model", "gradient norm", bad, 12, 7));
            assertTrue(
                    e.getMessage().contains("non-finite gradient norm")
                            && e.getMessage().contains("at step 12, batch 11 of data seed 7"),
                    e.getMessage());
        }
    }
}
