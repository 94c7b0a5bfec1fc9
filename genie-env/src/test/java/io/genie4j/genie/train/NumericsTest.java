package io.genie4j.genie.train;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NumericsTest {
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
