package io.genie4j.genie.lam;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genie4j.env.Tensor;
import io.genie4j.env.episodes.Episode;
import io.genie4j.env.episodes.EpisodeDataset;
import io.genie4j.env.episodes.EpisodeReader;
import io.genie4j.genie.metrics.ImageMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * How much a latent action model's actions say about the real ones, on action-labelled episodes the
 * model did not train on: the mutual information between its discrete action and the real action
 * (15-way, and over the 6 classes {left, none, right} × {jump, no jump}), plug-in and Miller–Madow
 * corrected, with a bootstrap over episodes; a linear probe of the real action from the continuous
 * latent (fitted on half the episodes, scored on the other half) beside the majority class; how
 * well a code-to-class table does; and, for a supervised LAM, its label head.
 */
public final class LamEval {
    /** The six classes, in index order. */
    public static final List<String> CLASSES =
            List.of("left", "left+jump", "none", "none+jump", "right", "right+jump");

    private static final int BATCH = 128;
    private static final int BOOTSTRAP = 200;
    private static final int PROBE_ITERATIONS = 300;
    private static final int PROBE_MAX = 40_000;

    private LamEval() {}

    /**
     * The class of a CoinRun action: 0–8 are the 3×3 moves (x = a / 3 − 1, jump when a % 3 == 2);
     * 9–14 act as NOOP.
     */
    public static int sixClass(int action) {
        if (action < 0 || action >= 9) {
            return 2;
        }
        return (action / 3) * 2 + (action % 3 == 2 ? 1 : 0);
    }

    /** Every labelled transition of a dataset with its episode, real action and latent. */
    record Labelled(int[] episode, int[] action, float[][] latents, int[] codes, int episodes) {}

    /**
     * Reads up to {@code maxEpisodes} episodes (all if ≤ 0, in file order) of {@code data} and runs
     * the inverse model on each transition whose real action is recorded.
     */
    static Labelled label(LatentActions lam, Path data, int maxEpisodes) throws IOException {
        int s = lam.config().imageSize();
        int fb = s * s * 3;
        List<Episode.Summary> files;
        try (EpisodeDataset ds = EpisodeDataset.open(data)) {
            files = new ArrayList<>(ds.episodes());
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no episodes in " + data);
        }
        files.sort(Comparator.comparing(Episode.Summary::file));
        if (maxEpisodes > 0 && files.size() > maxEpisodes) {
            files = files.subList(0, maxEpisodes);
        }
        List<int[]> meta = new ArrayList<>(); // episode, action
        List<float[]> latents = new ArrayList<>();
        byte[] batch = new byte[BATCH * 3 * fb];
        int[][] pending = new int[BATCH][];
        int n = 0;
        int episode = 0;
        for (Episode.Summary e : files) {
            Tensor frames;
            Tensor actions;
            try (EpisodeReader r = EpisodeReader.open(data.resolve(e.file()))) {
                frames = r.readFrames();
                actions = r.actions();
            }
            if (actions == null) {
                throw new IllegalArgumentException(
                        data.resolve(e.file())
                                + " records no actions: eval lam needs action-labelled episodes"
                                + " (record them with genie4j record)");
            }
            int[] shape = frames.shape();
            if (shape.length != 4 || shape[1] != s || shape[2] != s || shape[3] != 3) {
                throw new IllegalArgumentException(
                        data.resolve(e.file())
                                + ": frames are "
                                + frames.describe()
                                + ", the LAM takes uint8 [T, "
                                + s
                                + ", "
                                + s
                                + ", 3]");
            }
            byte[] px = frames.toByteArray();
            for (int t = 1; t + 1 < shape[0] && t < actions.size(); t++) {
                int a = (int) actions.getLong(t);
                if (a < 0) {
                    continue;
                }
                System.arraycopy(px, (t - 1) * fb, batch, n * 3 * fb, 3 * fb);
                pending[n++] = new int[] {episode, a};
                if (n == BATCH) {
                    flush(lam, batch, pending, n, meta, latents);
                    n = 0;
                }
            }
            episode++;
        }
        if (n > 0) {
            flush(lam, java.util.Arrays.copyOf(batch, n * 3 * fb), pending, n, meta, latents);
        }
        int m = meta.size();
        int[] ep = new int[m];
        int[] act = new int[m];
        int[] codes = new int[m];
        float[][] z = latents.toArray(new float[0][]);
        for (int i = 0; i < m; i++) {
            ep[i] = meta.get(i)[0];
            act[i] = meta.get(i)[1];
            codes[i] = lam.codebook().action(z[i]);
        }
        return new Labelled(ep, act, z, codes, episode);
    }

    private static void flush(
            LatentActions lam,
            byte[] batch,
            int[][] pending,
            int n,
            List<int[]> meta,
            List<float[]> latents) {
        float[][] z = lam.latents(batch, n);
        for (int i = 0; i < n; i++) {
            meta.add(pending[i]);
            latents.add(z[i]);
        }
    }

    /**
     * The evaluation of {@code lam} on the action-labelled episodes of {@code data} as JSON.
     *
     * @param maxEpisodes episodes to read (all if ≤ 0)
     * @param seed the bootstrap's seed
     */
    public static ObjectNode evaluate(LatentActions lam, Path data, int maxEpisodes, long seed)
            throws IOException {
        Labelled l = label(lam, data, maxEpisodes);
        int n = l.action().length;
        if (n == 0) {
            throw new IllegalArgumentException("no labelled transitions in " + data);
        }
        int k = lam.codebook().size();
        int[] six = new int[n];
        for (int i = 0; i < n; i++) {
            six[i] = sixClass(l.action()[i]);
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("data", data.toAbsolutePath().toString());
        out.put("episodes", l.episodes());
        out.put("transitions", n);
        long[] usage = new long[k];
        for (int c : l.codes()) {
            usage[c]++;
        }
        ArrayNode u = out.putArray("code_counts");
        for (long c : usage) {
            u.add(c);
        }
        out.put("codes_used", ImageMetrics.used(usage));
        out.put("code_perplexity", round(ImageMetrics.perplexity(usage)));
        Random rng = new Random(seed);
        ObjectNode mi = out.putObject("mutual_information_bits");
        mi.set("actions_15", mutualInformation(l, l.action(), k, 15, rng));
        mi.set("classes_6", mutualInformation(l, six, k, 6, rng));
        ObjectNode probe = out.putObject("linear_probe");
        probe.put("fitted_on", "even-numbered episodes");
        probe.put("scored_on", "odd-numbered episodes");
        probe.set("actions_15", probe(l, l.action(), 15, k));
        probe.set("classes_6", probe(l, six, 6, k));
        if (lam.config().supervised()) {
            int[] head = lam.labelHead(l.latents());
            int right15 = 0;
            int right6 = 0;
            for (int i = 0; i < n; i++) {
                right15 += head[i] == l.action()[i] ? 1 : 0;
                right6 += sixClass(head[i]) == six[i] ? 1 : 0;
            }
            ObjectNode h = out.putObject("label_head_accuracy");
            h.set("actions_15", proportion(right15, n));
            h.set("classes_6", proportion(right6, n));
        }
        return out;
    }

    private static ObjectNode mutualInformation(
            Labelled l, int[] label, int codes, int classes, Random rng) {
        int episodes = l.episodes();
        long[][][] perEpisode = new long[episodes][codes][classes];
        long[][] all = new long[codes][classes];
        long[] labels = new long[classes];
        for (int i = 0; i < label.length; i++) {
            perEpisode[l.episode()[i]][l.codes()[i]][label[i]]++;
            all[l.codes()[i]][label[i]]++;
            labels[label[i]]++;
        }
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("plug_in", round(ImageMetrics.mutualInformationBits(all)));
        o.put("corrected", round(ImageMetrics.mutualInformationBitsCorrected(all)));
        double[] boot = new double[BOOTSTRAP];
        for (int b = 0; b < BOOTSTRAP; b++) {
            long[][] t = new long[codes][classes];
            for (int e = 0; e < episodes; e++) {
                long[][] pe = perEpisode[rng.nextInt(episodes)];
                for (int c = 0; c < codes; c++) {
                    for (int a = 0; a < classes; a++) {
                        t[c][a] += pe[c][a];
                    }
                }
            }
            boot[b] = ImageMetrics.mutualInformationBitsCorrected(t);
        }
        java.util.Arrays.sort(boot);
        ArrayNode ci = o.putArray("corrected_ci95");
        ci.add(round(boot[(int) (0.025 * BOOTSTRAP)]));
        ci.add(round(boot[(int) (0.975 * BOOTSTRAP) - 1]));
        o.put("label_entropy_bits", round(entropyBits(labels)));
        return o;
    }

    private static ObjectNode probe(Labelled l, int[] label, int classes, int codes) {
        List<float[]> trainX = new ArrayList<>();
        List<Integer> trainY = new ArrayList<>();
        List<float[]> testX = new ArrayList<>();
        List<Integer> testY = new ArrayList<>();
        long[] trainCounts = new long[classes];
        long[][] codeTable = new long[codes][classes];
        List<Integer> testCodes = new ArrayList<>();
        for (int i = 0; i < label.length; i++) {
            if (l.episode()[i] % 2 == 0) {
                trainX.add(l.latents()[i]);
                trainY.add(label[i]);
                trainCounts[label[i]]++;
                codeTable[l.codes()[i]][label[i]]++;
            } else {
                testX.add(l.latents()[i]);
                testY.add(label[i]);
                testCodes.add(l.codes()[i]);
            }
        }
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        if (trainX.isEmpty() || testX.isEmpty()) {
            o.put("skipped", "a probe needs at least two episodes");
            return o;
        }
        // Subsample the fit set evenly so the probe stays quick on large sets.
        int stride = Math.max(1, (trainX.size() + PROBE_MAX - 1) / PROBE_MAX);
        List<float[]> fx = new ArrayList<>();
        List<Integer> fy = new ArrayList<>();
        for (int i = 0; i < trainX.size(); i += stride) {
            fx.add(trainX.get(i));
            fy.add(trainY.get(i));
        }
        LinearProbe p =
                LinearProbe.fit(
                        fx.toArray(new float[0][]),
                        fy.stream().mapToInt(Integer::intValue).toArray(),
                        classes,
                        PROBE_ITERATIONS);
        float[][] tx = testX.toArray(new float[0][]);
        int[] ty = testY.stream().mapToInt(Integer::intValue).toArray();
        int right = (int) Math.round(p.accuracy(tx, ty) * tx.length);
        o.set("accuracy", proportion(right, tx.length));
        int majority = 0;
        for (int c = 1; c < classes; c++) {
            if (trainCounts[c] > trainCounts[majority]) {
                majority = c;
            }
        }
        int majorityRight = 0;
        int tableRight = 0;
        for (int i = 0; i < ty.length; i++) {
            majorityRight += ty[i] == majority ? 1 : 0;
            long[] row = codeTable[testCodes.get(i)];
            int best = majority;
            for (int c = 0; c < classes; c++) {
                if (row[c] > row[best]) {
                    best = c;
                }
            }
            tableRight += ty[i] == best ? 1 : 0;
        }
        o.set("majority_class_accuracy", proportion(majorityRight, ty.length));
        o.set("code_table_accuracy", proportion(tableRight, ty.length));
        o.put("fitted_transitions", fx.size());
        return o;
    }

    /** A proportion with its Wilson 95% interval. */
    static ObjectNode proportion(int right, int n) {
        double p = (double) right / n;
        double z = 1.959964;
        double denom = 1 + z * z / n;
        double centre = (p + z * z / (2.0 * n)) / denom;
        double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / denom;
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("value", round(p));
        ArrayNode ci = o.putArray("ci95");
        ci.add(round(centre - half));
        ci.add(round(centre + half));
        o.put("n", n);
        return o;
    }

    static double entropyBits(long[] counts) {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        double h = 0;
        for (long c : counts) {
            if (c > 0) {
                double p = (double) c / n;
                h -= p * Math.log(p) / Math.log(2);
            }
        }
        return h;
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
