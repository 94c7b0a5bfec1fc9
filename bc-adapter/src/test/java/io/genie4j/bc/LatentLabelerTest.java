package io.genie4j.bc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.genie4j.env.DType;
import io.genie4j.env.Tensor;
import io.genie4j.genie.TinyWorld;
import io.genie4j.genie.world.WorldModel;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uses a tiny world model for 64×64 frames, trained for two steps. */
class LatentLabelerTest {

    /** A square that moves a few pixels each frame over a striped background. */
    private static byte[] video(int t) {
        byte[] v = new byte[t * 64 * 64 * 3];
        for (int f = 0; f < t; f++) {
            int x0 = 8 + 5 * f;
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    int i = ((f * 64 + y) * 64 + x) * 3;
                    boolean sq = x >= x0 && x < x0 + 10 && y >= 30 && y < 40;
                    v[i] = (byte) (sq ? 230 : 40 + (y / 8) * 10);
                    v[i + 1] = (byte) (sq ? 200 : 90);
                    v[i + 2] = (byte) (sq ? 40 : 140);
                }
            }
        }
        return v;
    }

    @Test
    void labelsEveryTransitionAsTheLamDoesOnTheWholeClip(@TempDir Path tmp) throws Exception {
        int t = 9;
        byte[] bytes = video(t);
        try (WorldModel m = WorldModel.load(TinyWorld.world(tmp, 2, 64))) {
            LatentLabeler labeler = new LatentLabeler(m, 3);
            int[] codes = labeler.label(Tensor.uint8(bytes, t, 64, 64, 3));
            assertEquals(t - 1, codes.length);
            long[] whole;
            try (NDManager mm = m.manager().newSubManager()) {
                NDArray v =
                        mm.create(
                                ByteBuffer.allocateDirect(bytes.length).put(bytes).flip(),
                                new Shape(1, t, 64, 64, 3),
                                DataType.UINT8);
                whole = m.lam().infer(new ParameterStore(mm, false), v, null).toLongArray();
            }
            int[] expected = new int[whole.length];
            for (int i = 0; i < whole.length; i++) {
                expected[i] = (int) whole[i];
            }
            assertArrayEquals(expected, codes, "pairs labelled in batches of 3 = the whole clip");
            for (int c : codes) {
                assertTrue(c >= 0 && c < labeler.actions());
            }
            assertEquals(
                    0, labeler.label(Tensor.uint8(new byte[64 * 64 * 3], 1, 64, 64, 3)).length);
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> labeler.label(Tensor.zeros(DType.UINT8, 3, 32, 32, 3)));
            assertTrue(e.getMessage().contains("64, 64, 3"), e.getMessage());
        }
    }
}
