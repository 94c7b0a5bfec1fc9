package io.genie4j.genie.lam;

import io.genie4j.env.Tensor;
import io.genie4j.env.episodes.EpisodeDataset;
import io.genie4j.env.episodes.EpisodeWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * Synthetic video whose answer is known: a sprite on a torus moved 2 pixels by each step's action,
 * which is one of CoinRun's LEFT (1), NOOP (4), RIGHT (7) and UP (5), chosen at random.
 */
final class SteeredSprite {
    static final int[] ACTIONS = {1, 4, 7, 5};

    private SteeredSprite() {}

    static byte[] frame(int size, int x, int y) {
        byte[] f = new byte[size * size * 3];
        for (int i = 0; i < size * size; i++) {
            f[i * 3] = 30;
            f[i * 3 + 1] = 60;
            f[i * 3 + 2] = 90;
        }
        for (int dy = 0; dy < 4; dy++) {
            for (int dx = 0; dx < 4; dx++) {
                int o = (Math.floorMod(y + dy, size) * size + Math.floorMod(x + dx, size)) * 3;
                f[o] = (byte) 250;
                f[o + 1] = (byte) (dx == 0 ? 40 : 230);
                f[o + 2] = 20;
            }
        }
        return f;
    }

    static void write(Path dir, int size, int episodes, int frames, long seed) throws IOException {
        Random rng = new Random(seed);
        try (EpisodeDataset ds = EpisodeDataset.openOrCreate(dir, "steered-sprite", Map.of())) {
            for (int e = 0; e < episodes; e++) {
                int x = rng.nextInt(size);
                int y = rng.nextInt(size);
                try (EpisodeWriter w = ds.newEpisode("ep" + e + ".npz", e, Map.of())) {
                    w.reset(Tensor.uint8(frame(size, x, y), size, size, 3));
                    for (int t = 1; t < frames; t++) {
                        int a = ACTIONS[rng.nextInt(ACTIONS.length)];
                        x += a == 1 ? -2 : a == 7 ? 2 : 0;
                        y += a == 5 ? -2 : 0;
                        w.step(a, Tensor.uint8(frame(size, x, y), size, size, 3), 0, false, false);
                    }
                    w.finish();
                }
            }
        }
    }
}
