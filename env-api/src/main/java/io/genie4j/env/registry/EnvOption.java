package io.genie4j.env.registry;

import io.genie4j.env.DType;
import io.genie4j.env.Tensor;
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
 * @param choices for {@link Type#STRING}, the allowed values (empty for any string); for {@link
 *     Type#PATH} and {@link Type#IMAGE}, the names accepted besides paths (such as {@code ""} for
 *     "the shipped model" or {@code coinrun} for a prompt source): they are never looked up as
 *     files
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
        STRING,
        /**
         * A file or directory on the machine that runs the env, given as a string, or one of the
         * names in {@link EnvOption#choices()}. A server refuses paths that arrive over the wire
         * unless its operator allowed their directory.
         */
        PATH,
        /**
         * An image: a path to an image file or one of the names in {@link EnvOption#choices()}
         * (strings, as {@link #PATH}), or the pixels themselves as a uint8 {@link Tensor} {@code
         * [H, W, 3]} (RGB).
         */
        IMAGE
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
     * A path option: a file or directory on the env's machine, or one of {@code names}, which are
     * not paths.
     */
    public static EnvOption ofPath(
            String name, String defaultValue, String description, String... names) {
        return new EnvOption(name, Type.PATH, defaultValue, List.of(names), description);
    }

    /**
     * An image option: an image file's path, one of {@code names} (not paths), or a uint8 {@link
     * Tensor} {@code [H, W, 3]} of RGB pixels.
     */
    public static EnvOption ofImage(
            String name, String defaultValue, String description, String... names) {
        return new EnvOption(name, Type.IMAGE, defaultValue, List.of(names), description);
    }

    /** Whether a value of this option names a file on the env's machine: a path, not a name. */
    public boolean isPath(Object value) {
        return (type == Type.PATH || type == Type.IMAGE)
                && value instanceof String s
                && !choices.contains(s);
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
                case PATH -> {
                    if (value instanceof String || value instanceof java.nio.file.Path) {
                        yield value.toString();
                    }
                    throw bad(value, "a path (a string)");
                }
                case IMAGE -> {
                    if (value instanceof String || value instanceof java.nio.file.Path) {
                        yield value.toString();
                    }
                    if (value instanceof Tensor t
                            && t.dtype() == DType.UINT8
                            && t.rank() == 3
                            && t.dim(2) == 3
                            && t.dim(0) > 0
                            && t.dim(1) > 0) {
                        yield t;
                    }
                    throw bad(
                            value instanceof Tensor t
                                    ? "a "
                                            + t.dtype().numpyName()
                                            + " tensor "
                                            + java.util.Arrays.toString(t.shape())
                                    : value,
                            "an image file's path"
                                    + (choices.isEmpty() ? "" : ", one of " + choices)
                                    + " or a uint8 tensor [H, W, 3] of RGB pixels");
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
