package io.genie4j.genie.train;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NumericsTest {
    @Test
    void finiteFiguresPassAndOthersNameTheStepAndTheBatch() {
        assertDoesNotThrow(() -> Numerics.check("tokenizer", 0.5, 1.0, null, 3, 7));
        IllegalStateException loss =
                assertThrows(
                        IllegalStateException.class,
                        () -> Numerics.check("tokenizer", Double.NaN, 1.0, null, 3, 7));
        assertTrue(
                loss.getMessage()
                        .contains("non-finite loss (NaN) at step 3, batch 2 of data seed 7"),
                loss.getMessage());
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalStateException e =
                    assertThrows(
                            IllegalStateException.class,
                            () -> Numerics.check("world model", 0.5, bad, "w [2]: 1 NaN", 12, 7));
            assertTrue(
                    e.getMessage().contains("non-finite gradient norm")
                            && e.getMessage().contains("w [2]: 1 NaN")
                            && e.getMessage().contains("at step 12, batch 11 of data seed 7"),
                    e.getMessage());
        }
    }
}
