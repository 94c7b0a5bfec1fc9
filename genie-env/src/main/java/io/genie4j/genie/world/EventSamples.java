package io.genie4j.genie.world;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.genie4j.genie.data.Clip;
import io.genie4j.genie.nn.Patches;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Recorded transitions as the event heads see them: for each, the pooled state of the dynamics for
 * the frame the transition led to (read with the frozen tokenizer, LAM and dynamics over a clip of
 * up to 16 frames ending there), whether it paid a reward, whether it ended the episode, and the
 * number of transitions it stands for. Each episode gives its last clip (where CoinRun's events
 * are) in full and {@code randomClips} clips drawn from the rest, weighted up to the rest's size,
 * so weighted figures are those of whole episodes.
 *
 * @param states pooled states {@code [M][2D]}
 * @param rewards whether each transition paid a non-zero reward
 * @param rewardValues each transition's reward
 * @param terminals whether each transition ended its episode
 * @param weights the transitions each sample stands for
 */
public record EventSamples(
        float[][] states,
        boolean[] rewards,
        float[] rewardValues,
        boolean[] terminals,
        double[] weights) {

    /** The number of samples. */
    public int size() {
        return states.length;
    }

    /**
     * Reads the samples of {@code episodes} with {@code model}, {@code batch} clips at a time.
     * Episodes shorter than a clip are skipped.
     */
    public static EventSamples collect(
            WorldModel model, List<Clip.Source> episodes, int randomClips, long seed, int batch) {
        WorldConfig c = model.config();
        int length = Math.min(c.context(), 16);
        SplittableRandom random = new SplittableRandom(seed);
        List<Clip> clips = new ArrayList<>();
        List<Double> clipWeights = new ArrayList<>();
        for (Clip.Source e : episodes) {
            int t = e.frames();
            if (t < length) {
                continue;
            }
            clips.add(new Clip(e, t - length, length));
            clipWeights.add(1.0);
            int rest = t - length; // transitions before the last clip's
            if (randomClips > 0 && t >= 2 * length) {
                double w = (double) rest / (randomClips * (length - 1));
                for (int k = 0; k < randomClips; k++) {
                    clips.add(new Clip(e, random.nextInt(t - 2 * length + 2), length));
                    clipWeights.add(w);
                }
            }
        }
        int per = length - 1;
        int m = clips.size() * per;
        float[][] states = new float[m][];
        boolean[] rewards = new boolean[m];
        float[] values = new float[m];
        boolean[] terminals = new boolean[m];
        double[] weights = new double[m];
        try (NDManager base = model.manager().newSubManager()) {
            ParameterStore ps = new ParameterStore(base, false);
            for (int i = 0; i < clips.size(); i += batch) {
                int n = Math.min(batch, clips.size() - i);
                byte[] video = Clip.frames(clips, i, n);
                float[][] pooled;
                try (NDManager sm = base.newSubManager()) {
                    pooled = states(model, ps, sm, video, n, length);
                }
                for (int j = 0; j < n; j++) {
                    Clip clip = clips.get(i + j);
                    for (int f = 1; f < length; f++) {
                        int k = (i + j) * per + f - 1;
                        int transition = clip.start() + f - 1;
                        states[k] = pooled[j * per + f - 1];
                        values[k] = clip.source().reward(transition);
                        rewards[k] = values[k] != 0;
                        terminals[k] = clip.source().terminal(transition);
                        weights[k] = clipWeights.get(i + j);
                    }
                }
            }
        }
        return new EventSamples(states, rewards, values, terminals, weights);
    }

    /** Pooled states {@code [n * (length - 1)][2D]} of frames 1.. of each clip. */
    private static float[][] states(
            WorldModel model, ParameterStore ps, NDManager sm, byte[] video, int n, int length) {
        WorldConfig c = model.config();
        NDArray v = Patches.video(sm, video, n, length, c.imageSize(), c.imageSize(), 3);
        NDArray codes = WorldModel.tokenize(model.tokenizer(), ps, v, c.tokenizerWindow());
        long[] inferred = model.actions().infer(ps, v, codes).toLongArray();
        long[] ids = new long[n * length];
        for (int j = 0; j < n; j++) {
            for (int f = 1; f < length; f++) {
                ids[j * length + f] = inferred[j * (length - 1) + f - 1] + 1;
            }
        }
        int tokens = c.tokensPerFrame();
        NDArray features =
                model.dynamics()
                        .features(
                                ps,
                                codes.reshape(n, length, tokens),
                                sm.create(ids, new Shape(n, length)),
                                false)
                        .get(new NDIndex(":, 1:"));
        int dim = (int) features.getShape().get(3);
        return EventHeads.pool(features.toFloatArray(), n * (length - 1), tokens, dim);
    }

    /**
     * How well {@code heads} find the events of these samples: per head, AUROC, precision and
     * recall at its threshold, all weighted, with the events counted.
     */
    public Map<String, Object> score(EventHeads heads) {
        int m = size();
        double[] pr = new double[m];
        double[] pt = new double[m];
        for (int i = 0; i < m; i++) {
            double[] p = heads.probabilities(states[i]);
            pr[i] = p[0];
            pt[i] = p[1];
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("samples", m);
        out.put("reward", scoreHead(pr, rewards, heads::rewardFires));
        out.put("termination", scoreHead(pt, terminals, heads::terminationFires));
        return out;
    }

    private Map<String, Object> scoreHead(
            double[] p, boolean[] y, java.util.function.DoublePredicate fires) {
        double tp = 0;
        double fp = 0;
        double positives = 0;
        int events = 0;
        for (int i = 0; i < p.length; i++) {
            if (y[i]) {
                positives += weights[i];
                events++;
            }
            if (fires.test(p[i])) {
                if (y[i]) {
                    tp += weights[i];
                } else {
                    fp += weights[i];
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("events", events);
        out.put("auroc", round(auroc(p, y, weights)));
        out.put("precision", tp + fp == 0 ? null : round(tp / (tp + fp)));
        out.put("recall", positives == 0 ? null : round(tp / positives));
        return out;
    }

    /** Weighted area under the ROC curve (ties count half); NaN without both classes. */
    static double auroc(double[] p, boolean[] y, double[] w) {
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < p.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(p[a], p[b]));
        double negBelow = 0;
        double pos = 0;
        double neg = 0;
        double area = 0;
        int r = 0;
        while (r < order.length) {
            int s = r;
            double tiePos = 0;
            double tieNeg = 0;
            while (r < order.length && p[order[r]] == p[order[s]]) {
                int i = order[r];
                if (y[i]) {
                    tiePos += w[i];
                } else {
                    tieNeg += w[i];
                }
                r++;
            }
            area += tiePos * (negBelow + tieNeg / 2);
            negBelow += tieNeg;
            pos += tiePos;
            neg += tieNeg;
        }
        return pos == 0 || neg == 0 ? Double.NaN : area / (pos * neg);
    }

    private static Double round(double x) {
        return Double.isNaN(x) ? null : Math.round(x * 1000) / 1000.0;
    }
}
