package io.genie4j.genie.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ImageMetricsTest {

    private static byte[] constant(int v, int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) v);
        return b;
    }

    @Test
    void psnrMatchesHandComputedValues() {
        int n = 16 * 16 * 3;
        byte[] a = constant(100, n);
        byte[] b = constant(110, n);
        // MSE = 100 -> PSNR = 10 log10(65025 / 100) = 28.1308...
        assertEquals(28.130803608679106, ImageMetrics.psnr(a, 0, b, 0, n), 1e-9);
        assertEquals(Double.POSITIVE_INFINITY, ImageMetrics.psnr(a, 0, a, 0, n));
        // Half the pixels off by 2, half exact: MSE = 2.
        byte[] c = a.clone();
        for (int i = 0; i < n; i += 2) {
            c[i] = (byte) 102;
        }
        assertEquals(10 * Math.log10(65025 / 2.0), ImageMetrics.psnr(a, 0, c, 0, n), 1e-9);
    }

    @Test
    void ssimMatchesHandComputedValues() {
        int n = 16 * 16 * 3;
        byte[] a = constant(100, n);
        byte[] b = constant(110, n);
        assertEquals(1.0, ImageMetrics.ssim(a, 0, a, 0, 16, 16), 1e-12);
        // Constant frames: variances and covariance vanish, leaving the luminance term.
        double c1 = Math.pow(0.01 * 255, 2);
        double expected = (2 * 100 * 110 + c1) / (100 * 100 + 110 * 110 + c1);
        assertEquals(expected, ImageMetrics.ssim(a, 0, b, 0, 16, 16), 1e-9);
        // An inverted checkerboard against itself negated is strongly dissimilar.
        byte[] d = new byte[n];
        byte[] e = new byte[n];
        for (int i = 0; i < 16 * 16; i++) {
            int v = ((i / 16) + i) % 2 == 0 ? 0 : 255;
            Arrays.fill(d, i * 3, i * 3 + 3, (byte) v);
            Arrays.fill(e, i * 3, i * 3 + 3, (byte) (255 - v));
        }
        assertTrue(ImageMetrics.ssim(d, 0, e, 0, 16, 16) < -0.9);
    }

    @Test
    void gaussianWindowIsNormalisedAndSymmetric() {
        double[] k = ImageMetrics.gaussian(11, 1.5);
        assertEquals(1.0, Arrays.stream(k).sum(), 1e-12);
        assertEquals(k[0], k[10], 1e-15);
        assertEquals(0.2660, k[5], 1e-4);
    }

    @Test
    void perplexityAndUsage() {
        assertEquals(4.0, ImageMetrics.perplexity(new long[] {5, 5, 5, 5, 0}), 1e-12);
        assertEquals(1.0, ImageMetrics.perplexity(new long[] {0, 9, 0}), 1e-12);
        assertEquals(2, ImageMetrics.used(new long[] {0, 9, 0, 1}));
    }

    @Test
    void mutualInformation() {
        // Independent: every row has the same column distribution.
        assertEquals(
                0.0,
                ImageMetrics.mutualInformationBits(new long[][] {{1, 2, 3}, {2, 4, 6}}),
                1e-12);
        // One determines the other, two equally likely values: one bit.
        assertEquals(1.0, ImageMetrics.mutualInformationBits(new long[][] {{7, 0}, {0, 7}}), 1e-12);
        // A constant row variable (a collapsed codebook) tells nothing.
        assertEquals(
                0.0,
                ImageMetrics.mutualInformationBits(new long[][] {{3, 5, 9}, {0, 0, 0}}),
                1e-12);
        assertEquals(0.0, ImageMetrics.mutualInformationBits(new long[][] {{0, 0}}), 1e-12);
    }

    @Test
    void correctedMutualInformationRemovesTheSmallSampleBias() {
        // 80 draws of two independent variables (8 codes, 6 actions): the plug-in estimate sees
        // dependence that is not there; Miller–Madow takes most of it away.
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        double plugIn = 0;
        double corrected = 0;
        for (int rep = 0; rep < 50; rep++) {
            long[][] t = new long[8][6];
            for (int i = 0; i < 80; i++) {
                t[rng.nextInt(8)][rng.nextInt(6)]++;
            }
            plugIn += ImageMetrics.mutualInformationBits(t) / 50;
            corrected += ImageMetrics.mutualInformationBitsCorrected(t) / 50;
        }
        assertTrue(plugIn > 0.3, "plug-in " + plugIn);
        assertTrue(corrected < plugIn / 2, "corrected " + corrected + " vs plug-in " + plugIn);
        // A perfect one-to-one map on plenty of data keeps its full bit.
        assertEquals(
                1.0,
                ImageMetrics.mutualInformationBitsCorrected(new long[][] {{5000, 0}, {0, 5000}}),
                1e-3);
    }
}
