package io.genie4j.env.spaces;

import io.genie4j.env.Json;
import io.genie4j.env.Tensor;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A set of valid observations or actions, as Gymnasium's {@code gymnasium.spaces}: {@link
 * Discrete}, {@link Box}, {@link MultiDiscrete} and {@link Dict}.
 *
 * <p>Each space has one JSON form, {@link #toJson()}, used in Java, on the wire and in Python;
 * {@link Spaces#fromJson(Map)} reads it back into an equal space.
 *
 * @param <T> the Java type of the values: {@code Integer} for {@link Discrete}, {@link Tensor} for
 *     {@link Box} and {@link MultiDiscrete}, {@code Map<String, Object>} for {@link Dict}
 */
public sealed interface Space<T> permits Discrete, Box, MultiDiscrete, Dict {

    /**
     * Why {@code value} is not in this space, or {@code null} if it is. The reason names the value
     * and the space, e.g. {@code "9 is outside Discrete(8)"}.
     */
    String whyNotContained(Object value);

    /** Whether {@code value} is an element of this space. */
    default boolean contains(Object value) {
        return whyNotContained(value) == null;
    }

    /**
     * Checks that {@code value} is in this space and returns it typed.
     *
     * @param role what the value is, for the message (e.g. {@code "action"})
     * @throws IllegalArgumentException naming the value and the space, e.g. {@code "action 9 is
     *     outside Discrete(8)"}
     */
    @SuppressWarnings("unchecked")
    default T validate(Object value, String role) {
        String why = whyNotContained(value);
        if (why != null) {
            throw new IllegalArgumentException(role + " " + why);
        }
        return (T) value;
    }

    /** A uniformly drawn element (see each space for its distribution), from {@code rng} only. */
    T sample(RandomGenerator rng);

    /** The JSON form: a map with a {@code "type"} key, ready for {@link Json#write(Object)}. */
    Map<String, Object> toJson();
}
