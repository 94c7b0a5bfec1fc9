package io.genie4j.genie.metrics;

/**
 * Image quality on uint8 RGB frames {@code [H, W, 3]}: PSNR and SSIM (Wang et al. 2004, with the
 * standard 11×11 Gaussian window of σ = 1.5, K1 = 0.01, K2 = 0.03, L = 255, over the window
 * positions fully inside the frame, averaged over channels).
 */
public final class ImageMetrics {

    private static final int WIN = 11;
    private static final double[] KERNEL = gaussian(WIN, 1.5);

    private ImageMetrics() {}

    /**
     * PSNR in dB between frames at offsets {@code ao} and {@code bo} of {@code len} bytes; {@code
     * Double.POSITIVE_INFINITY} for identical frames.
     */
    public static double psnr(byte[] a, int ao, byte[] b, int bo, int len) {
        double se = 0;
        for (int i = 0; i < len; i++) {
            int d = (a[ao + i] & 0xff) - (b[bo + i] & 0xff);
            se += d * d;
        }
        if (se == 0) {
            return Double.POSITIVE_INFINITY;
        }
        return 10 * Math.log10(255.0 * 255.0 / (se / len));
    }

    /** SSIM between two {@code h × w × 3} frames at the given offsets. */
    public static double ssim(byte[] a, int ao, byte[] b, int bo, int h, int w) {
        if (h < WIN || w < WIN) {
            throw new IllegalArgumentException(
                    "SSIM needs frames of at least 11×11, got " + h + "×" + w);
        }
        double c1 = Math.pow(0.01 * 255, 2);
        double c2 = Math.pow(0.03 * 255, 2);
        double total = 0;
        int n = 0;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y + WIN <= h; y++) {
                for (int x = 0; x + WIN <= w; x++) {
                    double ma = 0;
                    double mb = 0;
                    double saa = 0;
                    double sbb = 0;
                    double sab = 0;
                    for (int i = 0; i < WIN; i++) {
                        for (int j = 0; j < WIN; j++) {
                            double k = KERNEL[i] * KERNEL[j];
                            int idx = ((y + i) * w + (x + j)) * 3 + c;
                            double va = a[ao + idx] & 0xff;
                            double vb = b[bo + idx] & 0xff;
                            ma += k * va;
                            mb += k * vb;
                            saa += k * va * va;
                            sbb += k * vb * vb;
                            sab += k * va * vb;
                        }
                    }
                    double va = saa - ma * ma;
                    double vb = sbb - mb * mb;
                    double cov = sab - ma * mb;
                    total +=
                            ((2 * ma * mb + c1) * (2 * cov + c2))
                                    / ((ma * ma + mb * mb + c1) * (va + vb + c2));
                    n++;
                }
            }
        }
        return total / n;
    }

    /** A normalised 1-D Gaussian of {@code size} taps. */
    static double[] gaussian(int size, double sigma) {
        double[] k = new double[size];
        double sum = 0;
        int r = size / 2;
        for (int i = 0; i < size; i++) {
            k[i] = Math.exp(-((i - r) * (i - r)) / (2 * sigma * sigma));
            sum += k[i];
        }
        for (int i = 0; i < size; i++) {
            k[i] /= sum;
        }
        return k;
    }

    /** Perplexity {@code exp(H)} of the empirical distribution given by {@code counts}. */
    public static double perplexity(long[] counts) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        if (total == 0) {
            return 0;
        }
        double h = 0;
        for (long c : counts) {
            if (c > 0) {
                double p = (double) c / total;
                h -= p * Math.log(p);
            }
        }
        return Math.exp(h);
    }

    /** The number of non-zero counts. */
    public static int used(long[] counts) {
        int n = 0;
        for (long c : counts) {
            if (c > 0) {
                n++;
            }
        }
        return n;
    }

    /**
     * Mutual information in bits between the row and column variables of a contingency table {@code
     * counts[row][column]}: 0 when they are independent, at most the smaller of their entropies.
     */
    public static double mutualInformationBits(long[][] counts) {
        int rows = counts.length;
        int cols = rows == 0 ? 0 : counts[0].length;
        double total = 0;
        double[] rowSum = new double[rows];
        double[] colSum = new double[cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                rowSum[r] += counts[r][c];
                colSum[c] += counts[r][c];
                total += counts[r][c];
            }
        }
        double mi = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (counts[r][c] > 0) {
                    double p = counts[r][c] / total;
                    mi += p * Math.log(p * total * total / (rowSum[r] * colSum[c]));
                }
            }
        }
        return Math.max(0, mi / Math.log(2));
    }

    /**
     * Mutual information (bits) of a contingency table with the Miller–Madow bias correction
     * (Miller 1955): each plug-in entropy gains (m − 1) / 2N nats for its m non-empty cells, so I =
     * H(X) + H(Y) − H(X, Y) loses the upward bias the plug-in estimate has on small samples (about
     * (rows − 1)(columns − 1) / 2N nats for independent variables). Never below 0.
     */
    public static double mutualInformationBitsCorrected(long[][] counts) {
        int rows = counts.length;
        int cols = rows == 0 ? 0 : counts[0].length;
        double total = 0;
        double[] rowSum = new double[rows];
        double[] colSum = new double[cols];
        int cells = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                rowSum[r] += counts[r][c];
                colSum[c] += counts[r][c];
                total += counts[r][c];
                cells += counts[r][c] > 0 ? 1 : 0;
            }
        }
        if (total == 0) {
            return 0;
        }
        int usedRows = 0;
        int usedCols = 0;
        for (double v : rowSum) {
            usedRows += v > 0 ? 1 : 0;
        }
        for (double v : colSum) {
            usedCols += v > 0 ? 1 : 0;
        }
        double correction = ((usedRows - 1) + (usedCols - 1) - (cells - 1)) / (2 * total);
        return Math.max(0, mutualInformationBits(counts) + correction / Math.log(2));
    }
}
