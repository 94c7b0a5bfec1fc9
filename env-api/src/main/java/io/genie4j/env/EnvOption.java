package io.genie4j.env;

import java.util.List;
import java.util.Objects;

/**
 * One option an environment accepts at {@link Envs#make(String, java.util.Map)}, with its type,
 * default and meaning. Declaring options lets the registry reject unknown names and ill-typed
 * values with a message that lists what exists, and lets {@code genie4j envs} document them.
 *
 * @param name the option name, snake_case as in Procgen and Gymnasium ({@code distribution_mode})
 * @param type the value type
 * @param defaultValue the value used when the option is not given (may be {@code null})
 * @param choices for {@link Type#STRING}, the allowed values (empty for any string)
 * @param description one sentence for help output
 */
public record EnvOption(
        String name, Type type, Object defaultValue, List<String> choices, String description) {

    /** The value types an option may have. */
    public enum Type {
        /** A whole number; given as any integral {@code Number} or a decimal string. */
        INT,
        /** A real number; given as any {@code Number} or a numeric string. */
        DOUBLE,
        /** {@code true}/{@code false}; given as {@code Boolean} or the strings "true"/"false". */
        BOOLEAN,
        /** A string, optionally restricted to {@link EnvOption#choices()}. */
        STRING
    }

    /** Validates the declaration. */
    public EnvOption {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        choices = List.copyOf(choices);
        description = description == null ? "" : description;
    }

    /** An integer option. */
    public static EnvOption ofInt(String name, Integer defaultValue, String description) {
        return new EnvOption(name, Type.INT, defaultValue, List.of(), description);
    }

    /** A real-valued option. */
    public static EnvOption ofDouble(String name, Double defaultValue, String description) {
        return new EnvOption(name, Type.DOUBLE, defaultValue, List.of(), description);
    }

    /** A boolean option. */
    public static EnvOption ofBoolean(String name, boolean defaultValue, String description) {
        return new EnvOption(name, Type.BOOLEAN, defaultValue, List.of(), description);
    }

    /** A string option; with {@code choices}, only those values are accepted. */
    public static EnvOption ofString(
            String name, String defaultValue, String description, String... choices) {
        return new EnvOption(name, Type.STRING, defaultValue, List.of(choices), description);
    }

    /**
     * Converts a user-given value to this option's type.
     *
     * @throws IllegalArgumentException naming the option, the value and the expected type
     */
    public Object coerce(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return switch (type) {
                case INT -> {
                    if (value instanceof Number n
                            && n.doubleValue() == Math.rint(n.doubleValue())) {
                        yield Math.toIntExact(n.longValue());
                    } else if (value instanceof String s) {
                        yield Integer.parseInt(s.trim());
                    }
                    throw bad(value, "an integer");
                }
                case DOUBLE -> {
                    if (value instanceof Number n) {
                        yield n.doubleValue();
                    } else if (value instanceof String s) {
                        yield Double.parseDouble(s.trim());
                    }
                    throw bad(value, "a number");
                }
                case BOOLEAN -> {
                    if (value instanceof Boolean b) {
                        yield b;
                    } else if ("true".equals(value) || "false".equals(value)) {
                        yield Boolean.parseBoolean((String) value);
                    }
                    throw bad(value, "true or false");
                }
                case STRING -> {
                    String s = value.toString();
                    if (!choices.isEmpty() && !choices.contains(s)) {
                        throw bad(value, "one of " + choices);
                    }
                    yield s;
                }
            };
        } catch (NumberFormatException | ArithmeticException e) {
            throw bad(value, type == Type.INT ? "an integer" : "a number");
        }
    }

    private IllegalArgumentException bad(Object value, String expected) {
        return new IllegalArgumentException(
                "option " + name + " = " + value + " is invalid: expected " + expected);
    }
}
