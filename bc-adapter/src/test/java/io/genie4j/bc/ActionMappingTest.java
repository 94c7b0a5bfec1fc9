package io.genie4j.bc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ActionMappingTest {

    @Test
    void dictionaryHoldsTheCoOccurrenceStatistics() {
        // Code 0 seen with actions 2, 2, 5; code 1 with 3, 3; code 2 never.
        int[] codes = {0, 0, 0, 1, 1};
        int[] actions = {2, 2, 5, 3, 3};
        DictionaryMapping d = DictionaryMapping.fit(3, 6, codes, actions);
        assertArrayEquals(new long[] {0, 0, 2, 0, 0, 1}, d.counts(0));
        assertArrayEquals(new double[] {0, 0, 2 / 3.0, 0, 0, 1 / 3.0}, d.distribution(0), 1e-12);
        assertArrayEquals(new double[] {0, 0, 0, 1, 0, 0}, d.distribution(1), 1e-12);
        assertFalse(d.seen(2));
        // An unseen code gets the distribution of all samples.
        assertArrayEquals(new double[] {0, 0, 0.4, 0.4, 0, 0.2}, d.distribution(2), 1e-12);
        // Sampling follows the distribution.
        SplittableRandom rng = new SplittableRandom(1);
        int n = 30000;
        int[] many = new int[n];
        int[] got = d.map(Collections.nCopies(n, null), many, rng);
        int twos = 0;
        for (int a : got) {
            assertTrue(a == 2 || a == 5, "action " + a);
            twos += a == 2 ? 1 : 0;
        }
        assertEquals(2 / 3.0, twos / (double) n, 0.015);
        assertEquals(3, d.map(List.of(new byte[0]), new int[] {1}, rng)[0]);
    }

    @Test
    void dictionaryWithoutSamplesIsUniform() {
        DictionaryMapping d = DictionaryMapping.fit(4, 5, new int[0], new int[0]);
        for (int k = 0; k < 4; k++) {
            assertArrayEquals(new double[] {0.2, 0.2, 0.2, 0.2, 0.2}, d.distribution(k), 1e-12);
        }
    }

    @Test
    void dictionaryRejectsBadSamples() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> DictionaryMapping.fit(2, 3, new int[] {0, 2}, new int[] {1, 1}));
        assertTrue(e.getMessage().contains("sample 1 has code 2"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> DictionaryMapping.fit(2, 3, new int[] {0}, new int[] {1, 1}));
    }

    /** Frames of 1 byte; the feature is that byte's sign. */
    private static final LearnedMapping.Features SIGN =
            frames -> {
                float[][] f = new float[frames.size()][1];
                for (int i = 0; i < f.length; i++) {
                    f[i][0] = frames.get(i)[0] > 0 ? 1 : -1;
                }
                return f;
            };

    @Test
    void learnedDecoderUsesTheFrameAndTheCode() {
        // Real action = code when the frame's byte is positive, code + 3 otherwise (codes 0..2);
        // code 3 never appears in the samples.
        SplittableRandom rng = new SplittableRandom(2);
        List<byte[]> frames = new ArrayList<>();
        int n = 300;
        int[] codes = new int[n];
        int[] actions = new int[n];
        for (int i = 0; i < n; i++) {
            boolean up = rng.nextBoolean();
            frames.add(new byte[] {(byte) (up ? 1 : -1)});
            codes[i] = rng.nextInt(3);
            actions[i] = up ? codes[i] : codes[i] + 3;
        }
        LearnedMapping m = LearnedMapping.fit(SIGN, 4, 6, frames, codes, actions, 1e-3, 400);
        assertTrue((double) m.describe().get("train_accuracy") > 0.99, m.describe().toString());
        double[][] p =
                m.distributions(
                        List.of(new byte[] {1}, new byte[] {-1}, new byte[] {1}),
                        new int[] {2, 2, 0});
        assertTrue(p[0][2] > 0.9, "code 2, up → 2: " + java.util.Arrays.toString(p[0]));
        assertTrue(p[1][5] > 0.9, "code 2, down → 5");
        assertTrue(p[2][0] > 0.9, "code 0, up → 0");
        // The unseen code 3 answers from the frame: "up" actions 0..2 get most of the mass.
        double[] unseen = m.distributions(List.of(new byte[] {1}), new int[] {3})[0];
        assertTrue(unseen[0] + unseen[1] + unseen[2] > 0.9, java.util.Arrays.toString(unseen));
        assertEquals(1.0, java.util.Arrays.stream(unseen).sum(), 1e-9);
    }

    @Test
    void learnedDecoderWithoutSamplesIsUniform() {
        LearnedMapping m =
                LearnedMapping.fit(SIGN, 2, 4, List.of(), new int[0], new int[0], 1e-3, 10);
        assertArrayEquals(
                new double[] {0.25, 0.25, 0.25, 0.25},
                m.distributions(List.of(new byte[] {1}), new int[] {1})[0],
                1e-12);
    }
}
