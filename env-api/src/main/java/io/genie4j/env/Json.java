package io.genie4j.env;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * JSON for env-api's spaces, specs, manifests and episode metadata, on Jackson (the project's one
 * JSON codec). Values map to Java as: object → {@code LinkedHashMap<String, Object>} (key order
 * kept), array → {@code List<Object>}, integer → {@code Long}, other numbers → {@code Double},
 * string, boolean, {@code null}. Output is compact; whole doubles keep their {@code .0}.
 */
public final class Json {
    /** Deepest nesting a parsed document may have. */
    public static final int MAX_DEPTH = 256;

    private static final ObjectMapper MAPPER =
            JsonMapper.builder(
                            JsonFactory.builder()
                                    .streamReadConstraints(
                                            StreamReadConstraints.builder()
                                                    .maxNestingDepth(MAX_DEPTH)
                                                    .build())
                                    .build())
                    .enable(DeserializationFeature.USE_LONG_FOR_INTS)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING)
                    .build();

    private Json() {}

    /**
     * Writes a value as compact JSON. Accepts maps with string keys, collections, arrays of
     * primitives, strings, numbers, booleans and {@code null}.
     *
     * @throws IllegalArgumentException for a non-finite number or a value Jackson cannot write
     */
    public static String write(Object value) {
        requireFinite(value);
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "cannot write a " + value.getClass().getName() + " as JSON: " + e.getMessage(),
                    e);
        }
    }

    /**
     * JSON has no NaN or infinity: refuse them anywhere in the value rather than write a string.
     */
    private static void requireFinite(Object v) {
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("JSON cannot hold the number " + d);
            }
        } else if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String)) {
                    throw new IllegalArgumentException(
                            "JSON object keys must be strings: " + e.getKey());
                }
                requireFinite(e.getValue());
            }
        } else if (v instanceof Collection<?> c) {
            c.forEach(Json::requireFinite);
        } else if (v instanceof Object[] a) {
            List.of(a).forEach(Json::requireFinite);
        } else if (v instanceof double[] a) {
            for (double d : a) {
                requireFinite(d);
            }
        } else if (v instanceof float[] a) {
            for (float d : a) {
                requireFinite(d);
            }
        }
    }

    /**
     * Parses one JSON value.
     *
     * @throws IllegalArgumentException naming the position and the problem
     */
    public static Object parse(String text) {
        try {
            return MAPPER.readValue(text, Object.class);
        } catch (StreamConstraintsException e) {
            throw new IllegalArgumentException("JSON nested deeper than " + MAX_DEPTH, e);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at offset " + at.getCharOffset();
            throw new IllegalArgumentException(
                    "invalid JSON" + where + ": " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Parses a JSON object.
     *
     * @throws IllegalArgumentException if the text is not valid JSON or not an object
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Object v = parse(text);
        if (!(v instanceof Map)) {
            throw new IllegalArgumentException("expected a JSON object, got " + typeName(v));
        }
        return (Map<String, Object>) v;
    }

    /** The JSON type name of a parsed value, for error messages. */
    public static String typeName(Object v) {
        if (v == null) {
            return "null";
        } else if (v instanceof Map) {
            return "object";
        } else if (v instanceof List) {
            return "array";
        } else if (v instanceof String) {
            return "string";
        } else if (v instanceof Boolean) {
            return "boolean";
        }
        return "number";
    }
}
