package io.genie4j.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TensorTest {

    @Test
    void buffersAreLittleEndianRowMajor() {
        assertArrayEquals(
                new byte[] {1, 0, 0, 0, 2, 1, 0, 0},
                Tensor.int32(new int[] {1, 258}, 2).toByteArray());
        assertArrayEquals(
                new byte[] {0, 0, (byte) 0x80, 0x3f},
                Tensor.float32(new float[] {1f}, 1).toByteArray());
        Tensor m = Tensor.int64(new long[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertEquals(6, m.getLong(5));
        assertEquals(4, m.slice(1).getLong(0));
    }

    @Test
    void accessorsConvertPerDtype() {
        Tensor u = Tensor.uint8(new byte[] {(byte) 255, 0}, 2);
        assertEquals(255, u.getLong(0));
        assertEquals(255.0, u.getDouble(0));
        Tensor b = Tensor.bool(new boolean[] {true, false}, 2);
        assertEquals(1, b.getLong(0));
        assertEquals(-1.5, Tensor.float64(new double[] {-1.5}, 1).getDouble(0));
        assertThrows(
                IllegalStateException.class, () -> Tensor.float32(new float[] {1}, 1).getLong(0));
        assertArrayEquals(new float[] {1f, 2f}, Tensor.int64(new long[] {1, 2}, 2).toFloatArray());
    }

    @Test
    void stackSliceAndReshapeAreInverse() {
        Tensor a = Tensor.uint8(new byte[] {1, 2, 3}, 1, 3);
        Tensor b = Tensor.uint8(new byte[] {4, 5, 6}, 1, 3);
        Tensor s = Tensor.stack(List.of(a, b));
        assertArrayEquals(new int[] {2, 1, 3}, s.shape());
        assertEquals(a, s.slice(0));
        assertEquals(b, s.slice(1));
        assertArrayEquals(new int[] {3, 2}, s.reshape(3, 2).shape());
        assertThrows(IllegalArgumentException.class, () -> s.reshape(4, 2));
        assertThrows(
                IllegalArgumentException.class,
                () -> Tensor.stack(List.of(a, Tensor.uint8(new byte[2], 2))));
        assertThrows(IllegalArgumentException.class, () -> Tensor.stack(List.of()));
    }

    @Test
    void slicesShareTheirParentsBytesAndBehaveAsCopies() {
        Tensor v = Tensor.float32(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 3, 2, 2);
        Tensor s = v.slice(1);
        Tensor expect = Tensor.float32(new float[] {5, 6, 7, 8}, 2, 2);
        assertEquals(expect, s);
        assertEquals(expect.hashCode(), s.hashCode());
        assertEquals(16, s.byteSize());
        assertArrayEquals(expect.toByteArray(), s.toByteArray());
        assertArrayEquals(new float[] {5, 6, 7, 8}, s.toFloatArray());
        assertEquals(7.0, s.getDouble(2));
        assertEquals(8f, s.buffer().getFloat(12));
        assertEquals(16, s.buffer().remaining());
        Tensor row = s.slice(1);
        assertArrayEquals(new float[] {7, 8}, row.toFloatArray());
        assertArrayEquals(
                new float[] {7, 8}, s.reshape(1, 4).slice(0).reshape(2, 2).slice(1).toFloatArray());
        assertEquals(v, Tensor.stack(List.of(v.slice(0), v.slice(1), v.slice(2))));
        Tensor u = Tensor.uint8(new byte[] {9, 8, 7, 6}, 2, 2).slice(1);
        assertEquals(7, u.getLong(0));
        assertArrayEquals(new long[] {7, 6}, u.toLongArray());
    }

    @Test
    void equalityIsDtypeShapeAndBytes() {
        Tensor a = Tensor.int32(new int[] {1, 2}, 2);
        assertEquals(a, Tensor.int32(new int[] {1, 2}, 2));
        assertEquals(a.hashCode(), Tensor.int32(new int[] {1, 2}, 2).hashCode());
        assertNotEquals(a, Tensor.int32(new int[] {1, 2}, 1, 2));
        assertNotEquals(a, Tensor.float32(new float[] {1.4e-45f, 2.8e-45f}, 2));
    }

    @Test
    void byteCountMustMatchTheShape() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Tensor.wrap(DType.FLOAT32, new byte[6], 2));
        assertEquals("a float32 tensor of shape [2] needs 8 bytes, got 6", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(DType.UINT8, -1));
    }

    @Test
    void factoriesCopyTheirInputButWrapDoesNot() {
        long[] v = {1, 2};
        Tensor t = Tensor.int64(v, 2);
        v[0] = 9;
        assertEquals(1, t.getLong(0));
        byte[] b = {1};
        Tensor w = Tensor.uint8(b, 1);
        assertEquals(1, w.getLong(0));
        assertEquals(DType.FLOAT32, DType.fromNumpyName("float32"));
        assertEquals(DType.UINT8, DType.fromNpyDescr("<u1"));
        assertThrows(IllegalArgumentException.class, () -> DType.fromNumpyName("complex64"));
    }
}
