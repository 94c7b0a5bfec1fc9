package io.genie4j.genie.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VectorQuantizerTest {

    @Test
    void outputIsTheNearestCodeAndGradientsPassStraightThrough() {
        Engine.getInstance().setRandomSeed(5);
        try (NDManager m = NDManager.newBaseManager()) {
            VectorQuantizer vq = new VectorQuantizer(8, 4, 0.25f);
            vq.initialize(m);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray z = m.randomNormal(new Shape(6, 4));
            NDArray r = m.randomNormal(new Shape(6, 4));
            z.setRequiresGradient(true);
            VectorQuantizer.Output out;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                out = vq.quantize(ps, z, false);
                gc.backward(out.quantized().mul(r).sum());
            }
            float[] gradThroughVq = z.getGradient().toFloatArray();
            // The forward value is the chosen (normalised) code ...
            float[] codes = vq.lookup(ps, out.indices(), false).toFloatArray();
            assertArrayEquals(codes, out.quantized().toFloatArray(), 1e-6f);
            // ... and the nearest one by cosine similarity.
            float[] cb = vq.codebookCopy(m).toFloatArray();
            float[] zs = z.toFloatArray();
            long[] idx = out.indices().toLongArray();
            for (int i = 0; i < 6; i++) {
                int best = 0;
                double bestSim = -2;
                for (int c = 0; c < 8; c++) {
                    double dot = 0;
                    double nc = 0;
                    for (int j = 0; j < 4; j++) {
                        dot += zs[i * 4 + j] * cb[c * 4 + j];
                        nc += cb[c * 4 + j] * cb[c * 4 + j];
                    }
                    double sim = dot / Math.sqrt(nc);
                    if (sim > bestSim) {
                        bestSim = sim;
                        best = c;
                    }
                }
                assertEquals(best, idx[i], "row " + i);
            }
            // The gradient is that of the normalisation alone, as if quantisation were identity.
            NDArray z2 = z.duplicate();
            z2.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray n = z2.div(z2.square().sum(new int[] {-1}, true).add(1e-12f).sqrt());
                gc.backward(n.mul(r).sum());
            }
            assertArrayEquals(z2.getGradient().toFloatArray(), gradThroughVq, 1e-5f);
        }
    }

    @Test
    void trainingStepsLeaveNoArraysOnTheParametersManager() throws Exception {
        Engine.getInstance().setRandomSeed(7);
        try (NDManager m = NDManager.newBaseManager()) {
            VectorQuantizer vq = new VectorQuantizer(8, 4, 0.25f, 0.1f);
            vq.initialize(m);
            ParameterStore ps = new ParameterStore(m, false);
            long before = 0;
            for (int step = 0; step < 6; step++) {
                if (step == 1) {
                    before = arrays(m); // after the first step made the parameter's gradient
                }
                try (NDManager s = m.newSubManager();
                        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray z = s.randomNormal(new Shape(6, 4));
                    z.setRequiresGradient(true);
                    gc.backward(vq.quantize(ps, z, true).loss());
                }
            }
            assertEquals(before, arrays(m));
        }
    }

    /** Arrays held by {@code m} and its sub-managers, however deep. */
    private static long arrays(NDManager m) throws ReflectiveOperationException {
        java.lang.reflect.Field f =
                ai.djl.ndarray.BaseNDManager.class.getDeclaredField("resources");
        f.setAccessible(true);
        long n = 0;
        for (Object r : ((java.util.Map<?, ?>) f.get(m)).values()) {
            n += r instanceof NDManager sub ? arrays(sub) : 1;
        }
        return n;
    }

    @Test
    void deadCodesAreReplacedByRecentInputs() {
        Engine.getInstance().setRandomSeed(6);
        try (NDManager m = NDManager.newBaseManager()) {
            VectorQuantizer vq = new VectorQuantizer(16, 4, 0.25f);
            vq.initialize(m);
            ParameterStore ps = new ParameterStore(m, false);
            // Every input is the same direction, so exactly one code is used.
            NDArray z = m.create(new float[] {1, 2, 3, 4}).tile(new long[] {32, 1});
            vq.quantize(ps, z, true);
            long[] usage = vq.usage();
            int used = 0;
            for (long u : usage) {
                used += u > 0 ? 1 : 0;
            }
            assertEquals(1, used);
            int replaced = vq.resetDeadCodes(new Random(1));
            assertEquals(15, replaced);
            assertEquals(0, vq.usage()[0] + vq.usage()[5]);
            // Each replaced code is now (up to the 0.01 noise) the normalised input.
            float[] cb = vq.codebookCopy(m).toFloatArray();
            double norm = Math.sqrt(1 + 4 + 9 + 16);
            int near = 0;
            for (int c = 0; c < 16; c++) {
                boolean close = true;
                for (int j = 0; j < 4; j++) {
                    close &= Math.abs(cb[c * 4 + j] - (j + 1) / norm) < 0.05;
                }
                near += close ? 1 : 0;
            }
            assertTrue(near >= 15, "replaced codes near the input: " + near);
        }
    }
}
