package io.genie4j.env;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An n-dimensional array of one {@link DType}: a shape and a row-major, little-endian byte buffer.
 *
 * <p>This is how observations, batched data and episode arrays travel through Genie4j, in-process,
 * in {@code .npz} files and on the wire (where the buffer is sent as is). Images are {@code uint8}
 * tensors of shape {@code [H, W, 3]}. A tensor is immutable: factories copy their input, except
 * {@link #wrap(DType, byte[], int...)}, whose caller hands over the array.
 */
public final class Tensor {
    private final DType dtype;
    private final int[] shape;
    private final byte[] data;

    /** Where this tensor's bytes start in {@link #data}: a slice shares its parent's array. */
    private final int offset;

    /** How many bytes of {@link #data} from {@link #offset} are this tensor's. */
    private final int length;

    private Tensor(DType dtype, int[] shape, byte[] data) {
        this(dtype, shape, data, 0, data.length);
    }

    private Tensor(DType dtype, int[] shape, byte[] data, int offset, int length) {
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = shape.clone();
        long n = checkedSize(this.shape);
        if ((long) length != n * dtype.byteSize()) {
            throw new IllegalArgumentException(
                    "a "
                            + dtype.numpyName()
                            + " tensor of shape "
                            + Arrays.toString(shape)
                            + " needs "
                            + n * dtype.byteSize()
                            + " bytes, got "
                            + length);
        }
        this.data = data;
        this.offset = offset;
        this.length = length;
    }

    private static long checkedSize(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(
                        "negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        "shape " + Arrays.toString(shape) + " is too large");
            }
        }
        return n;
    }

    /**
     * Wraps little-endian row-major bytes without copying. The caller must not modify {@code data}
     * afterwards.
     *
     * @throws IllegalArgumentException if the byte count does not match dtype and shape
     */
    public static Tensor wrap(DType dtype, byte[] data, int... shape) {
        return new Tensor(dtype, shape, data);
    }

    /** A tensor holding a copy of {@code data}. */
    public static Tensor of(DType dtype, byte[] data, int... shape) {
        return new Tensor(dtype, shape, data.clone());
    }

    /** A tensor of zeros. */
    public static Tensor zeros(DType dtype, int... shape) {
        return new Tensor(dtype, shape, new byte[(int) checkedSize(shape) * dtype.byteSize()]);
    }

    /**
     * A {@code uint8} tensor wrapping {@code pixels} (not copied), e.g. an {@code [H, W, 3]} image.
     */
    public static Tensor uint8(byte[] pixels, int... shape) {
        return new Tensor(DType.UINT8, shape, pixels);
    }

    /** An {@code int32} tensor with a copy of {@code values}. */
    public static Tensor int32(int[] values, int... shape) {
        ByteBuffer b = allocate(values.length * 4);
        b.asIntBuffer().put(values);
        return new Tensor(DType.INT32, shape, b.array());
    }

    /** An {@code int64} tensor with a copy of {@code values}. */
    public static Tensor int64(long[] values, int... shape) {
        ByteBuffer b = allocate(values.length * 8);
        b.asLongBuffer().put(values);
        return new Tensor(DType.INT64, shape, b.array());
    }

    /** A {@code float32} tensor with a copy of {@code values}. */
    public static Tensor float32(float[] values, int... shape) {
        ByteBuffer b = allocate(values.length * 4);
        b.asFloatBuffer().put(values);
        return new Tensor(DType.FLOAT32, shape, b.array());
    }

    /** A {@code float64} tensor with a copy of {@code values}. */
    public static Tensor float64(double[] values, int... shape) {
        ByteBuffer b = allocate(values.length * 8);
        b.asDoubleBuffer().put(values);
        return new Tensor(DType.FLOAT64, shape, b.array());
    }

    /** A {@code bool} tensor with a copy of {@code values}. */
    public static Tensor bool(boolean[] values, int... shape) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) (values[i] ? 1 : 0);
        }
        return new Tensor(DType.BOOL, shape, b);
    }

    private static ByteBuffer allocate(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Element type. */
    public DType dtype() {
        return dtype;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code axis}. */
    public int dim(int axis) {
        return shape[axis];
    }

    /** Number of elements. */
    public int size() {
        return length / dtype.byteSize();
    }

    /** Number of bytes of the buffer. */
    public int byteSize() {
        return length;
    }

    /** A read-only little-endian view of the buffer. */
    public ByteBuffer buffer() {
        return le().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A copy of the buffer. */
    public byte[] toByteArray() {
        return Arrays.copyOfRange(data, offset, offset + length);
    }

    /** Element {@code i} of the flattened tensor, as a double (exact for every dtype but int64). */
    public double getDouble(int i) {
        return switch (dtype) {
            case UINT8 -> data[offset + i] & 0xFF;
            case BOOL -> data[offset + i] != 0 ? 1 : 0;
            case INT32 -> le().getInt(i * 4);
            case INT64 -> le().getLong(i * 8);
            case FLOAT32 -> le().getFloat(i * 4);
            case FLOAT64 -> le().getDouble(i * 8);
        };
    }

    /**
     * Element {@code i} of the flattened tensor as a long.
     *
     * @throws IllegalStateException for a float tensor
     */
    public long getLong(int i) {
        return switch (dtype) {
            case UINT8 -> data[offset + i] & 0xFF;
            case BOOL -> data[offset + i] != 0 ? 1 : 0;
            case INT32 -> le().getInt(i * 4);
            case INT64 -> le().getLong(i * 8);
            case FLOAT32, FLOAT64 ->
                    throw new IllegalStateException(
                            "getLong on a " + dtype.numpyName() + " tensor");
        };
    }

    /** All elements as doubles. */
    public double[] toDoubleArray() {
        double[] out = new double[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = getDouble(i);
        }
        return out;
    }

    /** All elements as floats (rounded from wider types). */
    public float[] toFloatArray() {
        float[] out = new float[size()];
        if (dtype == DType.FLOAT32) {
            le().asFloatBuffer().get(out);
            return out;
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) getDouble(i);
        }
        return out;
    }

    /** All elements as booleans: non-zero is true (the form of numpy's {@code bool}). */
    public boolean[] toBooleanArray() {
        boolean[] out = new boolean[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = getDouble(i) != 0;
        }
        return out;
    }

    /** All elements as longs; see {@link #getLong(int)}. */
    public long[] toLongArray() {
        long[] out = new long[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = getLong(i);
        }
        return out;
    }

    /** The same data with another shape of the same element count. */
    public Tensor reshape(int... newShape) {
        if (checkedSize(newShape) != size()) {
            throw new IllegalArgumentException(
                    "cannot reshape "
                            + Arrays.toString(shape)
                            + " to "
                            + Arrays.toString(newShape));
        }
        return new Tensor(dtype, newShape, data, offset, length);
    }

    /**
     * Sub-tensor {@code i} along the first axis, e.g. frame {@code i} of a video. It shares this
     * tensor's bytes (tensors are immutable, so this is safe and costs no copy), and so keeps all
     * of them reachable: to keep one frame of a long video alone, copy it ({@code Tensor.of(dtype,
     * slice.toByteArray(), shape)}).
     */
    public Tensor slice(int i) {
        if (shape.length == 0) {
            throw new IllegalStateException("cannot slice a scalar tensor");
        }
        Objects.checkIndex(i, shape[0]);
        int stride = length / shape[0];
        return new Tensor(
                dtype,
                Arrays.copyOfRange(shape, 1, shape.length),
                data,
                offset + i * stride,
                stride);
    }

    /**
     * Stacks tensors of equal dtype and shape along a new first axis.
     *
     * @throws IllegalArgumentException if the list is empty or the tensors differ in dtype or shape
     */
    public static Tensor stack(List<Tensor> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("cannot stack an empty list of tensors");
        }
        Tensor first = parts.get(0);
        byte[] out = new byte[first.length * parts.size()];
        for (int i = 0; i < parts.size(); i++) {
            Tensor t = parts.get(i);
            if (t.dtype != first.dtype || !Arrays.equals(t.shape, first.shape)) {
                throw new IllegalArgumentException(
                        "cannot stack "
                                + t.describe()
                                + " at index "
                                + i
                                + " with "
                                + first.describe());
            }
            System.arraycopy(t.data, t.offset, out, i * first.length, first.length);
        }
        int[] shape = new int[first.shape.length + 1];
        shape[0] = parts.size();
        System.arraycopy(first.shape, 0, shape, 1, first.shape.length);
        return new Tensor(first.dtype, shape, out);
    }

    /** A short description such as {@code uint8[64, 64, 3]}. */
    public String describe() {
        return dtype.numpyName() + Arrays.toString(shape);
    }

    private ByteBuffer le() {
        return ByteBuffer.wrap(data, offset, length).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Equal when dtype, shape and every byte are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t
                && t.dtype == dtype
                && Arrays.equals(t.shape, shape)
                && Arrays.equals(
                        t.data, t.offset, t.offset + t.length, data, offset, offset + length);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = offset; i < offset + length; i++) {
            h = 31 * h + data[i];
        }
        return Objects.hash(dtype, Arrays.hashCode(shape), h);
    }

    @Override
    public String toString() {
        if (size() <= 8) {
            StringBuilder sb = new StringBuilder(describe()).append('{');
            for (int i = 0; i < size(); i++) {
                sb.append(i == 0 ? "" : ", ")
                        .append(dtype.isFloat() ? getDouble(i) : (Object) getLong(i));
            }
            return sb.append('}').toString();
        }
        return "Tensor" + describe();
    }
}
