package io.genie4j.genie.lam;

/**
 * A multinomial logistic regression (softmax over a linear map of standardised features), fitted by
 * full-batch Adam with a little L2: how much of a label a linear read-out of a representation
 * recovers.
 */
public final class LinearProbe {
    private final double[] mean;
    private final double[] scale;
    private final double[][] w; // [classes][d + 1], the last column the bias

    private LinearProbe(double[] mean, double[] scale, double[][] w) {
        this.mean = mean;
        this.scale = scale;
        this.w = w;
    }

    /**
     * Fits a probe from {@code x} ({@code [n][d]}) to labels {@code y} in [0, classes) with {@code
     * iterations} full-batch steps.
     */
    public static LinearProbe fit(float[][] x, int[] y, int classes, int iterations) {
        int n = x.length;
        if (n == 0) {
            throw new IllegalArgumentException("a probe needs at least one example");
        }
        int d = x[0].length;
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (float[] r : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += r[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        for (float[] r : x) {
            for (int j = 0; j < d; j++) {
                scale[j] += (r[j] - mean[j]) * (r[j] - mean[j]);
            }
        }
        for (int j = 0; j < d; j++) {
            scale[j] = 1 / Math.max(1e-6, Math.sqrt(scale[j] / n));
        }
        double[][] z = new double[n][d + 1];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                z[i][j] = (x[i][j] - mean[j]) * scale[j];
            }
            z[i][d] = 1;
        }
        double[][] w = new double[classes][d + 1];
        double[][] m = new double[classes][d + 1];
        double[][] v = new double[classes][d + 1];
        double lr = 0.05;
        double l2 = 1e-4;
        double[] p = new double[classes];
        for (int it = 1; it <= iterations; it++) {
            double[][] g = new double[classes][d + 1];
            for (int i = 0; i < n; i++) {
                softmax(w, z[i], p);
                p[y[i]] -= 1;
                for (int k = 0; k < classes; k++) {
                    double pk = p[k];
                    if (pk == 0) {
                        continue;
                    }
                    double[] gk = g[k];
                    double[] zi = z[i];
                    for (int j = 0; j <= d; j++) {
                        gk[j] += pk * zi[j];
                    }
                }
            }
            double c1 = 1 - Math.pow(0.9, it);
            double c2 = 1 - Math.pow(0.999, it);
            for (int k = 0; k < classes; k++) {
                for (int j = 0; j <= d; j++) {
                    double gj = g[k][j] / n + (j < d ? l2 * w[k][j] : 0);
                    m[k][j] = 0.9 * m[k][j] + 0.1 * gj;
                    v[k][j] = 0.999 * v[k][j] + 0.001 * gj * gj;
                    w[k][j] -= lr * (m[k][j] / c1) / (Math.sqrt(v[k][j] / c2) + 1e-8);
                }
            }
        }
        return new LinearProbe(mean, scale, w);
    }

    /** The most likely label of {@code x}. */
    public int predict(float[] x) {
        int d = mean.length;
        double[] z = new double[d + 1];
        for (int j = 0; j < d; j++) {
            z[j] = (x[j] - mean[j]) * scale[j];
        }
        z[d] = 1;
        double[] p = new double[w.length];
        softmax(w, z, p);
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }

    /** The share of {@code x} whose predicted label is {@code y}. */
    public double accuracy(float[][] x, int[] y) {
        int right = 0;
        for (int i = 0; i < x.length; i++) {
            if (predict(x[i]) == y[i]) {
                right++;
            }
        }
        return x.length == 0 ? Double.NaN : (double) right / x.length;
    }

    private static void softmax(double[][] w, double[] z, double[] p) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < w.length; k++) {
            double s = 0;
            for (int j = 0; j < z.length; j++) {
                s += w[k][j] * z[j];
            }
            p[k] = s;
            max = Math.max(max, s);
        }
        double sum = 0;
        for (int k = 0; k < p.length; k++) {
            p[k] = Math.exp(p[k] - max);
            sum += p[k];
        }
        for (int k = 0; k < p.length; k++) {
            p[k] /= sum;
        }
    }
}
