package io.genie4j.genie.lam;

import io.genie4j.genie.data.Clip;
import io.genie4j.genie.data.VideoDataset;
import io.genie4j.genie.train.TrainingLoop;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * The transitions a {@link ConvLatentActionModel} learns from: each is three consecutive frames
 * x_{t−1}, x_t, x_{t+1} of one episode and the real action taken between x_t and x_{t+1} (-1 where
 * the episode records none). Batches are drawn uniformly over all transitions of all sources, and
 * batch k depends only on the seed and k, so a resumed run sees the batches it would have.
 */
public final class Transitions implements TrainingLoop.Batches<Transitions.Batch> {

    /**
     * A batch: frames uint8 {@code [B, 3, H, W, 3]} in one array, the real actions and whether each
     * may train the label head.
     */
    public record Batch(byte[] frames, long[] actions, float[] labelled) {}

    private final List<Clip.Source> sources;
    private final boolean[] labelSource;
    private final long[] cumulative;
    private final int batch;
    private final long seed;
    private final double labelledShare;
    private final int extraLabelled;
    private final long[] labelledPool;
    private long next;

    /**
     * Batches of {@code batch} transitions from {@code sources}, starting at batch {@code first}.
     * Transitions of sources flagged in {@code labelSource} are labelled when their real action is
     * known and their hash falls in the {@code labelledShare} (the same transitions every run).
     */
    public Transitions(
            List<Clip.Source> sources,
            boolean[] labelSource,
            double labelledShare,
            int batch,
            long seed,
            long first) {
        this(sources, labelSource, labelledShare, batch, 0, seed, first);
    }

    /**
     * As above, with {@code extraLabelled} more transitions in each batch drawn from the labelled
     * share alone, so a small share still gives every step some labels.
     */
    public Transitions(
            List<Clip.Source> sources,
            boolean[] labelSource,
            double labelledShare,
            int batch,
            int extraLabelled,
            long seed,
            long first) {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("no episodes to draw transitions from");
        }
        this.sources = List.copyOf(sources);
        this.labelSource = labelSource.clone();
        this.labelledShare = labelledShare;
        this.batch = batch;
        this.seed = seed;
        this.next = first;
        cumulative = new long[sources.size() + 1];
        for (int i = 0; i < sources.size(); i++) {
            cumulative[i + 1] = cumulative[i] + count(sources.get(i));
        }
        if (cumulative[sources.size()] == 0) {
            throw new IllegalArgumentException("no episode has the 3 frames a transition needs");
        }
        this.extraLabelled = extraLabelled;
        List<Long> pool = new ArrayList<>();
        if (extraLabelled > 0) {
            for (int i = 0; i < sources.size(); i++) {
                Clip.Source s = sources.get(i);
                for (int start = 0; labelSource[i] && start < count(s); start++) {
                    if (s.action(start + 1) >= 0 && inShare(s.name(), start + 1, labelledShare)) {
                        pool.add(cumulative[i] + start);
                    }
                }
            }
            if (pool.isEmpty()) {
                throw new IllegalArgumentException(
                        "no action-labelled transition falls in the labelled share "
                                + labelledShare
                                + " of the first dataset: it needs recorded actions");
            }
        }
        labelledPool = pool.stream().mapToLong(Long::longValue).toArray();
    }

    /** The transitions of the labelled share (drawn from for the extra labelled ones). */
    public int labelledTransitions() {
        return labelledPool.length;
    }

    /** The transitions of an episode: one per frame that has a frame before and after it. */
    public static int count(Clip.Source s) {
        return Math.max(0, s.frames() - 2);
    }

    /** Transitions in each batch, the extra labelled ones included. */
    public int batchSize() {
        return batch + extraLabelled;
    }

    /** All transitions. */
    public long size() {
        return cumulative[sources.size()];
    }

    /** Whether transition {@code t} (its x_t) of episode {@code name} is in the labelled share. */
    public static boolean inShare(String name, int t, double share) {
        if (share <= 0) {
            return false;
        }
        CRC32 crc = new CRC32();
        crc.update((name + "#" + t).getBytes(StandardCharsets.UTF_8));
        return (crc.getValue() % 1_000_000) < share * 1_000_000;
    }

    @Override
    public Batch next() {
        Random rng = new Random(seed * 0x9E3779B97F4A7C15L + next++);
        int fb = sources.get(0).frameBytes();
        int n = batch + extraLabelled;
        byte[] frames = new byte[n * 3 * fb];
        long[] actions = new long[n];
        float[] labelled = new float[n];
        long total = size();
        for (int i = 0; i < n; i++) {
            long pick =
                    i < batch
                            ? (long) (rng.nextDouble() * total)
                            : labelledPool[rng.nextInt(labelledPool.length)];
            int src = source(pick);
            Clip.Source s = sources.get(src);
            int start = (int) (pick - cumulative[src]);
            s.copyClip(start, 3, 1, frames, i * 3 * fb);
            int a = s.action(start + 1);
            actions[i] = Math.max(a, 0);
            labelled[i] =
                    a >= 0 && labelSource[src] && inShare(s.name(), start + 1, labelledShare)
                            ? 1
                            : 0;
        }
        return new Batch(frames, actions, labelled);
    }

    private int source(long pick) {
        int lo = 0;
        int hi = sources.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (cumulative[mid] <= pick) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** The training episodes of several datasets, in order, with which ones may give labels. */
    public record Sources(List<Clip.Source> episodes, boolean[] labelSource) {
        /** Joins datasets' training splits; labels may come from the first only. */
        public static Sources of(List<VideoDataset> datasets) {
            List<Clip.Source> all = new ArrayList<>();
            List<Boolean> flags = new ArrayList<>();
            for (int d = 0; d < datasets.size(); d++) {
                for (Clip.Source s : datasets.get(d).train()) {
                    all.add(s);
                    flags.add(d == 0);
                }
            }
            boolean[] f = new boolean[flags.size()];
            for (int i = 0; i < f.length; i++) {
                f[i] = flags.get(i);
            }
            return new Sources(all, f);
        }
    }
}
