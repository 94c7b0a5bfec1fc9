package io.genie4j.genie.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import org.junit.jupiter.api.Test;

class AttentionTest {

    /**
     * One entry at a time against cached keys and values gives what causal attention over the whole
     * sequence gives, with and without RoPE, at positions that do not start at 0.
     */
    @Test
    void cachedSingleEntriesMatchCausalAttentionOverTheSequence() {
        for (boolean rope : new boolean[] {false, true}) {
            Engine.getInstance().setRandomSeed(11);
            try (NDManager m = NDManager.newBaseManager()) {
                Attention att = new Attention(16, 2, 1, rope);
                att.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(3, 6, 16));
                // Scaled-up weights give scores of order 1, so positions and rotations matter.
                for (Pair<String, Parameter> p : att.getParameters()) {
                    p.getValue().getArray().muli(40);
                }
                ParameterStore ps = new ParameterStore(m, false);
                NDArray x = m.randomNormal(new Shape(3, 6, 16));
                long first = 5;
                NDArray[] kv = new NDArray[2];
                float[] whole = att.apply(ps, x, true, first, kv, false).toFloatArray();
                float scale = 0;
                for (float v : whole) {
                    scale = Math.max(scale, Math.abs(v));
                }
                assertTrue(scale > 1, "outputs too small to compare: " + scale);
                for (int f = 0; f < 6; f++) {
                    NDArray[] own = new NDArray[2];
                    NDArray pastK = f == 0 ? null : kv[0].get(new NDIndex(":, :, 0:{}", f));
                    NDArray pastV = f == 0 ? null : kv[1].get(new NDIndex(":, :, 0:{}", f));
                    NDArray entry = x.get(new NDIndex(":, {}:{}", f, f + 1));
                    float[] got =
                            att.applyCached(ps, entry, pastK, pastV, first + f, own).toFloatArray();
                    for (int b = 0; b < 3; b++) {
                        for (int d = 0; d < 16; d++) {
                            float want = whole[(b * 6 + f) * 16 + d];
                            assertEquals(
                                    want,
                                    got[b * 16 + d],
                                    1e-4 * scale,
                                    "rope=" + rope + ", entry " + f + ", sequence " + b);
                        }
                    }
                    // The entry's own keys are those the whole pass computed for it.
                    float[] wantK = kv[0].get(new NDIndex(":, :, {}:{}", f, f + 1)).toFloatArray();
                    float[] gotK = own[0].toFloatArray();
                    for (int i = 0; i < wantK.length; i++) {
                        assertEquals(wantK[i], gotK[i], 1e-4 * scale, "key " + i);
                    }
                }
            }
        }
    }
}
