package io.genie4j.genie.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

    @Test
    void steppingFrameByFrameWithTheCacheGivesTheWholeSequencesOutputs() {
        for (boolean rope : new boolean[] {false, true}) {
            Engine.getInstance().setRandomSeed(5);
            try (NDManager m = NDManager.newBaseManager()) {
                StTransformer st = cachedStack(m, rope);
                ParameterStore ps = new ParameterStore(m, false);
                NDArray x = m.randomNormal(new Shape(3, 6, 4, 16));
                float[] whole = st.apply(ps, x, false).toFloatArray();
                try (KvCache cache = new KvCache(m, st.layers(), 8)) {
                    // Two frames prefilled, then four stepped one at a time.
                    float[] got = new float[whole.length];
                    NDArray first = st.prefill(ps, x.get(new NDIndex(":, 0:2")), cache);
                    scatter(first.toFloatArray(), got, 0, 2);
                    for (int f = 2; f < 6; f++) {
                        NDArray frame = x.get(new NDIndex(":, {}:{}", f, f + 1));
                        scatter(st.step(ps, frame, cache, true).toFloatArray(), got, f, 1);
                    }
                    assertEquals(6, cache.length());
                    for (int i = 0; i < whole.length; i++) {
                        assertEquals(whole[i], got[i], 1e-4, "rope=" + rope + ", value " + i);
                    }
                }
            }
        }
    }

    @Test
    void aCacheFilledInChunksStepsAsAPrefilledOne() {
        Engine.getInstance().setRandomSeed(6);
        try (NDManager m = NDManager.newBaseManager()) {
            StTransformer st = cachedStack(m, true);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(3, 5, 4, 16));
            NDArray prompt = x.get(new NDIndex(":, 0:4"));
            NDArray next = x.get(new NDIndex(":, 4:5"));
            try (KvCache whole = new KvCache(m, st.layers(), 8);
                    KvCache chunked = new KvCache(m, st.layers(), 8)) {
                st.prefill(ps, prompt, whole);
                // 16 tokens per chunk: one world of 4 frames × 4 tokens at a time.
                st.fillCacheChunked(ps, prompt, chunked, 16);
                assertEquals(4, chunked.length());
                assertEquals(4, chunked.nextPosition());
                float[] a = st.step(ps, next, whole, false).toFloatArray();
                float[] b = st.step(ps, next, chunked, false).toFloatArray();
                assertArrayEquals(a, b, 1e-5f);
            }
        }
    }

    @Test
    void rowsRefilledAtLaterPositionsJoinAWrappedCacheInTheirFramesSlots() {
        Engine.getInstance().setRandomSeed(8);
        try (NDManager m = NDManager.newBaseManager()) {
            StTransformer st = cachedStack(m, true);
            ParameterStore ps = new ParameterStore(m, false);
            // World 0 moves; world 1 holds one frame still, so a refill of its last 3 frames
            // alone gives the keys and values the stepped cache holds (every layer's state of a
            // frame held still is the same whatever came before it).
            NDArray moving = m.randomNormal(new Shape(1, 7, 4, 16));
            NDArray still = m.randomNormal(new Shape(1, 1, 4, 16)).repeat(1, 5);
            // Then it moves on: its new frames weigh the still ones by their positions.
            NDArray x = moving.concat(still.concat(m.randomNormal(new Shape(1, 2, 4, 16)), 1), 0);
            try (KvCache plain = new KvCache(m, st.layers(), 3);
                    KvCache copied = new KvCache(m, st.layers(), 3);
                    KvCache part = new KvCache(m, st.layers(), 3)) {
                for (int f = 0; f < 5; f++) {
                    NDArray frame = x.get(new NDIndex(":, {}:{}", f, f + 1));
                    st.step(ps, frame, plain, true);
                    st.step(ps, frame, copied, true);
                }
                // Both wrapped: slots hold frames 3, 4, 2. The refill holds 2, 3, 4 in order.
                st.fillCache(ps, still.get(new NDIndex(":, 2:5")), part, 2);
                assertEquals(5, part.nextPosition());
                copied.copyRows(part, 0, 4, 4);
                // Each frame's keys (rotated by its position) and values in its own slot.
                for (int i = 0; i < st.layers(); i++) {
                    assertArrayEquals(
                            plain.keys(i, m).toFloatArray(),
                            copied.keys(i, m).toFloatArray(),
                            1e-4f,
                            "keys of layer " + i);
                    assertArrayEquals(
                            plain.values(i, m).toFloatArray(),
                            copied.values(i, m).toFloatArray(),
                            1e-4f,
                            "values of layer " + i);
                }
                // Two more frames: the second drops frame 3, which only the right slot gives.
                for (int f = 5; f < 7; f++) {
                    NDArray frame = x.get(new NDIndex(":, {}:{}", f, f + 1));
                    float[] a = st.step(ps, frame, plain, true).toFloatArray();
                    float[] b = st.step(ps, frame, copied, true).toFloatArray();
                    assertArrayEquals(a, b, 1e-4f, "frame " + f);
                }
                KvCache fresh = new KvCache(m, st.layers(), 3);
                assertThrows(IllegalStateException.class, () -> copied.copyRows(fresh, 0, 0, 4));
                fresh.close();
            }
        }
    }

    @Test
    void aFullCacheDropsItsOldestFrameWhereverItsSlotIs() {
        Engine.getInstance().setRandomSeed(7);
        try (NDManager m = NDManager.newBaseManager()) {
            StTransformer st = cachedStack(m, true);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(2, 6, 4, 16));
            try (KvCache ring = new KvCache(m, st.layers(), 3);
                    KvCache all = new KvCache(m, st.layers(), 8);
                    KvCache last3 = new KvCache(m, st.layers(), 3)) {
                // Frames 0..4 go through a 3-slot cache, which wraps: frames 3 and 4 take the
                // slots of 0 and 1, so its slots hold frames 3, 4, 2.
                for (int f = 0; f < 5; f++) {
                    NDArray frame = x.get(new NDIndex(":, {}:{}", f, f + 1));
                    st.step(ps, frame, ring, true);
                    st.step(ps, frame, all, true);
                }
                assertEquals(3, ring.length());
                assertEquals(5, ring.nextPosition());
                // The same entries of frames 2, 3, 4 in time order.
                NDArray[][] kv = new NDArray[st.layers()][2];
                for (int i = 0; i < st.layers(); i++) {
                    kv[i][0] = all.keys(i, m).get(new NDIndex(":, :, 2:5"));
                    kv[i][1] = all.values(i, m).get(new NDIndex(":, :, 2:5"));
                }
                last3.fill(kv, 2, 3);
                NDArray frame5 = x.get(new NDIndex(":, 5:6"));
                float[] a = st.step(ps, frame5, ring, false).toFloatArray();
                float[] b = st.step(ps, frame5, last3, false).toFloatArray();
                assertArrayEquals(b, a, 1e-5f);
                // Frame 5 with all five earlier frames in view differs.
                float[] c = st.step(ps, frame5, all, false).toFloatArray();
                assertFalse(Arrays.equals(a, c));
            }
        }
    }

    /** An initialised causal stack of width 16 over 4 tokens per frame and up to 8 frames. */
    private static StTransformer cachedStack(NDManager m, boolean rope) {
        StTransformer st = new StTransformer(16, 2, 2, 2, 4, 8, false, rope);
        st.initialize(m);
        return st;
    }

    /**
     * Copies {@code [3, frames, 4, 16]} values into {@code [3, 6, 4, 16]} from frame {@code at}.
     */
    private static void scatter(float[] part, float[] all, int at, int frames) {
        int frame = 4 * 16;
        for (int b = 0; b < 3; b++) {
            System.arraycopy(part, b * frames * frame, all, (b * 6 + at) * frame, frames * frame);
        }
    }
}
