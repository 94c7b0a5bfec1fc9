package io.genie4j.protocol;

import io.genie4j.env.DType;
import io.genie4j.env.Tensor;
import io.genie4j.env.spaces.Box;
import io.genie4j.env.spaces.Dict;
import io.genie4j.env.spaces.Discrete;
import io.genie4j.env.spaces.MultiDiscrete;
import io.genie4j.env.spaces.Space;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between per-env values and the batched wire form of PROTOCOL.md §4: observations and
 * actions of {@code N} envs travel as one tensor with a leading axis {@code N} ({@code int64 [N]}
 * for {@code Discrete}, an object of batches for {@code Dict}).
 */
final class Batches {
    private Batches() {}

    /** Batches one value per env into the wire form. */
    static Object batch(Space<?> space, List<?> values) {
        if (space instanceof Discrete) {
            long[] v = new long[values.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = ((Number) values.get(i)).longValue();
            }
            return Tensor.int64(v, v.length);
        } else if (space instanceof Dict d) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<String, Space<?>> e : d.spaces().entrySet()) {
                out.put(e.getKey(), batch(e.getValue(), entries(values, e.getKey())));
            }
            return out;
        }
        List<Tensor> ts = new ArrayList<>(values.size());
        values.forEach(v -> ts.add((Tensor) v));
        return Tensor.stack(ts);
    }

    /** Entry {@code key} of each env's {@code Dict} value, in env order. */
    private static List<Object> entries(List<?> values, String key) {
        List<Object> part = new ArrayList<>(values.size());
        for (Object v : values) {
            part.add(((Map<?, ?>) v).get(key));
        }
        return part;
    }

    /**
     * The bytes that {@link #batchInto} writes for {@code n} envs: those of every {@code Box} in
     * the space ({@code Discrete} values are small and stay in buffer frames).
     */
    static long sharedBytes(Space<?> space, int n) {
        if (space instanceof Box b) {
            long count = n;
            for (int d : b.shape()) {
                count *= d;
            }
            return count * b.dtype().byteSize();
        } else if (space instanceof Dict d) {
            long sum = 0;
            for (Space<?> s : d.spaces().values()) {
                sum += sharedBytes(s, n);
            }
            return sum;
        }
        return 0;
    }

    /**
     * As {@link #batch}, but writes every {@code Box} batch into {@code shm} (from offset 0, in the
     * order {@link #sharedBytes} counts them) and puts a {@code "$shm"} reference in its place.
     *
     * @throws ProtocolException ({@link ErrorCode#INTERNAL}) if an env's observation does not match
     *     its space's dtype and shape
     */
    static Object batchInto(Space<?> space, List<?> values, SharedMemory shm) {
        return batchInto(space, values, shm, new int[1]);
    }

    private static Object batchInto(Space<?> space, List<?> values, SharedMemory shm, int[] at) {
        if (space instanceof Box b) {
            int start = at[0];
            for (int i = 0; i < values.size(); i++) {
                if (!(values.get(i) instanceof Tensor t)
                        || t.dtype() != b.dtype()
                        || !Arrays.equals(t.shape(), b.shape())) {
                    throw new ProtocolException(
                            ErrorCode.INTERNAL,
                            "env "
                                    + i
                                    + " returned an observation outside its space "
                                    + b.dtype().numpyName()
                                    + Arrays.toString(b.shape()));
                }
                shm.write(at[0], t);
                at[0] += t.byteSize();
            }
            return SharedMemory.reference(start, b.dtype(), prepend(values.size(), b.shape()));
        } else if (space instanceof Dict d) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<String, Space<?>> e : d.spaces().entrySet()) {
                out.put(e.getKey(), batchInto(e.getValue(), entries(values, e.getKey()), shm, at));
            }
            return out;
        }
        return batch(space, values);
    }

    /**
     * Splits the wire form back into {@code n} per-env values, checking dtype and shape against the
     * space (containment itself is the env's to check).
     *
     * @param what names the field in error messages
     * @throws ProtocolException ({@link ErrorCode#INVALID_ARGUMENT}) naming the mismatch
     */
    static List<Object> unbatch(Space<?> space, Object wire, int n, String what) {
        List<Object> out = new ArrayList<>(n);
        if (space instanceof Discrete) {
            if (wire instanceof List<?> l) {
                if (l.size() != n) {
                    throw invalid(what + " has " + l.size() + " entries for " + n + " envs");
                }
                for (Object o : l) {
                    if (!(o instanceof Integer || o instanceof Long)) {
                        throw invalid(what + " must hold integers, got " + o);
                    }
                    out.add(
                            ((Number) o).intValue() == ((Number) o).longValue()
                                    ? ((Number) o).intValue()
                                    : o);
                }
                return out;
            }
            Tensor t = integerTensor(wire, what, n, new int[0]);
            for (int i = 0; i < n; i++) {
                long v = t.getLong(i);
                out.add(v == (int) v ? (Object) (int) v : (Object) v);
            }
            return out;
        } else if (space instanceof MultiDiscrete m) {
            Tensor t = integerTensor(wire, what, n, new int[] {m.nvec().length});
            for (int i = 0; i < n; i++) {
                Tensor row = t.slice(i);
                out.add(
                        row.dtype() == DType.INT64
                                ? row
                                : Tensor.int64(row.toLongArray(), row.shape()));
            }
            return out;
        } else if (space instanceof Box b) {
            Tensor t = tensor(wire, what);
            int[] expect = prepend(n, b.shape());
            if (t.dtype() != b.dtype() || !Arrays.equals(t.shape(), expect)) {
                throw invalid(
                        what
                                + " must be "
                                + b.dtype().numpyName()
                                + " "
                                + Arrays.toString(expect)
                                + ", got "
                                + t.describe());
            }
            for (int i = 0; i < n; i++) {
                out.add(t.slice(i));
            }
            return out;
        } else if (space instanceof Dict d) {
            if (!(wire instanceof Map<?, ?> m) || !m.keySet().equals(d.spaces().keySet())) {
                throw invalid(what + " must be an object with keys " + d.spaces().keySet());
            }
            List<Map<String, Object>> maps = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                maps.add(new LinkedHashMap<>());
            }
            for (Map.Entry<String, Space<?>> e : d.spaces().entrySet()) {
                List<Object> part =
                        unbatch(e.getValue(), m.get(e.getKey()), n, what + "." + e.getKey());
                for (int i = 0; i < n; i++) {
                    maps.get(i).put(e.getKey(), part.get(i));
                }
            }
            out.addAll(maps);
            return out;
        }
        throw invalid(what + ": unsupported space " + space);
    }

    private static Tensor tensor(Object wire, String what) {
        if (!(wire instanceof Tensor t)) {
            throw invalid(
                    what + " must be a tensor reference, got " + (wire == null ? "nothing" : wire));
        }
        return t;
    }

    private static Tensor integerTensor(Object wire, String what, int n, int[] inner) {
        Tensor t = tensor(wire, what);
        int[] expect = prepend(n, inner);
        if (!t.dtype().isInteger() || !Arrays.equals(t.shape(), expect)) {
            throw invalid(
                    what
                            + " must be an integer tensor of shape "
                            + Arrays.toString(expect)
                            + ", got "
                            + t.describe());
        }
        return t;
    }

    private static int[] prepend(int n, int[] shape) {
        int[] s = new int[shape.length + 1];
        s[0] = n;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }

    private static ProtocolException invalid(String message) {
        return new ProtocolException(ErrorCode.INVALID_ARGUMENT, message);
    }
}
