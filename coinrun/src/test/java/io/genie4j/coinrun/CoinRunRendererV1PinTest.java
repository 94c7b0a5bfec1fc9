package io.genie4j.coinrun;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * The v1 art, pixel for pixel: CRC-32s of frames drawn by the renderer as it was before the {@code
 * art} option existed. The shipped models learned from these frames, so any change to v1 fails
 * here; the v2 art must leave them alone.
 */
class CoinRunRendererV1PinTest {
    private static final int[] SEEDS = {0, 1, 4, 9, 23};
    private static final int STEPS = 80;

    /** A fixed action script: runs and jumps right with some left turns and idling. */
    private static int[] script() {
        SplittableRandom rng = new SplittableRandom(20240611L);
        int[] a = new int[STEPS];
        for (int t = 0; t < STEPS; t++) {
            int r = rng.nextInt(10);
            a[t] = r < 5 ? 7 : r < 7 ? 8 : r < 8 ? 1 : r < 9 ? 4 : rng.nextInt(15);
        }
        return a;
    }

    /** CRC-32 of every frame (start and after each step until the episode ends) of the seeds. */
    static long crc(CoinRunRenderer renderer, boolean hard, int size) {
        CRC32 crc = new CRC32();
        int[] actions = script();
        byte[] px = new byte[size * size * 3];
        for (int seed : SEEDS) {
            CoinRunGame g = new CoinRunGame(CoinRunLevel.generate(seed, hard));
            renderer.render(g, px, size);
            crc.update(px);
            for (int t = 0; t < STEPS && !g.done(); t++) {
                g.step(actions[t]);
                renderer.render(g, px, size);
                crc.update(px);
            }
        }
        return crc.getValue();
    }

    @Test
    void defaultV1FramesAreUnchanged() {
        CoinRunRenderer v1 = new CoinRunRenderer(true, true, false, false);
        assertEquals(3572974636L, crc(v1, false, 64), "easy");
        assertEquals(1822440003L, crc(v1, true, 64), "hard");
        assertEquals(2394544385L, crc(v1, true, 128), "hard at 128 pixels");
    }

    @Test
    void v1FramesWithOtherOptionsAreUnchanged() {
        assertEquals(
                3131877952L,
                crc(new CoinRunRenderer(false, true, false, false), true, 64),
                "whole level");
        assertEquals(
                1317627891L,
                crc(new CoinRunRenderer(true, false, false, false), true, 64),
                "no backgrounds");
        assertEquals(
                86095812L,
                crc(new CoinRunRenderer(true, true, true, false), true, 64),
                "monochrome");
        assertEquals(
                2920946789L,
                crc(new CoinRunRenderer(true, true, false, true), true, 64),
                "restricted themes");
    }
}
