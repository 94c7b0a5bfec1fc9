package io.genie4j.genie.data;

import io.genie4j.env.DType;
import io.genie4j.env.Tensor;
import io.genie4j.env.episodes.Episode;
import io.genie4j.env.episodes.EpisodeDataset;
import io.genie4j.env.episodes.EpisodeReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * A directory of {@code .npz} episodes held in memory as uint8 frames and split into training and
 * validation sets by episode (never by frame), so validation frames come from episodes the model
 * never saw. The split is a hash of each file name: adding episodes never moves existing ones.
 */
public final class VideoDataset {

    private final Path dir;
    private final int size;
    private final List<Clip.Source> train;
    private final List<Clip.Source> validation;
    private final Map<String, Object> envOptions;
    private final int available;

    private VideoDataset(
            Path dir,
            int size,
            List<Clip.Source> train,
            List<Clip.Source> validation,
            Map<String, Object> envOptions,
            int available) {
        this.dir = dir;
        this.size = size;
        this.train = train;
        this.validation = validation;
        this.envOptions = envOptions;
        this.available = available;
    }

    /** The episodes the directory holds, loaded or not (see {@code maxEpisodes}). */
    public int available() {
        return available;
    }

    /**
     * The options the episodes' env was made with, as the manifest records them (such as CoinRun's
     * {@code art}); empty if it records none.
     */
    public Map<String, Object> envOptions() {
        return envOptions;
    }

    /**
     * Loads up to {@code maxEpisodes} episodes (all if ≤ 0) of {@code dir}, whose frames must be
     * {@code size × size × 3} uint8, sending about {@code validationFraction} of them to
     * validation.
     */
    public static VideoDataset load(Path dir, int size, double validationFraction, int maxEpisodes)
            throws IOException {
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException(
                    "validation fraction must be in [0, 1), got " + validationFraction);
        }
        List<Episode.Summary> episodes;
        Map<String, Object> envOptions = new java.util.TreeMap<>();
        try (EpisodeDataset ds = EpisodeDataset.open(dir)) {
            episodes = new ArrayList<>(ds.episodes());
            if (ds.metadata().get(EpisodeDataset.OPTIONS) instanceof Map<?, ?> m) {
                m.forEach((k, v) -> envOptions.put(String.valueOf(k), v));
            }
        }
        if (episodes.isEmpty()) {
            throw new IllegalArgumentException("no episodes in " + dir);
        }
        episodes.sort(java.util.Comparator.comparing(Episode.Summary::file));
        int available = episodes.size();
        if (maxEpisodes > 0 && episodes.size() > maxEpisodes) {
            episodes = episodes.subList(0, maxEpisodes);
            System.err.println(
                    "genie4j: "
                            + dir
                            + " holds "
                            + available
                            + " episodes; loading the first "
                            + maxEpisodes
                            + " by file name (maxEpisodes in the train config; 0 loads them all)");
        }
        List<Clip.Source> train = new ArrayList<>();
        List<Clip.Source> val = new ArrayList<>();
        for (Episode.Summary e : episodes) {
            Path file = dir.resolve(e.file());
            Tensor frames;
            int[] actions = null;
            float[] rewards;
            Clip.Replay replay = null;
            try (EpisodeReader r = EpisodeReader.open(file)) {
                if (r.metadata().get(Episode.ENV_OPTIONS) instanceof Map<?, ?> m
                        && r.envId() != null) {
                    Map<String, Object> o = new java.util.TreeMap<>();
                    m.forEach((k, v) -> o.put(String.valueOf(k), v));
                    replay = new Clip.Replay(r.envId(), o, r.seed());
                }
                frames = r.readFrames();
                rewards = r.rewards();
                Tensor a = r.actions();
                if (a != null && a.rank() == 1) {
                    actions = new int[a.size()];
                    for (int i = 0; i < actions.length; i++) {
                        actions[i] = (int) a.getLong(i);
                    }
                }
            }
            int[] s = frames.shape();
            if (frames.dtype() != DType.UINT8
                    || s.length != 4
                    || s[1] != size
                    || s[2] != size
                    || s[3] != 3) {
                throw new IllegalArgumentException(
                        file
                                + ": frames are "
                                + frames.describe()
                                + ", expected uint8 [T, "
                                + size
                                + ", "
                                + size
                                + ", 3]");
            }
            Clip.Source src =
                    new Clip.Source(
                            e.file(),
                            frames.toByteArray(),
                            s[0],
                            actions,
                            rewards,
                            e.terminated(),
                            replay);
            (isValidation(e.file(), validationFraction) ? val : train).add(src);
        }
        if (val.isEmpty() && validationFraction > 0 && train.size() > 1) {
            val.add(train.remove(train.size() - 1));
        }
        if (train.isEmpty()) {
            train.add(val.remove(val.size() - 1));
        }
        return new VideoDataset(
                dir, size, List.copyOf(train), List.copyOf(val), Map.copyOf(envOptions), available);
    }

    static boolean isValidation(String file, double fraction) {
        CRC32 crc = new CRC32();
        crc.update(file.getBytes(StandardCharsets.UTF_8));
        return (crc.getValue() % 10_000) < fraction * 10_000;
    }

    /** The directory. */
    public Path dir() {
        return dir;
    }

    /** Frame side in pixels. */
    public int size() {
        return size;
    }

    /** Training episodes. */
    public List<Clip.Source> train() {
        return train;
    }

    /** Validation episodes. */
    public List<Clip.Source> validation() {
        return validation;
    }

    /** Total frames in a split. */
    public static long frames(List<Clip.Source> split) {
        long n = 0;
        for (Clip.Source s : split) {
            n += s.frames();
        }
        return n;
    }

    /**
     * A uniformly random clip of {@code length} frames taken every {@code stride} frames from an
     * episode chosen in proportion to the clips it holds, written into {@code out} at {@code
     * offset}. Episodes too short for a clip are never chosen.
     */
    public static void sampleClip(
            List<Clip.Source> split, int length, int stride, Random rng, byte[] out, int offset) {
        int span = (length - 1) * stride + 1;
        long total = 0;
        for (Clip.Source s : split) {
            total += Math.max(0, s.frames() - span + 1);
        }
        if (total == 0) {
            throw new IllegalArgumentException(
                    "no episode has the " + span + " frames a clip of " + length + " needs");
        }
        long pick = (long) (rng.nextDouble() * total);
        for (Clip.Source s : split) {
            long n = Math.max(0, s.frames() - span + 1);
            if (pick < n) {
                s.copyClip((int) pick, length, stride, out, offset);
                return;
            }
            pick -= n;
        }
        Clip.Source last = split.get(split.size() - 1);
        last.copyClip(last.frames() - span, length, stride, out, offset);
    }

    /**
     * At most {@code maxClips} non-overlapping clips of {@code length} frames spread over the whole
     * split (all clips if ≤ 0 or if there are fewer): each episode gives an equal share (the
     * remainder to the first episodes; an episode with fewer clips gives them all and its unused
     * share goes to the others), placed evenly along the episode, so an evaluation sees every
     * episode and every part of an episode rather than the first episodes' beginnings.
     */
    public static List<Clip> spreadClips(List<Clip.Source> split, int length, int maxClips) {
        int[] available = new int[split.size()];
        long total = 0;
        for (int e = 0; e < available.length; e++) {
            available[e] = split.get(e).frames() / length;
            total += available[e];
        }
        if (maxClips <= 0 || total <= maxClips) {
            return clips(split, length, 0);
        }
        int[] take = new int[available.length];
        int left = maxClips;
        while (left > 0) {
            int open = 0;
            for (int e = 0; e < available.length; e++) {
                open += take[e] < available[e] ? 1 : 0;
            }
            int share = Math.max(1, left / open);
            for (int e = 0; e < available.length && left > 0; e++) {
                int add = Math.min(Math.min(share, available[e] - take[e]), left);
                take[e] += add;
                left -= add;
            }
        }
        List<Clip> out = new ArrayList<>();
        for (int e = 0; e < available.length; e++) {
            for (int i = 0; i < take[e]; i++) {
                int slot = (int) ((i + 0.5) * available[e] / take[e]);
                out.add(new Clip(split.get(e), slot * length, length));
            }
        }
        return out;
    }

    /**
     * Consecutive non-overlapping clips of {@code length} frames over every episode of a split (an
     * episode's tail shorter than a clip is left out), at most {@code maxClips} (all if ≤ 0).
     */
    public static List<Clip> clips(List<Clip.Source> split, int length, int maxClips) {
        List<Clip> out = new ArrayList<>();
        for (Clip.Source s : split) {
            for (int start = 0; start + length <= s.frames(); start += length) {
                out.add(new Clip(s, start, length));
                if (maxClips > 0 && out.size() >= maxClips) {
                    return out;
                }
            }
        }
        return out;
    }
}
