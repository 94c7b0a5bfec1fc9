package io.genie4j.genie.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScalarProductTest {

    @Test
    void theGradientOfAScalarProductSurvivesAGarbageCollectionBeforeBackward() throws Exception {
        // x.mul(3f) in DJL's PyTorch engine multiplies by a scalar made from a Java buffer and
        // closes it at once, while autograd keeps it for the backward pass: a collection and new
        // allocations before backward() then turned this gradient into NaN. Module.times keeps
        // the scalar in libtorch's memory.
        try (NDManager m = NDManager.newBaseManager()) {
            for (int round = 0; round < 5; round++) {
                NDArray x = m.ones(new Shape(64));
                x.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray y = Module.times(x, 3f).sum();
                    List<ByteBuffer> churn = churn();
                    gc.backward(y);
                    churn.clear();
                }
                float[] expected = new float[64];
                Arrays.fill(expected, 3f);
                assertArrayEquals(expected, x.getGradient().toFloatArray(), "round " + round);
            }
        }
    }

    /** Frees what has become garbage, then hands the freed memory out again, filled with NaN. */
    private static List<ByteBuffer> churn() throws InterruptedException {
        System.gc();
        Thread.sleep(100);
        List<ByteBuffer> buffers = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
            b.putFloat(0, Float.NaN);
            buffers.add(b);
        }
        return buffers;
    }
}
