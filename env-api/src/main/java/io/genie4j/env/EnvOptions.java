package io.genie4j.env;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The validated options an env is made with: every declared {@link EnvOption}, each either given by
 * the user (converted to its type) or its default. Handed to an {@link EnvRegistration}'s factory.
 */
public final class EnvOptions {
    private final Map<String, Object> values;

    EnvOptions(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** Options with exactly these already-typed values, for code that builds envs directly. */
    public static EnvOptions of(Map<String, Object> values) {
        return new EnvOptions(values);
    }

    /**
     * Every option with its value (unmodifiable); the form recorded in {@link EnvSpec#options()}.
     */
    public Map<String, Object> asMap() {
        return values;
    }

    /** Whether the option has a non-null value. */
    public boolean has(String name) {
        return values.get(name) != null;
    }

    /** An integer option's value. */
    public int getInt(String name) {
        return ((Number) require(name)).intValue();
    }

    /** A real option's value. */
    public double getDouble(String name) {
        return ((Number) require(name)).doubleValue();
    }

    /** A boolean option's value. */
    public boolean getBoolean(String name) {
        return (Boolean) require(name);
    }

    /** A string option's value. */
    public String getString(String name) {
        return (String) require(name);
    }

    private Object require(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException(
                    "option " + name + " has no value; options: " + values.keySet());
        }
        return v;
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
