package io.genie4j.env.spaces;

import io.genie4j.env.DType;
import io.genie4j.env.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A vector of independent discrete choices, as Gymnasium's {@code MultiDiscrete(nvec, start)}:
 * {@code int64} tensors of shape {@code [k]} whose element {@code i} lies in {@code [start[i],
 * start[i] + nvec[i])}. JSON: {@code {"type":"MultiDiscrete","nvec":[3,2],"start":[0,0]}}.
 */
public final class MultiDiscrete implements Space<Tensor> {
    private final long[] nvec;
    private final long[] start;

    /**
     * @param nvec the number of choices of each element, each at least 1
     * @param start the smallest value of each element
     */
    public MultiDiscrete(long[] nvec, long[] start) {
        if (nvec.length == 0 || nvec.length != start.length) {
            throw new IllegalArgumentException(
                    "MultiDiscrete needs a non-empty nvec and a start of the same length, got "
                            + Arrays.toString(nvec)
                            + " and "
                            + Arrays.toString(start));
        }
        for (long n : nvec) {
            if (n < 1) {
                throw new IllegalArgumentException(
                        "MultiDiscrete needs every nvec >= 1, got " + Arrays.toString(nvec));
            }
        }
        this.nvec = nvec.clone();
        this.start = start.clone();
    }

    /** {@code MultiDiscrete(nvec)} with every element starting at 0. */
    public MultiDiscrete(long... nvec) {
        this(nvec, new long[nvec.length]);
    }

    /** A copy of the choice counts. */
    public long[] nvec() {
        return nvec.clone();
    }

    /** A copy of the smallest values. */
    public long[] start() {
        return start.clone();
    }

    @Override
    public String whyNotContained(Object value) {
        if (!(value instanceof Tensor t)) {
            return (value == null ? "null" : "a " + value.getClass().getSimpleName())
                    + " is not a tensor of "
                    + this;
        }
        if (t.dtype() != DType.INT64 || t.rank() != 1 || t.dim(0) != nvec.length) {
            return "tensor "
                    + t.describe()
                    + " does not match "
                    + this
                    + " (int64["
                    + nvec.length
                    + "])";
        }
        for (int i = 0; i < nvec.length; i++) {
            long v = t.getLong(i);
            if (v < start[i] || v >= start[i] + nvec[i]) {
                return "element "
                        + i
                        + " = "
                        + v
                        + " is outside ["
                        + start[i]
                        + ", "
                        + (start[i] + nvec[i])
                        + ") of "
                        + this;
            }
        }
        return null;
    }

    @Override
    public Tensor sample(RandomGenerator rng) {
        long[] v = new long[nvec.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = start[i] + rng.nextLong(nvec[i]);
        }
        return Tensor.int64(v, v.length);
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "MultiDiscrete");
        m.put("nvec", Arrays.stream(nvec).boxed().toList());
        m.put("start", Arrays.stream(start).boxed().toList());
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MultiDiscrete m
                && Arrays.equals(m.nvec, nvec)
                && Arrays.equals(m.start, start);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(nvec) * 31 + Arrays.hashCode(start);
    }

    @Override
    public String toString() {
        return "MultiDiscrete("
                + Arrays.toString(nvec)
                + (Arrays.stream(start).allMatch(s -> s == 0)
                        ? ""
                        : ", start=" + Arrays.toString(start))
                + ")";
    }
}
