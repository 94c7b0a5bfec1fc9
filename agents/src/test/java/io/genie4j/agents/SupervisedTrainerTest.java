package io.genie4j.agents;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SupervisedTrainerTest {
    private static final int SIZE = 16;

    /** Noise frames with a bright 4×4 square in one quadrant; the label is the quadrant. */
    static LabelledFrames quadrants(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        LabelledFrames data = new LabelledFrames(SIZE, 4);
        for (int i = 0; i < n; i++) {
            byte[] f = new byte[SIZE * SIZE * 3];
            for (int j = 0; j < f.length; j++) {
                f[j] = (byte) rng.nextInt(100);
            }
            int q = rng.nextInt(4);
            int y0 = (q / 2) * 8 + rng.nextInt(5);
            int x0 = (q % 2) * 8 + rng.nextInt(5);
            for (int y = y0; y < y0 + 4; y++) {
                for (int x = x0; x < x0 + 4; x++) {
                    for (int c = 0; c < 3; c++) {
                        f[(y * SIZE + x) * 3 + c] = (byte) 240;
                    }
                }
            }
            data.add(f, q, i / 10);
        }
        return data;
    }

    /** {@code p} and {@code q} give exactly the same probabilities for {@code inputs}. */
    static void assertSameOutputs(CnnPolicy p, CnnPolicy q, List<byte[]> inputs) {
        float[][] a = p.probabilities(inputs);
        float[][] b = q.probabilities(inputs);
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i], 0f);
        }
    }

    private static CnnPolicy tiny(int outputs) {
        Engine.getInstance().setRandomSeed(11);
        return CnnPolicy.create(new ImpalaCnn(new int[] {16, 16}, 32, outputs), SIZE);
    }

    @Test
    void aDivergingRunStopsWithTheEpochAndBatchInsteadOfTrainingOnNaN() {
        LabelledFrames data = quadrants(160, 2);
        Engine.getInstance().setRandomSeed(3);
        try (CnnPolicy p = tiny(4)) {
            // A step size of 1e30 sends the weights, then the logits, past float range.
            IllegalStateException e =
                    assertThrows(
                            IllegalStateException.class,
                            () ->
                                    SupervisedTrainer.train(
                                            p,
                                            data,
                                            new SupervisedTrainer.Config(
                                                    32, 1e30f, 0f, 3, 3, 0.2, 1)));
            assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
            assertTrue(e.getMessage().matches("(?s).*at epoch 1, batch [2-9].*"), e.getMessage());
        }
    }

    @Test
    void networksOfEveryAllowedWidthGetFiniteGradientsBatchAfterBatch() {
        // libtorch's oneDNN convolution returns NaN input gradients for widths such as 8 on
        // AVX-512 machines (about one batch in ten); the allowed widths train 30 batches cleanly
        // (the trainer would stop with an error on the first non-finite gradient).
        LabelledFrames data = quadrants(960, 4);
        Engine.getInstance().setRandomSeed(5);
        try (CnnPolicy p = CnnPolicy.create(new ImpalaCnn(new int[] {16, 32}, 32, 4), SIZE)) {
            SupervisedTrainer.Result r =
                    SupervisedTrainer.train(
                            p, data, new SupervisedTrainer.Config(32, 1e-3f, 1e-4f, 1, 1, 0, 1));
            assertTrue(Double.isFinite(r.best().trainLoss()), "loss: " + r.best());
        }
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> new ImpalaCnn(new int[] {8}, 8, 2));
        assertTrue(e.getMessage().contains("multiple of 16"), e.getMessage());
    }

    @Test
    void shiftMovesEveryFrameOfAStackAndRepeatsTheEdges() {
        int size = 4;
        byte[] in = new byte[2 * size * size * 3];
        for (int i = 0; i < in.length; i++) {
            in[i] = (byte) i;
        }
        byte[] out = SupervisedTrainer.shifted(in, size, 1, -2);
        for (int f = 0; f < 2; f++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    // Moved 1 right and 2 up: pixel (x, y) shows (x - 1, y + 2), clamped.
                    int sx = Math.max(0, x - 1);
                    int sy = Math.min(size - 1, y + 2);
                    for (int c = 0; c < 3; c++) {
                        int base = f * size * size * 3;
                        assertEquals(
                                in[base + (sy * size + sx) * 3 + c],
                                out[base + (y * size + x) * 3 + c],
                                "frame " + f + " pixel " + x + "," + y + " channel " + c);
                    }
                }
            }
        }
        assertArrayEquals(in, SupervisedTrainer.shifted(in, size, 0, 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> new SupervisedTrainer.Config(32, 1e-3f, 0f, 1, 1, 0.1, 0, -1, false));
    }

    @Test
    void learnsASyntheticLabellingWithShiftsAndACosineSchedule() {
        LabelledFrames data = quadrants(480, 1);
        try (CnnPolicy p = tiny(4)) {
            SupervisedTrainer.Result r =
                    SupervisedTrainer.train(
                            p,
                            data,
                            new SupervisedTrainer.Config(32, 3e-3f, 1e-4f, 25, 4, 0.2, 5, 2, true));
            // A shift of 2 px never moves the square out of its quadrant's half, so the task
            // stays learnable.
            assertTrue(r.best().validationAccuracy() >= 0.9, "validation: " + r.best());
        }
    }

    @Test
    void learnsASyntheticLabellingAndKeepsTheBestEpoch() {
        LabelledFrames data = quadrants(480, 1);
        try (CnnPolicy p = tiny(4)) {
            List<SupervisedTrainer.Epoch> seen = new ArrayList<>();
            SupervisedTrainer.Config c =
                    new SupervisedTrainer.Config(32, 3e-3f, 1e-4f, 25, 4, 0.2, 5);
            SupervisedTrainer.Result r = SupervisedTrainer.train(p, data, c, e -> seen.add(e));
            assertEquals(seen, r.epochs());
            assertEquals(100, r.validationFrames(), "10 (20%) of 48 episodes of 10 frames");
            assertTrue(r.best().validationAccuracy() >= 0.9, "validation: " + r.best());
            assertTrue(r.best().trainLoss() < r.epochs().get(0).trainLoss());
            // The policy holds the best epoch's parameters.
            LabelledFrames.Split split = data.split(0.2, 5);
            double[] now = SupervisedTrainer.evaluate(p, data, split.validation(), 16);
            assertEquals(r.best().validationLoss(), now[0], 1e-4);
            // A fresh sample of the same task.
            LabelledFrames test = quadrants(200, 2);
            int[] all = new int[test.count()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            assertTrue(SupervisedTrainer.evaluate(p, test, all, 64)[1] >= 0.9);
        }
    }

    @Test
    void splitKeepsEpisodesWhole() {
        LabelledFrames data = quadrants(100, 3);
        LabelledFrames.Split s = data.split(0.3, 9);
        assertEquals(100, s.train().length + s.validation().length);
        assertEquals(30, s.validation().length);
        for (int v : s.validation()) {
            for (int t : s.train()) {
                assertTrue(data.group(v) != data.group(t));
            }
        }
        assertArrayEquals(s.validation(), data.split(0.3, 9).validation(), "seeded");
    }

    @Test
    void savedPolicyLoadsWithTheSameOutputs(@TempDir Path dir) throws IOException {
        LabelledFrames data = quadrants(8, 4);
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < data.count(); i++) {
            frames.add(data.frame(i));
        }
        Path file = dir.resolve("policy.params");
        try (CnnPolicy p = tiny(4)) {
            p.save(file);
            try (CnnPolicy q = CnnPolicy.load(file)) {
                assertEquals(p.net().hidden(), q.net().hidden());
                assertSameOutputs(p, q, frames);
            }
        }
        Path junk = dir.resolve("junk.params");
        Files.write(junk, new byte[] {1, 2, 3});
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> CnnPolicy.load(junk));
        assertTrue(e.getMessage().contains("not a genie4j CNN policy"), e.getMessage());
        // A truncated file names the parameter problem.
        byte[] whole = Files.readAllBytes(file);
        Path cut = dir.resolve("cut.params");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
        assertThrows(RuntimeException.class, () -> CnnPolicy.load(cut));
    }

    @Test
    void rejectsDataThatDoesNotFitThePolicy() {
        try (CnnPolicy p = tiny(3)) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    SupervisedTrainer.train(
                                            p,
                                            quadrants(20, 1),
                                            SupervisedTrainer.Config.defaults(1)));
            assertTrue(e.getMessage().contains("4 classes"), e.getMessage());
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> new LabelledFrames(SIZE, 2).add(new byte[5], 0, 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> new LabelledFrames(SIZE, 2).add(new byte[SIZE * SIZE * 3], 2, 0));
    }

    @Test
    void flopCountOfTheStandardNetwork() {
        // IMPALA's 16-32-32 network on 64×64 frames: about 0.06 GFLOP per forward.
        double g = ImpalaCnn.standard(15).flopsPerFrame(64) / 1e9;
        assertTrue(g > 0.04 && g < 0.09, "GFLOP " + g);
        double half = ImpalaCnn.standard(15).withDownsample(2).flopsPerFrame(64) / 1e9;
        assertEquals(ImpalaCnn.standard(15).flopsPerFrame(32) / 1e9, half, 1e-4);
    }

    @Test
    void downsampledPolicyLearnsSavesAndLoads(@TempDir Path dir) {
        LabelledFrames data = quadrants(480, 1);
        Path file = dir.resolve("policy.params");
        Engine.getInstance().setRandomSeed(11);
        try (CnnPolicy p =
                CnnPolicy.create(
                        new ImpalaCnn(new int[] {16, 16}, 32, 4).withDownsample(2), SIZE)) {
            SupervisedTrainer.Result r =
                    SupervisedTrainer.train(
                            p, data, new SupervisedTrainer.Config(32, 3e-3f, 1e-4f, 25, 4, 0.2, 5));
            assertTrue(r.best().validationAccuracy() >= 0.9, "validation: " + r.best());
            p.save(file);
            try (CnnPolicy q = CnnPolicy.load(file)) {
                assertEquals(2, q.net().downsample());
                assertSameOutputs(p, q, List.of(data.frame(0), data.frame(1)));
            }
        }
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> CnnPolicy.create(new ImpalaCnn(new int[] {16}, 8, 2, 3), SIZE));
        assertTrue(e.getMessage().contains("downsample by 3"), e.getMessage());
    }
}
