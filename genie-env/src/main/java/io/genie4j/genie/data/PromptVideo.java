package io.genie4j.genie.data;

import io.genie4j.env.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prompt frames drawn from recorded video: the frames of a directory of episodes ({@code genie4j
 * record}), one chosen per episode seed, uniformly over every frame but each episode's last (the
 * state after its end). Worlds started from frames all along real episodes, not only from levels'
 * first frames, put an agent trained in them in the situations of a whole episode, its end
 * included; DIAMOND (Alonso et al. 2024) and IRIS (Micheli et al. 2023) likewise start their
 * imagined rollouts from states of the real game.
 */
public final class PromptVideo {

    private static final Map<String, PromptVideo> LOADED = new ConcurrentHashMap<>();

    private final Path dir;
    private final int size;
    private final List<Clip.Source> episodes;
    // ends[e]: the number of frames that can be drawn from episodes 0..e.
    private final long[] ends;
    private final Map<String, Object> envOptions;

    private PromptVideo(Path dir, int size, List<Clip.Source> episodes, Map<String, Object> opts) {
        this.dir = dir;
        this.size = size;
        this.episodes = episodes;
        this.ends = new long[episodes.size()];
        long total = 0;
        for (int e = 0; e < episodes.size(); e++) {
            total += Math.max(1, episodes.get(e).frames() - 1);
            ends[e] = total;
        }
        this.envOptions = opts;
    }

    /**
     * The episodes in {@code dir}, whose frames must be {@code size × size} RGB; loaded once per
     * process and directory.
     *
     * @throws IllegalArgumentException if {@code dir} is not a directory of recorded episodes of
     *     that frame size
     */
    public static PromptVideo load(Path dir, int size) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(
                    "prompt_video must be a directory of recorded episodes (genie4j record --out"
                            + " DIR); "
                            + dir
                            + " is not a directory");
        }
        Path real;
        try {
            real = dir.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return LOADED.computeIfAbsent(
                real + "#" + size,
                k -> {
                    try {
                        VideoDataset ds = VideoDataset.load(real, size, 0, 0);
                        return new PromptVideo(real, size, ds.train(), ds.envOptions());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    /** The frame for {@code seed}: uint8 {@code [size, size, 3]}; the same seed, the same frame. */
    public Tensor frame(long seed) {
        long i = new SplittableRandom(seed).nextLong(ends[ends.length - 1]);
        int e = Arrays.binarySearch(ends, i + 1);
        e = e >= 0 ? e : -e - 1;
        int t = (int) (i - (e == 0 ? 0 : ends[e - 1]));
        Clip.Source src = episodes.get(e);
        int fb = size * size * 3;
        byte[] f = new byte[fb];
        System.arraycopy(src.pixels(), t * fb, f, 0, fb);
        return Tensor.uint8(f, size, size, 3);
    }

    /** The number of frames prompts are drawn from. */
    public long frames() {
        return ends[ends.length - 1];
    }

    /** The options the episodes' env was recorded with (such as CoinRun's {@code art}). */
    public Map<String, Object> envOptions() {
        return envOptions;
    }

    /** The directory, as a real path. */
    public Path dir() {
        return dir;
    }
}
