package io.genie4j.env.spaces;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A named product of spaces, as Gymnasium's {@code Dict}: values are {@code Map<String, Object>}
 * with exactly the same keys, each value in its sub-space. Key order is kept. JSON: {@code
 * {"type":"Dict","spaces":{"image":{...},"step":{...}}}}.
 */
public final class Dict implements Space<Map<String, Object>> {
    private final Map<String, Space<?>> spaces;

    /**
     * @param spaces the sub-spaces by name, at least one; iteration order is kept
     */
    public Dict(Map<String, ? extends Space<?>> spaces) {
        if (spaces.isEmpty()) {
            throw new IllegalArgumentException("Dict needs at least one sub-space");
        }
        this.spaces = Collections.unmodifiableMap(new LinkedHashMap<>(spaces));
    }

    /** The sub-spaces by name, in order (unmodifiable). */
    public Map<String, Space<?>> spaces() {
        return spaces;
    }

    @Override
    public String whyNotContained(Object value) {
        if (!(value instanceof Map<?, ?> m)) {
            return (value == null ? "null" : "a " + value.getClass().getSimpleName())
                    + " is not a map of "
                    + this;
        }
        if (!m.keySet().equals(spaces.keySet())) {
            return "keys " + m.keySet() + " do not match " + spaces.keySet() + " of " + this;
        }
        for (Map.Entry<String, Space<?>> e : spaces.entrySet()) {
            String why = e.getValue().whyNotContained(m.get(e.getKey()));
            if (why != null) {
                return "['" + e.getKey() + "']: " + why;
            }
        }
        return null;
    }

    @Override
    public Map<String, Object> sample(RandomGenerator rng) {
        Map<String, Object> m = new LinkedHashMap<>();
        spaces.forEach((k, s) -> m.put(k, s.sample(rng)));
        return m;
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> sub = new LinkedHashMap<>();
        spaces.forEach((k, s) -> sub.put(k, s.toJson()));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "Dict");
        m.put("spaces", sub);
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dict d && d.spaces.equals(spaces);
    }

    @Override
    public int hashCode() {
        return spaces.hashCode();
    }

    @Override
    public String toString() {
        return "Dict(" + spaces + ")";
    }
}
