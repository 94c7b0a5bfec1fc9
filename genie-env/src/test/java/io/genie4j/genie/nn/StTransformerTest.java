package io.genie4j.genie.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StTransformerTest {

    private static float[] frames(NDArray y, int from, int to) {
        return y.get(new NDIndex(":, {}:{}", from, to)).toFloatArray();
    }

    @Test
    void changingALaterFrameLeavesEarlierOutputsUnchanged() {
        Engine.getInstance().setRandomSeed(3);
        try (NDManager m = NDManager.newBaseManager()) {
            StTransformer st = new StTransformer(16, 2, 2, 2, 4, 6, false);
            st.initialize(m);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(2, 5, 4, 16));
            NDArray x2 = x.duplicate();
            x2.set(new NDIndex(":, 3"), m.randomNormal(new Shape(2, 4, 16)));
            NDArray y = st.apply(ps, x, false);
            NDArray y2 = st.apply(ps, x2, false);
            // Frames 0..2 are unchanged bit for bit; frames 3 and 4 see the change.
            assertArrayEquals(frames(y, 0, 3), frames(y2, 0, 3));
            assertFalse(Arrays.equals(frames(y, 3, 4), frames(y2, 3, 4)));
            assertFalse(Arrays.equals(frames(y, 4, 5), frames(y2, 4, 5)));
        }
    }

    @Test
    void spatialOnlyStackTreatsFramesIndependently() {
        Engine.getInstance().setRandomSeed(4);
        try (NDManager m = NDManager.newBaseManager()) {
            StTransformer st = new StTransformer(16, 2, 2, 2, 4, 6, true);
            st.initialize(m);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(1, 3, 4, 16));
            NDArray x2 = x.duplicate();
            x2.set(new NDIndex(":, 0"), m.randomNormal(new Shape(1, 4, 16)));
            NDArray y = st.apply(ps, x, false);
            NDArray y2 = st.apply(ps, x2, false);
            assertArrayEquals(frames(y, 1, 3), frames(y2, 1, 3));
            assertFalse(Arrays.equals(frames(y, 0, 1), frames(y2, 0, 1)));
        }
    }
}
