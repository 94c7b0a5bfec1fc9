package io.genie4j.genie.lam;

import java.util.Arrays;
import java.util.Random;

/**
 * The discrete actions of latent actions: {@code k} centroids, and each latent's action is its
 * nearest centroid. The centroids are a trained quantiser's unit codes, or are fitted by k-means
 * (k-means++ seeding, then Lloyd's iterations) where no quantiser was trained.
 */
public final class ActionCodebook {
    private final float[][] centroids;

    /** A codebook with these centroids ({@code [k][d]}, copied). */
    public ActionCodebook(float[][] centroids) {
        if (centroids.length < 2) {
            throw new IllegalArgumentException(
                    "a codebook needs at least 2 centroids, got " + centroids.length);
        }
        int d = centroids[0].length;
        this.centroids = new float[centroids.length][];
        for (int i = 0; i < centroids.length; i++) {
            if (centroids[i].length != d) {
                throw new IllegalArgumentException(
                        "centroid " + i + " has " + centroids[i].length + " values, expected " + d);
            }
            this.centroids[i] = centroids[i].clone();
        }
    }

    /**
     * Fits {@code k} centroids to {@code latents} ({@code [n][d]}, n ≥ k) by k-means with {@code
     * iterations} rounds at most, seeded by {@code seed}. A cluster that empties is re-seeded at
     * the latent farthest from its centroid, so all {@code k} actions stay in use.
     */
    public static ActionCodebook fit(float[][] latents, int k, int iterations, long seed) {
        return fit(latents, k, iterations, seed, 1);
    }

    /**
     * As {@link #fit(float[][], int, int, long)}, keeping the best of {@code restarts} seedings
     * (the least sum of squared distances): one k-means++ seeding can merge two clusters and split
     * another.
     */
    public static ActionCodebook fit(
            float[][] latents, int k, int iterations, long seed, int restarts) {
        ActionCodebook best = null;
        double bestCost = Double.MAX_VALUE;
        for (int r = 0; r < restarts; r++) {
            ActionCodebook c = fitOnce(latents, k, iterations, seed + 7919L * r);
            double cost = 0;
            for (float[] x : latents) {
                cost += distance(x, c.centroids[nearest(c.centroids, x)]);
            }
            if (cost < bestCost) {
                bestCost = cost;
                best = c;
            }
        }
        return best;
    }

    private static ActionCodebook fitOnce(float[][] latents, int k, int iterations, long seed) {
        int n = latents.length;
        if (n < k) {
            throw new IllegalArgumentException(
                    "k-means over " + n + " latents cannot make " + k + " actions");
        }
        int d = latents[0].length;
        Random rng = new Random(seed);
        float[][] c = new float[k][];
        c[0] = latents[rng.nextInt(n)].clone();
        double[] near = new double[n];
        Arrays.fill(near, Double.MAX_VALUE);
        for (int j = 1; j < k; j++) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                near[i] = Math.min(near[i], distance(latents[i], c[j - 1]));
                total += near[i];
            }
            double pick = rng.nextDouble() * total;
            int chosen = n - 1;
            for (int i = 0; i < n; i++) {
                pick -= near[i];
                if (pick <= 0) {
                    chosen = i;
                    break;
                }
            }
            c[j] = latents[chosen].clone();
        }
        int[] assign = new int[n];
        for (int it = 0; it < iterations; it++) {
            boolean changed = it == 0;
            double[][] sums = new double[k][d];
            int[] counts = new int[k];
            for (int i = 0; i < n; i++) {
                int a = nearest(c, latents[i]);
                changed |= a != assign[i];
                assign[i] = a;
                counts[a]++;
                for (int q = 0; q < d; q++) {
                    sums[a][q] += latents[i][q];
                }
            }
            for (int j = 0; j < k; j++) {
                if (counts[j] == 0) {
                    int far = 0;
                    double best = -1;
                    for (int i = 0; i < n; i++) {
                        double dist = distance(latents[i], c[assign[i]]);
                        if (dist > best) {
                            best = dist;
                            far = i;
                        }
                    }
                    c[j] = latents[far].clone();
                    assign[far] = j;
                    changed = true;
                    continue;
                }
                for (int q = 0; q < d; q++) {
                    c[j][q] = (float) (sums[j][q] / counts[j]);
                }
            }
            if (!changed) {
                break;
            }
        }
        return new ActionCodebook(c);
    }

    /** The number of actions. */
    public int size() {
        return centroids.length;
    }

    /** The latent's size. */
    public int dim() {
        return centroids[0].length;
    }

    /** The action (nearest centroid) of a latent. */
    public int action(float[] latent) {
        if (latent.length != dim()) {
            throw new IllegalArgumentException(
                    "latent has " + latent.length + " values, the codebook " + dim());
        }
        return nearest(centroids, latent);
    }

    /** A copy of the centroids. */
    public float[][] centroids() {
        float[][] out = new float[centroids.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = centroids[i].clone();
        }
        return out;
    }

    private static int nearest(float[][] c, float[] x) {
        int best = 0;
        double bestD = Double.MAX_VALUE;
        for (int j = 0; j < c.length; j++) {
            double dist = distance(x, c[j]);
            if (dist < bestD) {
                bestD = dist;
                best = j;
            }
        }
        return best;
    }

    private static double distance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double t = a[i] - b[i];
            s += t * t;
        }
        return s;
    }
}
