package io.genie4j.env.spaces;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The integers {@code start, start + 1, ..., start + n - 1}, as Gymnasium's {@code Discrete(n,
 * start)}. Values are {@code Integer}s; {@code Long}, {@code Short} and {@code Byte} values in
 * range are also contained. JSON: {@code {"type":"Discrete","n":15,"start":0}}.
 *
 * @param n the number of elements, at least 1
 * @param start the smallest element
 */
public record Discrete(int n, int start) implements Space<Integer> {

    /** Validates {@code n}. */
    public Discrete {
        if (n < 1) {
            throw new IllegalArgumentException("Discrete needs n >= 1, got " + n);
        }
    }

    /** {@code Discrete(n)} starting at 0. */
    public Discrete(int n) {
        this(n, 0);
    }

    @Override
    public String whyNotContained(Object value) {
        if (!(value instanceof Integer
                || value instanceof Long
                || value instanceof Short
                || value instanceof Byte)) {
            return (value == null ? "null" : value + " (" + value.getClass().getSimpleName() + ")")
                    + " is not an integer of "
                    + this;
        }
        long v = ((Number) value).longValue();
        return v >= start && v < (long) start + n ? null : v + " is outside " + this;
    }

    @Override
    public Integer sample(RandomGenerator rng) {
        return start + rng.nextInt(n);
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "Discrete");
        m.put("n", n);
        m.put("start", start);
        return m;
    }

    @Override
    public String toString() {
        return start == 0 ? "Discrete(" + n + ")" : "Discrete(" + n + ", start=" + start + ")";
    }
}
