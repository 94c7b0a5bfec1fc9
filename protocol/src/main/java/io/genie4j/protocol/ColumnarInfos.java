package io.genie4j.protocol;

import io.genie4j.env.DType;
import io.genie4j.env.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The columnar form of a batch's infos (PROTOCOL.md §4, 1.1), Gymnasium's vector form: for each key
 * that any env's info has, {@code key} holds one value per env and {@code _key} a {@code bool [N]}
 * mask of the envs that have it. Booleans, integers and numbers travel as one {@code bool}, {@code
 * int64} or {@code float64} tensor {@code [N]}, tensors of one dtype and shape as one tensor {@code
 * [N, ...]}, anything else as a JSON list of N values ({@code null} where absent). Absent entries
 * of a tensor column are zero.
 */
final class ColumnarInfos {
    /** The value of {@code make}'s {@code "infos"} field that asks for this form. */
    static final String NAME = "columnar";

    private ColumnarInfos() {}

    /** The columns of {@code infos}, one map per env. */
    static Map<String, Object> encode(List<Map<String, Object>> infos) {
        int n = infos.size();
        Set<String> keys = new LinkedHashSet<>();
        infos.forEach(i -> keys.addAll(i.keySet()));
        Map<String, Object> out = new LinkedHashMap<>();
        for (String k : keys) {
            boolean[] mask = new boolean[n];
            List<Object> present = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (infos.get(i).containsKey(k)) {
                    mask[i] = true;
                    present.add(infos.get(i).get(k));
                }
            }
            out.put(k, column(infos, k, mask, present));
            out.put("_" + k, Tensor.bool(mask, n));
        }
        return out;
    }

    private static Object column(
            List<Map<String, Object>> infos, String k, boolean[] mask, List<Object> present) {
        int n = mask.length;
        if (all(present, Boolean.class)) {
            boolean[] v = new boolean[n];
            for (int i = 0; i < n; i++) {
                v[i] = mask[i] && (Boolean) infos.get(i).get(k);
            }
            return Tensor.bool(v, n);
        }
        if (present.stream().allMatch(ColumnarInfos::integral)) {
            long[] v = new long[n];
            for (int i = 0; i < n; i++) {
                v[i] = mask[i] ? ((Number) infos.get(i).get(k)).longValue() : 0;
            }
            return Tensor.int64(v, n);
        }
        if (present.stream()
                .allMatch(o -> integral(o) || o instanceof Double || o instanceof Float)) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = mask[i] ? ((Number) infos.get(i).get(k)).doubleValue() : 0;
            }
            return Tensor.float64(v, n);
        }
        if (all(present, Tensor.class) && sameKind(present)) {
            Tensor first = (Tensor) present.get(0);
            Tensor zero = Tensor.zeros(first.dtype(), first.shape());
            List<Tensor> rows = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                rows.add(mask[i] ? (Tensor) infos.get(i).get(k) : zero);
            }
            return Tensor.stack(rows);
        }
        List<Object> v = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            v.add(mask[i] ? infos.get(i).get(k) : null);
        }
        return v;
    }

    private static boolean integral(Object o) {
        return o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte;
    }

    private static boolean all(List<Object> values, Class<?> type) {
        return values.stream().allMatch(type::isInstance);
    }

    private static boolean sameKind(List<Object> tensors) {
        Tensor first = (Tensor) tensors.get(0);
        return tensors.stream()
                .map(Tensor.class::cast)
                .allMatch(
                        t -> t.dtype() == first.dtype() && Arrays.equals(t.shape(), first.shape()));
    }

    /**
     * One info map per env from columns (as {@link #encode} writes them): integers as {@code
     * Integer} when they fit, as the JSON form gives them.
     *
     * @throws ProtocolException ({@link ErrorCode#INTERNAL}) if a column or mask is malformed
     */
    static List<Map<String, Object>> decode(Object wire, int n) {
        if (!(wire instanceof Map<?, ?> columns)) {
            throw malformed("infos are not an object of columns");
        }
        List<Map<String, Object>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new LinkedHashMap<>());
        }
        for (Map.Entry<?, ?> e : columns.entrySet()) {
            String k = String.valueOf(e.getKey());
            if (k.startsWith("_") && columns.containsKey(k.substring(1))) {
                continue;
            }
            if (!(columns.get("_" + k) instanceof Tensor mask)
                    || mask.dtype() != DType.BOOL
                    || mask.size() != n) {
                throw malformed("info column " + k + " has no bool [" + n + "] mask _" + k);
            }
            Object col = e.getValue();
            for (int i = 0; i < n; i++) {
                if (mask.getLong(i) != 0) {
                    out.get(i).put(k, element(col, i, n, k));
                }
            }
        }
        return out;
    }

    private static Object element(Object col, int i, int n, String k) {
        if (col instanceof List<?> l && l.size() == n) {
            return l.get(i);
        }
        if (!(col instanceof Tensor t) || t.shape().length == 0 || t.shape()[0] != n) {
            throw malformed("info column " + k + " is not a list or tensor of " + n + " values");
        }
        if (t.shape().length > 1) {
            return t.slice(i);
        }
        return switch (t.dtype()) {
            case BOOL -> t.getLong(i) != 0;
            case FLOAT32, FLOAT64 -> t.getDouble(i);
            default -> {
                long v = t.getLong(i);
                yield v == (int) v ? (Object) (int) v : (Object) v;
            }
        };
    }

    private static ProtocolException malformed(String message) {
        return new ProtocolException(ErrorCode.INTERNAL, "malformed reply: " + message);
    }
}
