package io.genie4j.env.spaces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.env.DType;
import io.genie4j.env.Json;
import io.genie4j.env.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SpacesTest {

    private static Space<?> roundTrip(Space<?> s) {
        return Spaces.fromJson(Json.write(s.toJson()));
    }

    @Test
    void discreteContainsItsRangeOnly() {
        Discrete d = new Discrete(3, -1);
        assertTrue(d.contains(-1) && d.contains(0) && d.contains(1));
        assertTrue(d.contains(1L));
        assertFalse(d.contains(2));
        assertFalse(d.contains(-2));
        assertFalse(d.contains(1.0));
        assertFalse(d.contains(null));
        assertEquals(
                "action 9 is outside Discrete(8)",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> new Discrete(8).validate(9, "action"))
                        .getMessage());
    }

    @Test
    void discreteSamplesAreSeededContainedAndCoverTheRange() {
        Discrete d = new Discrete(5, 10);
        int[] seen = new int[5];
        SplittableRandom a = new SplittableRandom(7);
        SplittableRandom b = new SplittableRandom(7);
        for (int i = 0; i < 1000; i++) {
            int x = d.sample(a);
            assertEquals(x, d.sample(b));
            assertTrue(d.contains(x));
            seen[x - 10]++;
        }
        for (int c : seen) {
            assertTrue(c > 120, "each value drawn about 200 times, got " + c);
        }
    }

    @Test
    void boxChecksDtypeShapeAndBounds() {
        Box b = Box.of(new double[] {0, -1}, new double[] {1, 1}, DType.FLOAT32, 2);
        assertTrue(b.contains(Tensor.float32(new float[] {0.5f, -1f}, 2)));
        assertFalse(b.contains(Tensor.float32(new float[] {1.5f, 0f}, 2)));
        assertFalse(b.contains(Tensor.float32(new float[] {Float.NaN, 0f}, 2)));
        assertFalse(b.contains(Tensor.float64(new double[] {0.5, 0}, 2)));
        assertFalse(b.contains(Tensor.float32(new float[] {0.5f, 0f, 0f}, 3)));
        assertFalse(b.contains("not a tensor"));
        Box image = Box.image(4, 4);
        assertTrue(image.contains(Tensor.zeros(DType.UINT8, 4, 4, 3)));
        assertFalse(image.contains(Tensor.zeros(DType.UINT8, 4, 4, 4)));
    }

    @Test
    void integerBoxSamplesBothBoundsInclusively() {
        Box b = Box.of(2, 4, DType.INT64, 1);
        boolean[] seen = new boolean[3];
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < 300; i++) {
            Tensor t = b.sample(rng);
            assertTrue(b.contains(t));
            seen[(int) t.getLong(0) - 2] = true;
        }
        assertTrue(seen[0] && seen[1] && seen[2]);
    }

    @Test
    void unboundedFloatBoxSamplesAreFiniteAndContained() {
        Box b =
                Box.of(
                        new double[] {Double.NEGATIVE_INFINITY, 0, Double.NEGATIVE_INFINITY},
                        new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 5},
                        DType.FLOAT64,
                        3);
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < 200; i++) {
            Tensor t = b.sample(rng);
            assertTrue(b.contains(t));
            assertTrue(Double.isFinite(t.getDouble(0)));
        }
    }

    @Test
    void multiDiscreteChecksEachElement() {
        MultiDiscrete m = new MultiDiscrete(new long[] {3, 2}, new long[] {0, 5});
        assertTrue(m.contains(Tensor.int64(new long[] {2, 6}, 2)));
        assertFalse(m.contains(Tensor.int64(new long[] {3, 5}, 2)));
        assertFalse(m.contains(Tensor.int64(new long[] {0, 4}, 2)));
        assertFalse(m.contains(Tensor.int32(new int[] {0, 5}, 2)));
        SplittableRandom rng = new SplittableRandom(0);
        for (int i = 0; i < 100; i++) {
            assertTrue(m.contains(m.sample(rng)));
        }
    }

    @Test
    void dictNeedsExactlyItsKeys() {
        Map<String, Space<?>> sub = new LinkedHashMap<>();
        sub.put("image", Box.image(2, 2));
        sub.put("step", new Discrete(10));
        Dict d = new Dict(sub);
        Map<String, Object> v = d.sample(new SplittableRandom(0));
        assertTrue(d.contains(v));
        assertEquals(java.util.List.of("image", "step"), java.util.List.copyOf(v.keySet()));
        Map<String, Object> missing = new LinkedHashMap<>(v);
        missing.remove("step");
        assertFalse(d.contains(missing));
        Map<String, Object> bad = new LinkedHashMap<>(v);
        bad.put("step", 10);
        assertTrue(d.whyNotContained(bad).startsWith("['step']"), d.whyNotContained(bad));
    }

    @Test
    void everySpaceSurvivesAJsonRoundTrip() {
        Map<String, Space<?>> sub = new LinkedHashMap<>();
        sub.put(
                "pos",
                Box.of(
                        new double[] {Double.NEGATIVE_INFINITY, 0},
                        new double[] {Double.POSITIVE_INFINITY, 1.5},
                        DType.FLOAT32,
                        2));
        sub.put("inner", new Dict(Map.of("k", new MultiDiscrete(4, 5))));
        Space<?>[] spaces = {
            new Discrete(15),
            new Discrete(3, -1),
            Box.image(64, 64),
            Box.of(new double[] {0, 1, 2, 3}, new double[] {4, 5, 6, 7}, DType.INT32, 2, 2),
            new MultiDiscrete(new long[] {3, 2}, new long[] {1, 0}),
            new Dict(sub)
        };
        for (Space<?> s : spaces) {
            assertEquals(s, roundTrip(s), s.toString());
        }
        assertEquals(
                "{\"type\":\"Box\",\"shape\":[64,64,3],\"dtype\":\"uint8\",\"low\":0,\"high\":255}",
                Json.write(Box.image(64, 64).toJson()));
        assertTrue(Json.write(sub.get("pos").toJson()).contains("\"-inf\""));
    }

    @Test
    void malformedSpaceJsonNamesTheProblem() {
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () -> Spaces.fromJson("{\"type\":\"Tuple\"}"))
                        .getMessage()
                        .contains("unknown space type 'Tuple'"));
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () -> Spaces.fromJson("{\"type\":\"Discrete\"}"))
                        .getMessage()
                        .contains("\"n\""));
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () ->
                                        Spaces.fromJson(
                                                "{\"type\":\"Box\",\"shape\":[2],\"dtype\":\"float32\",\"low\":[0],\"high\":1}"))
                        .getMessage()
                        .contains("expected 2"));
        assertThrows(IllegalArgumentException.class, () -> Spaces.fromJson("{\"n\":3}"));
        assertNotEquals(new Discrete(3), new Discrete(3, 1));
    }
}
