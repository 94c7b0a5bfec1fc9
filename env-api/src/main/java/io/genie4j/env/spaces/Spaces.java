package io.genie4j.env.spaces;

import io.genie4j.env.DType;
import io.genie4j.env.Json;
import io.genie4j.env.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads spaces back from their JSON form ({@link Space#toJson()}). */
public final class Spaces {
    private Spaces() {}

    /**
     * Parses a space from JSON text.
     *
     * @throws IllegalArgumentException if the text is not a valid space
     */
    public static Space<?> fromJson(String json) {
        return fromJson(Json.parseObject(json));
    }

    /**
     * Builds a space from its JSON map (as produced by {@link Json#parse(String)} or Jackson).
     *
     * @throws IllegalArgumentException naming the missing or malformed field
     */
    public static Space<?> fromJson(Map<String, ?> json) {
        Object type = json.get("type");
        if (!(type instanceof String t)) {
            throw new IllegalArgumentException("space JSON needs a string \"type\", got " + json);
        }
        switch (t) {
            case "Discrete":
                return new Discrete(
                        intField(json, "n"),
                        json.containsKey("start") ? intField(json, "start") : 0);
            case "Box":
                {
                    int[] shape = toIntArray(listField(json, "shape"), "shape");
                    DType dtype = DType.fromNumpyName(stringField(json, "dtype"));
                    int n = Tensor.zeros(DType.BOOL, shape).size();
                    return Box.of(
                            bounds(json.get("low"), n, "low"),
                            bounds(json.get("high"), n, "high"),
                            dtype,
                            shape);
                }
            case "MultiDiscrete":
                {
                    long[] nvec = toLongArray(listField(json, "nvec"), "nvec");
                    long[] start =
                            json.containsKey("start")
                                    ? toLongArray(listField(json, "start"), "start")
                                    : new long[nvec.length];
                    return new MultiDiscrete(nvec, start);
                }
            case "Dict":
                {
                    Object sub = json.get("spaces");
                    if (!(sub instanceof Map<?, ?> m)) {
                        throw new IllegalArgumentException("Dict JSON needs an object \"spaces\"");
                    }
                    Map<String, Space<?>> spaces = new LinkedHashMap<>();
                    for (Map.Entry<?, ?> e : m.entrySet()) {
                        if (!(e.getValue() instanceof Map<?, ?> sm)) {
                            throw new IllegalArgumentException(
                                    "Dict sub-space '" + e.getKey() + "' is not an object");
                        }
                        @SuppressWarnings("unchecked")
                        Map<String, ?> typed = (Map<String, ?>) sm;
                        spaces.put(String.valueOf(e.getKey()), fromJson(typed));
                    }
                    return new Dict(spaces);
                }
            default:
                throw new IllegalArgumentException(
                        "unknown space type '"
                                + t
                                + "'; expected Discrete, Box, MultiDiscrete or Dict");
        }
    }

    private static int intField(Map<String, ?> json, String key) {
        Object v = json.get(key);
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new IllegalArgumentException(
                    "space JSON field \"" + key + "\" must be an integer, got " + v);
        }
        return Math.toIntExact(n.longValue());
    }

    private static String stringField(Map<String, ?> json, String key) {
        Object v = json.get(key);
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException(
                    "space JSON field \"" + key + "\" must be a string, got " + v);
        }
        return s;
    }

    private static List<?> listField(Map<String, ?> json, String key) {
        Object v = json.get(key);
        if (!(v instanceof List<?> l)) {
            throw new IllegalArgumentException(
                    "space JSON field \"" + key + "\" must be an array, got " + v);
        }
        return l;
    }

    private static int[] toIntArray(List<?> l, String what) {
        int[] a = new int[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.toIntExact((long) number(l.get(i), what));
        }
        return a;
    }

    private static long[] toLongArray(List<?> l, String what) {
        long[] a = new long[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = (long) number(l.get(i), what);
        }
        return a;
    }

    private static double[] bounds(Object v, int n, String what) {
        double[] a = new double[n];
        if (v instanceof List<?> l) {
            if (l.size() != n) {
                throw new IllegalArgumentException(
                        "Box \"" + what + "\" has " + l.size() + " values, expected " + n);
            }
            for (int i = 0; i < n; i++) {
                a[i] = number(l.get(i), what);
            }
        } else {
            java.util.Arrays.fill(a, number(v, what));
        }
        return a;
    }

    private static double number(Object v, String what) {
        if (v instanceof Number n) {
            return n.doubleValue();
        } else if ("inf".equals(v) || "+inf".equals(v)) {
            return Double.POSITIVE_INFINITY;
        } else if ("-inf".equals(v)) {
            return Double.NEGATIVE_INFINITY;
        }
        throw new IllegalArgumentException(
                "space JSON \"" + what + "\" must hold numbers (or \"inf\"/\"-inf\"), got " + v);
    }
}
