package io.genie4j.agents;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import io.genie4j.env.DType;
import io.genie4j.env.Env;
import io.genie4j.env.EnvSpec;
import io.genie4j.env.Reset;
import io.genie4j.env.Step;
import io.genie4j.env.Tensor;
import io.genie4j.env.spaces.Box;
import io.genie4j.env.spaces.Discrete;
import io.genie4j.env.spaces.Space;
import io.genie4j.env.wrappers.FrameStack;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameHistoryTest {
    private static final int SIZE = 4;

    private static byte[] frame(int v) {
        byte[] f = new byte[SIZE * SIZE * 3];
        Arrays.fill(f, (byte) v);
        return f;
    }

    private static Tensor image(int v) {
        return Tensor.uint8(frame(v), SIZE, SIZE, 3);
    }

    private static byte[] joined(int... values) {
        byte[] out = new byte[values.length * SIZE * SIZE * 3];
        for (int j = 0; j < values.length; j++) {
            System.arraycopy(frame(values[j]), 0, out, j * SIZE * SIZE * 3, SIZE * SIZE * 3);
        }
        return out;
    }

    @Test
    void keepsEachSlotsLastFramesOldestFirstAndPadsWithTheFirst() {
        FrameHistory h = new FrameHistory(SIZE, 3);
        List<byte[]> in = h.inputs(List.of(image(1), image(10)));
        assertArrayEquals(joined(1, 1, 1), in.get(0));
        assertArrayEquals(joined(10, 10, 10), in.get(1));
        in = h.inputs(List.of(image(2), image(11)));
        assertArrayEquals(joined(1, 1, 2), in.get(0));
        in = h.inputs(List.of(image(3), image(12)));
        assertArrayEquals(joined(1, 2, 3), in.get(0));
        h.reset(1);
        in = h.inputs(List.of(image(4), image(20)));
        assertArrayEquals(joined(2, 3, 4), in.get(0));
        assertArrayEquals(joined(20, 20, 20), in.get(1), "slot 1 started a new episode");
    }

    @Test
    void recordedEpisodesGetTheSameInputsAsPlay() {
        List<byte[]> episode = List.of(frame(5), frame(6), frame(7), frame(8));
        FrameHistory h = new FrameHistory(SIZE, 3);
        for (int t = 0; t < episode.size(); t++) {
            byte[] played = h.inputs(List.of(image(5 + t))).get(0);
            assertArrayEquals(FrameHistory.of(episode, t, 3), played, "step " + t);
        }
        assertSame(episode.get(2), FrameHistory.of(episode, 2, 1), "one frame is not copied");
        assertThrows(IndexOutOfBoundsException.class, () -> FrameHistory.of(episode, 4, 2));
    }

    /** A one-slot env whose frame at step t is filled with t + 1. */
    private static final class Counter implements Env<Tensor, Integer> {
        private int t;

        @Override
        public Space<Tensor> observationSpace() {
            return Box.of(0, 255, DType.UINT8, SIZE, SIZE, 3);
        }

        @Override
        public Space<Integer> actionSpace() {
            return new Discrete(1);
        }

        @Override
        public Reset<Tensor> reset(Long seed, Map<String, Object> options) {
            t = 0;
            return new Reset<>(image(1), Map.of());
        }

        @Override
        public Step<Tensor> step(Integer action) {
            t++;
            return new Step<>(image(t + 1), 0, false, false, Map.of());
        }

        @Override
        public EnvSpec spec() {
            return EnvSpec.of("counter");
        }

        @Override
        public Tensor render() {
            return image(t + 1);
        }

        @Override
        public void close() {}
    }

    @Test
    void stacksFromTheEnvWrapperPassThroughUnchanged() {
        FrameStack<Integer> env = new FrameStack<>(new Counter(), 2);
        FrameHistory own = new FrameHistory(SIZE, 2);
        FrameHistory wrapped = new FrameHistory(SIZE, 2);
        Counter plain = new Counter();
        Tensor a = env.reset(null, Map.of()).observation();
        Tensor b = plain.reset(null, Map.of()).observation();
        for (int t = 0; t < 4; t++) {
            assertArrayEquals(
                    own.inputs(List.of(b)).get(0), wrapped.inputs(List.of(a)).get(0), "step " + t);
            a = env.step(0).observation();
            b = plain.step(0).observation();
        }
    }

    @Test
    void namesTheShapesItAccepts() {
        FrameHistory h = new FrameHistory(SIZE, 2);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> h.inputs(List.of(Tensor.uint8(new byte[27], 3, 3, 3))));
        assertTrue(
                e.getMessage().contains("[4, 4, 3] image or a [2, 4, 4, 3] stack"), e.getMessage());
    }

    /**
     * Two frames of a bright square that moved one step left or right; the label is the direction,
     * which no single frame shows.
     */
    static LabelledFrames motion(int n, int size, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        LabelledFrames data = new LabelledFrames(size, 2, 2);
        for (int i = 0; i < n; i++) {
            int dir = rng.nextInt(2);
            int y = rng.nextInt(size - 4);
            int x0 = 4 + rng.nextInt(size - 12);
            int x1 = x0 + (dir == 0 ? -4 : 4);
            List<byte[]> ep = new ArrayList<>();
            for (int x : new int[] {x0, x1}) {
                byte[] f = new byte[size * size * 3];
                for (int yy = y; yy < y + 4; yy++) {
                    for (int xx = x; xx < x + 4; xx++) {
                        for (int c = 0; c < 3; c++) {
                            f[(yy * size + xx) * 3 + c] = (byte) 240;
                        }
                    }
                }
                ep.add(f);
            }
            data.add(FrameHistory.of(ep, 1, 2), dir, i / 10);
        }
        return data;
    }

    @Test
    void aTwoFramePolicyLearnsMotionAndKeepsItsStackWhenSaved(@TempDir Path dir) {
        int size = 16;
        LabelledFrames data = motion(480, size, 3);
        Path file = dir.resolve("policy.params");
        Engine.getInstance().setRandomSeed(11);
        try (CnnPolicy p =
                CnnPolicy.create(new ImpalaCnn(new int[] {16, 16}, 32, 2).withStack(2), size)) {
            assertEquals(2 * size * size * 3, p.inputBytes());
            SupervisedTrainer.Result r =
                    SupervisedTrainer.train(
                            p, data, new SupervisedTrainer.Config(32, 3e-3f, 1e-4f, 25, 4, 0.2, 5));
            assertTrue(r.best().validationAccuracy() >= 0.9, "validation: " + r.best());
            p.save(file);
            try (CnnPolicy q = CnnPolicy.load(file)) {
                assertEquals(2, q.stack());
                SupervisedTrainerTest.assertSameOutputs(
                        p, q, List.of(data.frame(0), data.frame(1)));
            }
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    SupervisedTrainer.train(
                                            p,
                                            SupervisedTrainerTest.quadrants(40, 1),
                                            SupervisedTrainer.Config.defaults(1)));
            assertTrue(e.getMessage().contains("stack 1 frames"), e.getMessage());
        }
    }
}
