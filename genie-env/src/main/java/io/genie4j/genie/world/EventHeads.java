package io.genie4j.genie.world;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genie4j.env.AtomicFiles;
import io.genie4j.genie.train.Checkpoints;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Reward and termination read off a world model's own state: two logistic heads on the dynamics'
 * output features of each generated frame (the mean and the maximum over the frame's tokens),
 * fitted on recorded episodes with the backbone frozen ({@link EventSamples}), stored beside the
 * model as {@value #FILE}. A head fires when its probability reaches its threshold (chosen for the
 * best F1 on the fitting episodes); a reward event pays {@link #rewardValue()}, the mean non-zero
 * reward seen. If every reward in the fitting episodes ended its episode (CoinRun's coin does), a
 * reward event ends the episode too ({@link #ends}), so a world cannot pay the same coin twice.
 */
public final class EventHeads {

    /** The file name in a model directory. */
    public static final String FILE = "event_heads.json";

    /** The "kind" field of the file. */
    public static final String KIND = "genie4j-event-heads";

    /** A threshold no probability reaches. */
    static final double NEVER = 2.0;

    /** One logistic head on standardised features. */
    public record Head(double[] weights, double bias, double threshold) {
        /** The probability of the event for standardised features {@code z}. */
        double probability(double[] z) {
            double s = bias;
            for (int i = 0; i < z.length; i++) {
                s += weights[i] * z[i];
            }
            return 1 / (1 + Math.exp(-s));
        }
    }

    private final double[] mean;
    private final double[] scale;
    private final Head reward;
    private final Head termination;
    private final double rewardValue;
    private final boolean rewardEndsEpisode;
    private final ObjectNode fit;

    EventHeads(
            double[] mean,
            double[] scale,
            Head reward,
            Head termination,
            double rewardValue,
            boolean rewardEndsEpisode,
            ObjectNode fit) {
        if (scale.length != mean.length
                || reward.weights().length != mean.length
                || termination.weights().length != mean.length) {
            throw new IllegalArgumentException("event heads of mismatched widths");
        }
        this.mean = mean;
        this.scale = scale;
        this.reward = reward;
        this.termination = termination;
        this.rewardValue = rewardValue;
        this.rewardEndsEpisode = rewardEndsEpisode;
        this.fit = fit;
    }

    /** The width of the state the heads read (twice the dynamics' feature width). */
    public int width() {
        return mean.length;
    }

    /** What a reward event pays. */
    public double rewardValue() {
        return rewardValue;
    }

    /** The probability of a reward event and of termination, for pooled state {@code state}. */
    public double[] probabilities(float[] state) {
        if (state.length != mean.length) {
            throw new IllegalArgumentException(
                    "a state of " + state.length + " numbers for heads of " + mean.length);
        }
        double[] z = new double[state.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = (state[i] - mean[i]) / scale[i];
        }
        return new double[] {reward.probability(z), termination.probability(z)};
    }

    /**
     * Whether a reward ends the episode: every rewarded transition of the fitting episodes was its
     * episode's last.
     */
    public boolean rewardEndsEpisode() {
        return rewardEndsEpisode;
    }

    /**
     * Whether the transition with event probabilities {@code p} ({@link #probabilities}) ends the
     * episode: the termination head fires, or the reward head does and rewards end episodes.
     */
    public boolean ends(double[] p) {
        return terminationFires(p[1]) || (rewardEndsEpisode && rewardFires(p[0]));
    }

    /**
     * These heads with a termination head that never fires: episodes then end only by a reward that
     * ends them ({@link #rewardEndsEpisode}) or by the time limit. For worlds in which the
     * termination head fires falsely more often than not.
     */
    public EventHeads withoutTermination() {
        Head never = new Head(termination.weights(), termination.bias(), NEVER);
        return new EventHeads(mean, scale, reward, never, rewardValue, rewardEndsEpisode, fit);
    }

    /** Whether the reward head fires for this probability. */
    public boolean rewardFires(double probability) {
        return probability >= reward.threshold();
    }

    /** Whether the termination head fires for this probability. */
    public boolean terminationFires(double probability) {
        return probability >= termination.threshold();
    }

    /**
     * The state the heads read, per world: the mean and then the maximum over the frame's tokens of
     * features {@code [B * N * D]} (row-major {@code [B, N, D]}).
     */
    public static float[][] pool(float[] features, int batch, int tokens, int dim) {
        float[][] out = new float[batch][2 * dim];
        for (int b = 0; b < batch; b++) {
            float[] o = out[b];
            java.util.Arrays.fill(o, dim, 2 * dim, Float.NEGATIVE_INFINITY);
            for (int n = 0; n < tokens; n++) {
                int base = (b * tokens + n) * dim;
                for (int d = 0; d < dim; d++) {
                    float x = features[base + d];
                    o[d] += x / tokens;
                    if (x > o[dim + d]) {
                        o[dim + d] = x;
                    }
                }
            }
        }
        return out;
    }

    /**
     * Fits both heads on samples: weighted logistic regression (the weights stand for the
     * transitions each sample represents, so probabilities are those of the episodes' own rates),
     * L2-regularised, full-batch Adam; each threshold maximises the weighted F1 on the samples.
     */
    public static EventHeads fit(EventSamples s, ObjectNode fitInfo) {
        int m = s.size();
        if (m == 0) {
            throw new IllegalArgumentException("no samples to fit event heads on");
        }
        int d = s.states()[0].length;
        double[] mean = new double[d];
        double[] scale = new double[d];
        double total = 0;
        for (int i = 0; i < m; i++) {
            total += s.weights()[i];
            for (int k = 0; k < d; k++) {
                mean[k] += s.weights()[i] * s.states()[i][k];
            }
        }
        for (int k = 0; k < d; k++) {
            mean[k] /= total;
        }
        for (int i = 0; i < m; i++) {
            for (int k = 0; k < d; k++) {
                double x = s.states()[i][k] - mean[k];
                scale[k] += s.weights()[i] * x * x;
            }
        }
        for (int k = 0; k < d; k++) {
            scale[k] = Math.sqrt(scale[k] / total) + 1e-6;
        }
        double[][] z = new double[m][d];
        for (int i = 0; i < m; i++) {
            for (int k = 0; k < d; k++) {
                z[i][k] = (s.states()[i][k] - mean[k]) / scale[k];
            }
        }
        Head reward = logistic(z, s.rewards(), s.weights(), total);
        Head termination = logistic(z, s.terminals(), s.weights(), total);
        double paid = 0;
        int paidCount = 0;
        boolean allEnded = true;
        for (int i = 0; i < m; i++) {
            if (s.rewards()[i]) {
                paid += s.rewardValues()[i];
                paidCount++;
                allEnded &= s.terminals()[i];
            }
        }
        return new EventHeads(
                mean,
                scale,
                reward,
                termination,
                paidCount == 0 ? 0 : paid / paidCount,
                paidCount > 0 && allEnded,
                fitInfo == null ? Checkpoints.JSON.createObjectNode() : fitInfo);
    }

    private static Head logistic(double[][] z, boolean[] y, double[] w, double total) {
        int m = z.length;
        int d = z[0].length;
        double[] theta = new double[d + 1]; // weights, then bias
        double[] g = new double[d + 1];
        double[] m1 = new double[d + 1];
        double[] m2 = new double[d + 1];
        double lr = 0.05;
        double l2 = 1e-3;
        for (int it = 1; it <= 400; it++) {
            java.util.Arrays.fill(g, 0);
            for (int i = 0; i < m; i++) {
                double sum = theta[d];
                for (int k = 0; k < d; k++) {
                    sum += theta[k] * z[i][k];
                }
                double p = 1 / (1 + Math.exp(-sum));
                double e = w[i] * (p - (y[i] ? 1 : 0)) / total;
                for (int k = 0; k < d; k++) {
                    g[k] += e * z[i][k];
                }
                g[d] += e;
            }
            for (int k = 0; k < d; k++) {
                g[k] += l2 * theta[k];
            }
            for (int k = 0; k <= d; k++) {
                m1[k] = 0.9 * m1[k] + 0.1 * g[k];
                m2[k] = 0.999 * m2[k] + 0.001 * g[k] * g[k];
                double mh = m1[k] / (1 - Math.pow(0.9, it));
                double vh = m2[k] / (1 - Math.pow(0.999, it));
                theta[k] -= lr * mh / (Math.sqrt(vh) + 1e-8);
            }
        }
        double[] weights = java.util.Arrays.copyOf(theta, d);
        Head h = new Head(weights, theta[d], 0.5);
        double[] p = new double[m];
        for (int i = 0; i < m; i++) {
            p[i] = h.probability(z[i]);
        }
        return new Head(weights, theta[d], bestF1Threshold(p, y, w));
    }

    /** The threshold among the samples' probabilities with the best weighted F1. */
    static double bestF1Threshold(double[] p, boolean[] y, double[] w) {
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < p.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        double positives = 0;
        for (int i = 0; i < p.length; i++) {
            positives += y[i] ? w[i] : 0;
        }
        if (positives == 0) {
            return NEVER; // no event to find: the head never fires
        }
        double tp = 0;
        double fp = 0;
        double best = -1;
        double threshold = 0.5;
        for (int r = 0; r < order.length; r++) {
            int i = order[r];
            if (y[i]) {
                tp += w[i];
            } else {
                fp += w[i];
            }
            if (r + 1 < order.length && p[order[r + 1]] == p[i]) {
                continue;
            }
            double f1 = positives == 0 ? 0 : 2 * tp / (tp + fp + positives);
            if (f1 > best) {
                best = f1;
                threshold = p[i];
            }
        }
        return threshold;
    }

    /** The heads as JSON (the file's content). */
    public ObjectNode toJson() {
        ObjectNode root = Checkpoints.JSON.createObjectNode();
        root.put("kind", KIND);
        root.put("version", 1);
        root.put("state", "mean then max over the frame's tokens of the dynamics' output features");
        root.put("reward_value", rewardValue);
        root.put("reward_ends_episode", rewardEndsEpisode);
        root.set("fit", fit);
        putArray(root, "mean", mean);
        putArray(root, "scale", scale);
        putHead(root.putObject("reward"), reward);
        putHead(root.putObject("termination"), termination);
        return root;
    }

    private static void putHead(ObjectNode node, Head h) {
        node.put("bias", h.bias());
        node.put("threshold", h.threshold());
        putArray(node, "weights", h.weights());
    }

    private static void putArray(ObjectNode node, String name, double[] values) {
        ArrayNode a = node.putArray(name);
        for (double v : values) {
            a.add(v);
        }
    }

    /** Writes the heads into model directory {@code dir} atomically. */
    public void save(Path dir) throws IOException {
        AtomicFiles.writeString(
                dir.resolve(FILE), Checkpoints.JSON.writeValueAsString(toJson()) + "\n");
    }

    /** The heads a model source holds, or null if it has none. */
    public static EventHeads load(Checkpoints.Source source) throws IOException {
        if (!source.has(FILE)) {
            return null;
        }
        try (InputStream in = source.open(FILE)) {
            JsonNode root = Checkpoints.JSON.readTree(in);
            String where = source.where(FILE);
            if (!KIND.equals(root.path("kind").asText())) {
                throw new IllegalArgumentException(where + " is not a file of event heads");
            }
            try {
                return new EventHeads(
                        doubles(root.path("mean")),
                        doubles(root.path("scale")),
                        head(root.path("reward")),
                        head(root.path("termination")),
                        root.path("reward_value").asDouble(),
                        root.path("reward_ends_episode").asBoolean(false),
                        root.path("fit").isObject()
                                ? (ObjectNode) root.path("fit")
                                : Checkpoints.JSON.createObjectNode());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage());
            }
        }
    }

    private static Head head(JsonNode n) {
        return new Head(
                doubles(n.path("weights")),
                n.path("bias").asDouble(),
                n.path("threshold").asDouble(0.5));
    }

    private static double[] doubles(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asDouble();
        }
        return out;
    }
}
