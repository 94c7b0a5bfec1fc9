package io.genie4j.env.spaces;

import io.genie4j.env.DType;
import io.genie4j.env.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A box in R^n, as Gymnasium's {@code Box(low, high, shape, dtype)}: tensors of one dtype and shape
 * whose every element lies in {@code [low[i], high[i]]}. Bounds may be infinite for float dtypes.
 *
 * <p>JSON: {@code {"type":"Box","shape":[64,64,3],"dtype":"uint8","low":0,"high":255}}; {@code low}
 * and {@code high} are a single number when every element shares it and a flat row-major list
 * otherwise; infinite bounds are the strings {@code "inf"} and {@code "-inf"}.
 */
public final class Box implements Space<Tensor> {
    private final double[] low;
    private final double[] high;
    private final int[] shape;
    private final DType dtype;

    private Box(double[] low, double[] high, int[] shape, DType dtype) {
        this.low = low;
        this.high = high;
        this.shape = shape.clone();
        this.dtype = dtype;
        for (int i = 0; i < low.length; i++) {
            if (Double.isNaN(low[i]) || Double.isNaN(high[i]) || low[i] > high[i]) {
                throw new IllegalArgumentException(
                        "Box bound " + i + " is invalid: low " + low[i] + ", high " + high[i]);
            }
            if (!dtype.isFloat() && (Double.isInfinite(low[i]) || Double.isInfinite(high[i]))) {
                throw new IllegalArgumentException(
                        "a "
                                + dtype.numpyName()
                                + " Box needs finite bounds, got ["
                                + low[i]
                                + ", "
                                + high[i]
                                + "]");
            }
        }
    }

    /** A box whose elements all share the bounds {@code [low, high]}. */
    public static Box of(double low, double high, DType dtype, int... shape) {
        int n = Tensor.zeros(DType.BOOL, shape).size();
        double[] lo = new double[n];
        double[] hi = new double[n];
        Arrays.fill(lo, low);
        Arrays.fill(hi, high);
        return new Box(lo, hi, shape, dtype);
    }

    /** A box with per-element bounds, given flat in row-major order. */
    public static Box of(double[] low, double[] high, DType dtype, int... shape) {
        int n = Tensor.zeros(DType.BOOL, shape).size();
        if (low.length != n || high.length != n) {
            throw new IllegalArgumentException(
                    "Box of shape "
                            + Arrays.toString(shape)
                            + " needs "
                            + n
                            + " bounds, got "
                            + low.length
                            + " low and "
                            + high.length
                            + " high");
        }
        return new Box(low.clone(), high.clone(), shape, dtype);
    }

    /** The space of {@code height × width × 3} uint8 RGB images. */
    public static Box image(int height, int width) {
        return of(0, 255, DType.UINT8, height, width, 3);
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** The element type. */
    public DType dtype() {
        return dtype;
    }

    /** A copy of the flat lower bounds. */
    public double[] low() {
        return low.clone();
    }

    /** A copy of the flat upper bounds. */
    public double[] high() {
        return high.clone();
    }

    @Override
    public String whyNotContained(Object value) {
        if (!(value instanceof Tensor t)) {
            return (value == null ? "null" : "a " + value.getClass().getSimpleName())
                    + " is not a tensor of "
                    + this;
        }
        if (t.dtype() != dtype || !Arrays.equals(t.shape(), shape)) {
            return "tensor " + t.describe() + " does not match " + this;
        }
        if (dtype == DType.UINT8 && isUniform(0, 255)) {
            return null;
        }
        for (int i = 0; i < low.length; i++) {
            double v = t.getDouble(i);
            if (!(v >= low[i] && v <= high[i])) {
                return "element "
                        + i
                        + " = "
                        + v
                        + " is outside ["
                        + low[i]
                        + ", "
                        + high[i]
                        + "] of "
                        + this;
            }
        }
        return null;
    }

    private boolean isUniform(double lo, double hi) {
        for (int i = 0; i < low.length; i++) {
            if (low[i] > lo || high[i] < hi) {
                return false;
            }
        }
        return true;
    }

    /**
     * Samples each element independently, as Gymnasium does: uniform on a bounded interval
     * (integers inclusive of both ends), normal where unbounded both ways, shifted exponential
     * where bounded on one side.
     */
    @Override
    public Tensor sample(RandomGenerator rng) {
        double[] v = new double[low.length];
        for (int i = 0; i < v.length; i++) {
            double lo = low[i];
            double hi = high[i];
            if (dtype.isInteger() || dtype == DType.BOOL) {
                v[i] = lo + rng.nextLong((long) hi - (long) lo + 1);
            } else if (Double.isFinite(lo) && Double.isFinite(hi)) {
                v[i] = lo + rng.nextDouble() * (hi - lo);
            } else if (Double.isFinite(lo)) {
                v[i] = lo + rng.nextExponential();
            } else if (Double.isFinite(hi)) {
                v[i] = hi - rng.nextExponential();
            } else {
                v[i] = rng.nextGaussian();
            }
        }
        return switch (dtype) {
            case FLOAT64 -> Tensor.float64(v, shape);
            case FLOAT32 -> {
                float[] f = new float[v.length];
                for (int i = 0; i < f.length; i++) {
                    // Rounding may step just past a bound; clamp back inside.
                    f[i] = (float) Math.min(Math.max(v[i], low[i]), high[i]);
                }
                yield Tensor.float32(f, shape);
            }
            case INT64 -> Tensor.int64(Arrays.stream(v).mapToLong(d -> (long) d).toArray(), shape);
            case INT32 -> Tensor.int32(Arrays.stream(v).mapToInt(d -> (int) d).toArray(), shape);
            case UINT8, BOOL -> {
                byte[] b = new byte[v.length];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) (int) v[i];
                }
                yield Tensor.wrap(dtype, b, shape);
            }
        };
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "Box");
        m.put("shape", Arrays.stream(shape).boxed().toList());
        m.put("dtype", dtype.numpyName());
        m.put("low", boundJson(low));
        m.put("high", boundJson(high));
        return m;
    }

    private static Object boundJson(double[] b) {
        if (b.length > 0 && Arrays.stream(b).allMatch(x -> x == b[0] || Double.isNaN(b[0]))) {
            return number(b[0]);
        }
        List<Object> l = new ArrayList<>(b.length);
        for (double x : b) {
            l.add(number(x));
        }
        return l;
    }

    private static Object number(double x) {
        if (x == Double.POSITIVE_INFINITY) {
            return "inf";
        } else if (x == Double.NEGATIVE_INFINITY) {
            return "-inf";
        } else if (x == Math.rint(x) && Math.abs(x) < 1e15) {
            return (long) x;
        }
        return x;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Box b
                && b.dtype == dtype
                && Arrays.equals(b.shape, shape)
                && Arrays.equals(b.low, low)
                && Arrays.equals(b.high, high);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape) * 31 + dtype.hashCode();
    }

    @Override
    public String toString() {
        String lo =
                low.length > 0 && Arrays.stream(low).allMatch(x -> x == low[0]) ? fmt(low[0]) : "…";
        String hi =
                high.length > 0 && Arrays.stream(high).allMatch(x -> x == high[0])
                        ? fmt(high[0])
                        : "…";
        return "Box("
                + lo
                + ", "
                + hi
                + ", "
                + Arrays.toString(shape)
                + ", "
                + dtype.numpyName()
                + ")";
    }

    private static String fmt(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e15
                ? Long.toString((long) x)
                : Double.toString(x);
    }
}
