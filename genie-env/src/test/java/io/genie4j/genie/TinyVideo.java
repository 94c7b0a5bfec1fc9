package io.genie4j.genie;

import io.genie4j.env.Tensor;
import io.genie4j.env.episodes.EpisodeDataset;
import io.genie4j.env.episodes.EpisodeWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Writes small synthetic episodes: a coloured square moving over a flat background. */
public final class TinyVideo {

    private TinyVideo() {}

    public static byte[] frame(int size, int episode, int t) {
        byte[] f = new byte[size * size * 3];
        int bg = 40 + 50 * (episode % 3);
        for (int i = 0; i < size * size; i++) {
            f[i * 3] = (byte) bg;
            f[i * 3 + 1] = (byte) (200 - bg);
            f[i * 3 + 2] = (byte) 90;
        }
        int x0 = (t + episode) % (size - 4);
        int y0 = (2 * t / 3 + episode) % (size - 4);
        for (int y = y0; y < y0 + 4; y++) {
            for (int x = x0; x < x0 + 4; x++) {
                int o = (y * size + x) * 3;
                f[o] = (byte) 250;
                f[o + 1] = (byte) 230;
                f[o + 2] = (byte) 20;
            }
        }
        return f;
    }

    public static void write(Path dir, int size, int episodes, int frames) throws IOException {
        try (EpisodeDataset ds = EpisodeDataset.openOrCreate(dir, "tiny", Map.of())) {
            for (int e = 0; e < episodes; e++) {
                try (EpisodeWriter w = ds.newEpisode("ep" + e + ".npz", e, Map.of())) {
                    w.reset(Tensor.uint8(frame(size, e, 0), size, size, 3));
                    for (int t = 1; t < frames; t++) {
                        w.step(0, Tensor.uint8(frame(size, e, t), size, size, 3), 0, false, false);
                    }
                    w.finish();
                }
            }
        }
    }
}
