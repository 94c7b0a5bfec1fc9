package io.genie4j.env.registry;

import io.genie4j.env.Env;
import io.genie4j.env.EnvSpec;
import io.genie4j.env.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The validated options an env is made with: every declared {@link EnvOption}, each either given by
 * the user (converted to its type) or its default. Handed to an {@link EnvRegistration}'s factory.
 */
public final class EnvOptions {
    private final EnvSpec spec;
    private final Map<String, Object> values;

    private EnvOptions(EnvSpec spec, Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        Map<String, Object> described = new LinkedHashMap<>(values);
        // The spec describes an image given as pixels instead of carrying them (it travels in
        // every make reply and lands in JSON files).
        described.replaceAll(
                (k, v) ->
                        v instanceof Tensor t
                                ? "pixels " + t.dim(0) + "x" + t.dim(1) + " (given as a tensor)"
                                : v);
        this.spec = spec.withOptions(described);
    }

    /**
     * Options for the registration {@code reg}: each declared option takes its value from {@code
     * given} (converted to its type) or its default.
     *
     * @throws IllegalArgumentException for an option {@code reg} does not declare (the message
     *     lists those it does) or a value of the wrong type
     */
    public static EnvOptions resolve(EnvRegistration reg, Map<String, ?> given) {
        Map<String, EnvOption> declared = new LinkedHashMap<>();
        reg.options().forEach(o -> declared.put(o.name(), o));
        for (String name : given.keySet()) {
            if (!declared.containsKey(name)) {
                throw new IllegalArgumentException(
                        "unknown option '"
                                + name
                                + "' for "
                                + reg.id()
                                + "; known options: "
                                + (declared.isEmpty()
                                        ? "(none)"
                                        : String.join(", ", declared.keySet())));
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (EnvOption o : declared.values()) {
            values.put(
                    o.name(),
                    given.containsKey(o.name()) ? o.coerce(given.get(o.name())) : o.defaultValue());
        }
        return new EnvOptions(reg.spec(), values);
    }

    /**
     * The spec of the env these options make: the registration's spec with {@link
     * EnvSpec#options()} set to these values. Envs return it from {@link Env#spec()}.
     */
    public EnvSpec spec() {
        return spec;
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

    /** An option's value as it is: e.g. a {@link Tensor} or a path string for an image option. */
    public Object get(String name) {
        return require(name);
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
