package io.genie4j.bc;

import ai.djl.ndarray.NDManager;
import io.genie4j.agents.Categorical;
import io.genie4j.agents.CnnPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A learned latent-to-real decoder conditioned on the frame and the code, as LAPO (Schmidt and
 * Jiang, ICLR 2024) decodes latent actions: multinomial logistic regression on the frame's features
 * (standardised) joined with the code as a one-hot vector, with L2 regularisation, fitted by
 * full-batch Adam on the labelled samples. The frame features come from the latent policy's hidden
 * layer, which already encodes what matters for choosing actions.
 *
 * <p>Codes the samples never showed keep a zero one-hot weight (its gradient is zero and the L2
 * term holds it there), so for them the decoder answers from the frame alone; with no samples the
 * mapping is uniform.
 */
public final class LearnedMapping implements ActionMapping {

    /** Frame features for the decoder. */
    @FunctionalInterface
    public interface Features {
        /** One feature row per frame, all of one length. */
        float[][] of(List<byte[]> frames);

        /** The hidden-layer activations of a CNN policy. */
        static Features of(CnnPolicy policy) {
            return frames -> {
                try (NDManager m = NDManager.newBaseManager()) {
                    float[] flat = policy.features(m, frames).toFloatArray();
                    int d = flat.length / Math.max(frames.size(), 1);
                    float[][] out = new float[frames.size()][d];
                    for (int i = 0; i < out.length; i++) {
                        System.arraycopy(flat, i * d, out[i], 0, d);
                    }
                    return out;
                }
            };
        }
    }

    private final Features features;
    private final int codes;
    private final int actions;
    private final double[] mean;
    private final double[] scale;

    /** Weights {@code [actions][features + codes + 1]}; the last column is the bias. */
    private final double[][] w;

    private final int samples;
    private final double trainAccuracy;

    private LearnedMapping(
            Features features,
            int codes,
            int actions,
            double[] mean,
            double[] scale,
            double[][] w,
            int samples,
            double trainAccuracy) {
        this.features = features;
        this.codes = codes;
        this.actions = actions;
        this.mean = mean;
        this.scale = scale;
        this.w = w;
        this.samples = samples;
        this.trainAccuracy = trainAccuracy;
    }

    /**
     * Fits the decoder.
     *
     * @param features the frame features (kept for use at test time)
     * @param codes the number of latent codes
     * @param actions the number of real actions
     * @param frames the labelled transitions' first frames
     * @param sampleCodes their latent codes
     * @param sampleActions their real actions
     * @param l2 the regularisation strength, such as 0.01
     * @param iterations gradient steps, such as 300
     */
    public static LearnedMapping fit(
            Features features,
            int codes,
            int actions,
            List<byte[]> frames,
            int[] sampleCodes,
            int[] sampleActions,
            double l2,
            int iterations) {
        int n = frames.size();
        if (sampleCodes.length != n || sampleActions.length != n) {
            throw new IllegalArgumentException(
                    n
                            + " frames, "
                            + sampleCodes.length
                            + " codes and "
                            + sampleActions.length
                            + " actions; give one of each per sample");
        }
        // Checks the ranges the same way the dictionary does.
        DictionaryMapping.fit(codes, actions, sampleCodes, sampleActions);
        if (n == 0) {
            return new LearnedMapping(
                    features, codes, actions, new double[0], new double[0], null, 0, Double.NaN);
        }
        float[][] f = features.of(frames);
        int d = f[0].length;
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (float[] row : f) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / (double) n;
            }
        }
        for (float[] row : f) {
            for (int j = 0; j < d; j++) {
                double v = row[j] - mean[j];
                scale[j] += v * v / n;
            }
        }
        for (int j = 0; j < d; j++) {
            scale[j] = 1 / Math.sqrt(scale[j] + 1e-6);
        }
        int width = d + codes + 1;
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
            x[i] = row(f[i], sampleCodes[i], mean, scale, codes);
        }
        double[][] w = new double[actions][width];
        double[][] grad = new double[actions][width];
        double[] p = new double[actions];
        // Adam (Kingma and Ba 2015) with its usual betas: robust to the features' scale.
        double[][] m1 = new double[actions][width];
        double[][] m2 = new double[actions][width];
        double lr = 0.05;
        for (int it = 0; it < iterations; it++) {
            for (double[] g : grad) {
                java.util.Arrays.fill(g, 0);
            }
            for (int i = 0; i < n; i++) {
                softmax(w, x[i], p);
                p[sampleActions[i]] -= 1;
                for (int a = 0; a < actions; a++) {
                    double e = p[a] / n;
                    double[] g = grad[a];
                    for (int j = 0; j < width; j++) {
                        g[j] += e * x[i][j];
                    }
                }
            }
            double c1 = 1 - Math.pow(0.9, it + 1);
            double c2 = 1 - Math.pow(0.999, it + 1);
            for (int a = 0; a < actions; a++) {
                for (int j = 0; j < width; j++) {
                    double g = grad[a][j] + (j == width - 1 ? 0 : l2 * w[a][j]);
                    m1[a][j] = 0.9 * m1[a][j] + 0.1 * g;
                    m2[a][j] = 0.999 * m2[a][j] + 0.001 * g * g;
                    w[a][j] -= lr * (m1[a][j] / c1) / (Math.sqrt(m2[a][j] / c2) + 1e-8);
                }
            }
        }
        int correct = 0;
        for (int i = 0; i < n; i++) {
            softmax(w, x[i], p);
            int best = 0;
            for (int a = 1; a < actions; a++) {
                if (p[a] > p[best]) {
                    best = a;
                }
            }
            correct += best == sampleActions[i] ? 1 : 0;
        }
        return new LearnedMapping(
                features, codes, actions, mean, scale, w, n, (double) correct / n);
    }

    private static double[] row(float[] f, int code, double[] mean, double[] scale, int codes) {
        int d = f.length;
        double[] r = new double[d + codes + 1];
        for (int j = 0; j < d; j++) {
            r[j] = (f[j] - mean[j]) * scale[j];
        }
        r[d + code] = 1;
        r[d + codes] = 1;
        return r;
    }

    private static void softmax(double[][] w, double[] x, double[] p) {
        double max = Double.NEGATIVE_INFINITY;
        for (int a = 0; a < w.length; a++) {
            double z = 0;
            double[] wa = w[a];
            for (int j = 0; j < x.length; j++) {
                z += wa[j] * x[j];
            }
            p[a] = z;
            max = Math.max(max, z);
        }
        double sum = 0;
        for (int a = 0; a < p.length; a++) {
            p[a] = Math.exp(p[a] - max);
            sum += p[a];
        }
        for (int a = 0; a < p.length; a++) {
            p[a] /= sum;
        }
    }

    /** The probability of each real action for a frame and a code. */
    public double[][] distributions(List<byte[]> frames, int[] codes) {
        double[][] out = new double[codes.length][actions];
        if (w == null) {
            for (double[] r : out) {
                java.util.Arrays.fill(r, 1.0 / actions);
            }
            return out;
        }
        float[][] f = features.of(frames);
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] < 0 || codes[i] >= this.codes) {
                throw new IllegalArgumentException(
                        "code " + codes[i] + " is outside [0, " + this.codes + ")");
            }
            softmax(w, row(f[i], codes[i], mean, scale, this.codes), out[i]);
        }
        return out;
    }

    @Override
    public int[] map(List<byte[]> frames, int[] codes, SplittableRandom rng) {
        double[][] p = distributions(frames, codes);
        int[] out = new int[codes.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Categorical.sample(p[i], rng);
        }
        return out;
    }

    @Override
    public int codes() {
        return codes;
    }

    @Override
    public int actions() {
        return actions;
    }

    @Override
    public String name() {
        return "learned";
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mapping", name());
        m.put("samples", samples);
        m.put("train_accuracy", Double.isNaN(trainAccuracy) ? null : trainAccuracy);
        return m;
    }
}
