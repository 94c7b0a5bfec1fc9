package io.genie4j.agents;

import io.genie4j.env.DType;
import io.genie4j.env.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Conversions between env image observations and the byte frames policies read. */
public final class Frames {
    private Frames() {}

    /**
     * The pixels of uint8 {@code [size, size, 3]} image observations.
     *
     * @throws IllegalArgumentException if an observation is not such an image
     */
    public static List<byte[]> bytes(List<Tensor> observations, int size) {
        List<byte[]> out = new ArrayList<>(observations.size());
        for (Tensor t : observations) {
            out.add(bytes(t, size));
        }
        return out;
    }

    /** The pixels of one uint8 {@code [size, size, 3]} image. */
    public static byte[] bytes(Tensor t, int size) {
        if (t.dtype() != DType.UINT8 || !Arrays.equals(t.shape(), new int[] {size, size, 3})) {
            throw new IllegalArgumentException(
                    "expected a uint8 [" + size + ", " + size + ", 3] image, got " + t.describe());
        }
        return t.toByteArray();
    }
}
