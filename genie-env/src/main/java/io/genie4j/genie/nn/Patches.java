package io.genie4j.genie.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;

/** Frames to patch vectors and back, and pixel scaling. */
public final class Patches {

    private Patches() {}

    /**
     * {@code [B, T, S, S, 3] -> [B, T, (S/p)², p*p*3]}, row-major patches; throws naming the shape
     * when frames are not {@code size}×{@code size} RGB.
     */
    public static NDArray patchify(NDArray x, int size, int p) {
        Shape s = x.getShape();
        if (s.dimension() != 5 || s.get(2) != size || s.get(3) != size || s.get(4) != 3) {
            throw new IllegalArgumentException(
                    "expected frames [B, T, " + size + ", " + size + ", 3], got " + s);
        }
        int g = size / p;
        return x.reshape(s.get(0), s.get(1), g, p, g, p, 3)
                .transpose(0, 1, 2, 4, 3, 5, 6)
                .reshape(s.get(0), s.get(1), (long) g * g, (long) p * p * 3);
    }

    /** {@code [B, T, (S/p)², p*p*3] -> [B, T, S, S, 3]}. */
    public static NDArray unpatchify(NDArray x, int size, int p) {
        Shape s = x.getShape();
        int g = size / p;
        return x.reshape(s.get(0), s.get(1), g, g, p, p, 3)
                .transpose(0, 1, 2, 4, 3, 5, 6)
                .reshape(s.get(0), s.get(1), size, size, 3);
    }

    /** Pixels in [0, 255] (any type) to floats in [-1, 1]. */
    /**
     * uint8 pixels as an array of {@code shape} in {@code manager}: the first {@code shape}'s
     * product of bytes of {@code pixels}, copied.
     *
     * @throws IllegalArgumentException if {@code pixels} holds fewer bytes
     */
    public static NDArray video(NDManager manager, byte[] pixels, long... shape) {
        Shape s = new Shape(shape);
        if (pixels.length < s.size()) {
            throw new IllegalArgumentException(
                    "video of shape " + s + " needs " + s.size() + " bytes, got " + pixels.length);
        }
        return manager.create(ByteBuffer.wrap(pixels, 0, (int) s.size()), s, DataType.UINT8);
    }

    /** Frames in pixel units (uint8 or float 0..255) to [-1, 1]. */
    public static NDArray toUnit(NDArray video) {
        return video.toType(DataType.FLOAT32, false).mul(2f / 255f).sub(1f);
    }

    /** Floats in [-1, 1] to pixel units (unclipped). */
    public static NDArray fromUnit(NDArray x) {
        return x.add(1f).mul(255f / 2f);
    }
}
