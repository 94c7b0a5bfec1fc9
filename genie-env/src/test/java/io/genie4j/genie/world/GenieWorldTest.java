package io.genie4j.genie.world;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.genie4j.genie.TinyVideo;
import io.genie4j.genie.TinyWorld;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenieWorldTest {

    @TempDir static Path tmp;
    static Path run;

    @BeforeAll
    static void trainTinyWorld() throws Exception {
        run = TinyWorld.world(tmp, 30);
    }

    /** Plays two worlds, restarting world 1 from a new frame after 3 steps (past a window). */
    private static byte[][] playWithRestart(WorldModel m, boolean cache) {
        GenieWorld.Options greedy = GenieWorld.Options.defaults().withTemperature(0);
        try (GenieWorld w = new GenieWorld(m, 2, greedy.withCache(cache))) {
            byte[][] out = new byte[9][];
            w.reset(prompt(), 2, new long[] {1, 2});
            for (int i = 0; i < 3; i++) {
                w.step(new int[] {1, 2});
            }
            out[0] = w.restart(new int[] {1}, TinyVideo.frame(16, 3, 0), new long[] {9});
            assertEquals(768, out[0].length);
            for (int i = 1; i < out.length; i++) {
                out[i] = w.step(new int[] {i % 4, (i * 3) % 4});
                assertEquals(2 * 768, out[i].length);
            }
            assertThrows(
                    IllegalArgumentException.class,
                    () -> w.restart(new int[] {2}, TinyVideo.frame(16, 3, 0), new long[] {9}));
            return out;
        }
    }

    @Test
    void oneWorldRestartsWhileTheOtherGoesOnTheSameWithAndWithoutTheCache() throws Exception {
        try (WorldModel m = WorldModel.load(run)) {
            byte[][] cached = playWithRestart(m, true);
            byte[][] again = playWithRestart(m, true);
            byte[][] naive = playWithRestart(m, false);
            for (int i = 0; i < cached.length; i++) {
                assertArrayEquals(cached[i], again[i], "same seeds, same frames at " + i);
            }
            assertFramesAgree(naive, cached);
        }
    }

    /**
     * In a sliding window, world 1 restarted after {@code before} steps, then both stepped 6 times:
     * world 1's frames after the restart, and all of world 0's from the start.
     */
    private static byte[][] slideWithRestart(WorldModel m, int before, boolean restart) {
        GenieWorld.Options o = GenieWorld.Options.defaults().withTemperature(0).withSlide(true);
        try (GenieWorld w = new GenieWorld(m, 2, o)) {
            w.reset(prompt(), 2, new long[] {1, 2});
            byte[][] out = new byte[2][];
            java.io.ByteArrayOutputStream one = new java.io.ByteArrayOutputStream();
            java.io.ByteArrayOutputStream zero = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < before; i++) {
                zero.write(w.step(new int[] {i % 4, 1}), 0, 768);
            }
            if (restart) {
                one.write(
                        w.restart(new int[] {1}, TinyVideo.frame(16, 3, 0), new long[] {9}),
                        0,
                        768);
            }
            for (int i = 0; i < 6; i++) {
                byte[] f = w.step(new int[] {(before + i) % 4, (i * 3) % 4});
                zero.write(f, 0, 768);
                one.write(f, 768, 768);
            }
            out[0] = zero.toByteArray();
            out[1] = one.toByteArray();
            return out;
        }
    }

    @Test
    void aSlidingWindowRestartsOneWorldAsAtAnyOtherStepAndLeavesTheOtherAlone() throws Exception {
        try (WorldModel m = WorldModel.load(run)) {
            // Past the 4-frame window by 6 and 4 steps (the decoder's restarts have period 2).
            byte[][] late = slideWithRestart(m, 10, true);
            byte[][] early = slideWithRestart(m, 8, true);
            byte[][] none = slideWithRestart(m, 10, false);
            int worst = 0;
            for (int j = 0; j < late[1].length; j++) {
                worst = Math.max(worst, Math.abs((late[1][j] & 0xFF) - (early[1][j] & 0xFF)));
            }
            assertTrue(worst <= 1, "the restarted world's frames differ by " + worst);
            assertArrayEquals(none[0], late[0], "world 0 is not touched by world 1's restart");
            assertArrayEquals(late[1], slideWithRestart(m, 10, true)[1], "same seeds, same frames");
        }
    }

    /** Both worlds restarted together from different frames, then stepped. */
    private static byte[][] restartBoth(WorldModel m, boolean cache) {
        GenieWorld.Options greedy = GenieWorld.Options.defaults().withTemperature(0);
        try (GenieWorld w = new GenieWorld(m, 2, greedy.withCache(cache))) {
            byte[][] out = new byte[5][];
            w.reset(prompt(), 2, new long[] {1, 2});
            for (int i = 0; i < 3; i++) {
                w.step(new int[] {1, 2});
            }
            byte[] frames = new byte[2 * 768];
            System.arraycopy(TinyVideo.frame(16, 3, 0), 0, frames, 0, 768);
            System.arraycopy(TinyVideo.frame(16, 0, 1), 0, frames, 768, 768);
            out[0] = w.restart(new int[] {1, 0}, frames, new long[] {9, 8});
            for (int i = 1; i < out.length; i++) {
                out[i] = w.step(new int[] {i % 4, (i * 3) % 4});
            }
            return out;
        }
    }

    @Test
    void worldsRestartedTogetherFromDifferentFramesMatchNaiveRecomputation() throws Exception {
        try (WorldModel m = WorldModel.load(run)) {
            byte[][] cached = restartBoth(m, true);
            byte[][] naive = restartBoth(m, false);
            assertFramesAgree(naive, cached);
        }
    }

    /** Two worlds prompted with two frames each. */
    static byte[] prompt() {
        byte[] p = new byte[2 * 2 * 768];
        for (int b = 0; b < 2; b++) {
            for (int f = 0; f < 2; f++) {
                System.arraycopy(TinyVideo.frame(16, b, f), 0, p, (b * 2 + f) * 768, 768);
            }
        }
        return p;
    }

    /** Frames (index 0: the prompt's) and then each frame's tokens, of 2 worlds over steps. */
    /**
     * Frames that agree pixel for pixel up to float rounding (a value may land on the other side of
     * .5): how cached stepping must match naive recomputation.
     */
    static void assertFramesAgree(byte[][] expected, byte[][] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                int d = Math.abs((actual[i][j] & 0xFF) - (expected[i][j] & 0xFF));
                assertTrue(d <= 1, "frame " + i + " pixel " + j + " differs by " + d);
            }
        }
    }

    static byte[][] play(WorldModel m, GenieWorld.Options o, long[] seeds, int steps) {
        return play(m, o, seeds, steps, null);
    }

    static byte[][] play(
            WorldModel m, GenieWorld.Options o, long[] seeds, int steps, long[][] tokens) {
        try (GenieWorld w = new GenieWorld(m, 2, o)) {
            byte[][] out = new byte[steps + 1][];
            out[0] = w.reset(prompt(), 2, seeds);
            for (int i = 1; i <= steps; i++) {
                out[i] = w.step(new int[] {i % 4, (i * 3) % 4});
                assertEquals(2 * 768, out[i].length);
                if (tokens != null) {
                    tokens[i] = w.lastTokens();
                }
            }
            return out;
        }
    }

    @Test
    void cachedSteppingGivesTheFramesOfNaiveRecomputation() throws Exception {
        try (WorldModel m = WorldModel.load(run)) {
            // 10 steps: past the dynamics' 4-frame window and the decoder's 4-frame window.
            for (boolean soft : new boolean[] {true, false}) {
                GenieWorld.Options greedy =
                        GenieWorld.Options.defaults().withTemperature(0).withSoftDecode(soft);
                long[][] cachedTokens = new long[11][];
                long[][] naiveTokens = new long[11][];
                byte[][] cached = play(m, greedy, new long[] {1, 2}, 10, cachedTokens);
                byte[][] naive =
                        play(m, greedy.withCache(false), new long[] {1, 2}, 10, naiveTokens);
                for (int i = 0; i < cached.length; i++) {
                    assertArrayEquals(
                            naiveTokens[i], cachedTokens[i], "soft=" + soft + ", frame " + i);
                }
                assertFramesAgree(naive, cached);
            }
        }
    }

    @Test
    void aOneFrameDecoderContextDecodesEachFrameAloneAndLeavesTheTokensAsTheyWere()
            throws Exception {
        try (WorldModel m = WorldModel.load(run)) {
            GenieWorld.Options greedy = GenieWorld.Options.defaults().withTemperature(0);
            GenieWorld.Options alone = greedy.withDecoderContext(1);
            long[][] fullTokens = new long[9][];
            long[][] aloneTokens = new long[9][];
            long[][] naiveTokens = new long[9][];
            byte[][] full = play(m, greedy, new long[] {1, 2}, 8, fullTokens);
            byte[][] cached = play(m, alone, new long[] {1, 2}, 8, aloneTokens);
            byte[][] naive = play(m, alone.withCache(false), new long[] {1, 2}, 8, naiveTokens);
            for (int i = 0; i < cached.length; i++) {
                // The decoder turns tokens into pixels; what the dynamics generates is unchanged.
                assertArrayEquals(fullTokens[i], aloneTokens[i], "tokens of frame " + i);
                assertArrayEquals(naiveTokens[i], aloneTokens[i], "tokens of frame " + i);
            }
            assertFramesAgree(naive, cached);
            // Frames decoded without their past differ from frames decoded with it.
            assertFalse(Arrays.deepEquals(full, cached));
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> new GenieWorld(m, 1, greedy.withDecoderContext(99)));
            assertTrue(e.getMessage().contains("decoder context"), e.getMessage());
        }
    }

    @Test
    void softDecodingChangesThePixelsButNotWhatTheWorldDoes() throws Exception {
        try (WorldModel m = WorldModel.load(run)) {
            GenieWorld.Options greedy =
                    GenieWorld.Options.defaults().withTemperature(0).withSoftDecode(false);
            // At temperature 0 a token's distribution is its arg-max alone: the same frames.
            assertFramesAgree(
                    play(m, greedy, new long[] {1, 2}, 10, new long[11][]),
                    play(m, greedy.withSoftDecode(true), new long[] {1, 2}, 10, new long[11][]));
            GenieWorld.Options sampled = GenieWorld.Options.defaults().withSoftDecode(false);
            GenieWorld.Options soft = sampled.withSoftDecode(true);
            long[][] hardTokens = new long[11][];
            long[][] softTokens = new long[11][];
            long[][] naiveTokens = new long[11][];
            // 10 steps: past the dynamics' and the decoder's windows, so both restart.
            byte[][] hard = play(m, sampled, new long[] {1, 2}, 10, hardTokens);
            byte[][] cached = play(m, soft, new long[] {1, 2}, 10, softTokens);
            byte[][] naive = play(m, soft.withCache(false), new long[] {1, 2}, 10, naiveTokens);
            for (int i = 1; i < cached.length; i++) {
                assertArrayEquals(hardTokens[i], softTokens[i], "tokens of frame " + i);
                assertArrayEquals(naiveTokens[i], softTokens[i], "tokens of frame " + i);
            }
            assertFramesAgree(naive, cached);
            // The prompt is decoded from its tokens either way; generated frames are not.
            assertFramesAgree(new byte[][] {hard[0]}, new byte[][] {cached[0]});
            assertFalse(Arrays.deepEquals(hard, cached));
        }
    }

    @Test
    void softDecodingDrawsTheMeanOfTheCodesAModelIsSplitBetween() throws Exception {
        try (WorldModel m = WorldModel.load(run)) {
            for (Pair<String, Parameter> p : m.dynamics().getParameters()) {
                if (p.getKey().matches("\\d*head_bias")) {
                    float[] bias = new float[m.config().codes()];
                    bias[7] = 50f;
                    bias[9] = 50f;
                    p.getValue().getArray().set(bias);
                }
                if (p.getKey().matches("\\d*head_weight")) {
                    // Logits that are the bias alone: an even split between codes 7 and 9.
                    NDArray w = p.getValue().getArray();
                    w.set(new float[(int) w.size()]);
                }
            }
            GenieWorld.Options soft =
                    GenieWorld.Options.defaults().withDecoderContext(1).withSoftDecode(true);
            byte[] frame;
            try (GenieWorld w = new GenieWorld(m, 2, soft)) {
                w.reset(prompt(), 2, new long[] {1, 2});
                frame = w.step(new int[] {0, 1});
                assertTrue(
                        Arrays.stream(w.lastTokens()).allMatch(t -> t == 7 || t == 9),
                        "the sampled tokens are the two likely codes");
            }
            try (NDManager nm = NDManager.newBaseManager()) {
                NDArray codes = m.tokenizer().quantizer().vectors(nm);
                NDArray mean = codes.get(7).add(codes.get(9)).div(2);
                int n = m.config().tokensPerFrame();
                NDArray vectors = mean.reshape(1, 1, 1, -1).repeat(0, 2).repeat(2, n);
                byte[] expected =
                        io.genie4j.genie.tokenizer.VideoTokenizer.toUint8(
                                        m.tokenizer()
                                                .decodeFromVectors(
                                                        new ParameterStore(nm, false), vectors))
                                .toByteArray();
                assertFramesAgree(new byte[][] {expected}, new byte[][] {frame});
            }
        }
    }

    @Test
    void guidedSteppingMatchesNaiveRecomputationAndChangesTheFrames() throws Exception {
        try (WorldModel m = WorldModel.load(run)) {
            GenieWorld.Options greedy = GenieWorld.Options.defaults().withTemperature(0);
            GenieWorld.Options guided = greedy.withGuidance(3f);
            long[][] cachedTokens = new long[9][];
            long[][] naiveTokens = new long[9][];
            long[][] plainTokens = new long[9][];
            byte[][] cached = play(m, guided, new long[] {1, 2}, 8, cachedTokens);
            byte[][] naive = play(m, guided.withCache(false), new long[] {1, 2}, 8, naiveTokens);
            play(m, greedy, new long[] {1, 2}, 8, plainTokens);
            for (int i = 1; i < cached.length; i++) {
                assertArrayEquals(naiveTokens[i], cachedTokens[i], "tokens of frame " + i);
            }
            assertFramesAgree(naive, cached);
            assertFalse(Arrays.deepEquals(plainTokens, cachedTokens));
        }
    }

    @Test
    void guidanceZeroSamplesTheNextFrameAsIfNoActionWereGiven() throws Exception {
        try (WorldModel m = WorldModel.load(run)) {
            GenieWorld.Options unconditional =
                    GenieWorld.Options.defaults().withTemperature(0).withGuidance(0f);
            long[][] tokens = new long[4][];
            for (int a = 0; a < 4; a++) {
                try (GenieWorld w = new GenieWorld(m, 2, unconditional)) {
                    w.reset(prompt(), 2, new long[] {1, 2});
                    w.step(new int[] {a, a});
                    tokens[a] = w.lastTokens();
                }
            }
            for (int a = 1; a < 4; a++) {
                assertArrayEquals(tokens[0], tokens[a], "latent action " + a);
            }
            assertThrows(
                    IllegalArgumentException.class,
                    () -> GenieWorld.Options.defaults().withGuidance(-1f));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> GenieWorld.Options.defaults().withGuidance(Float.NaN));
        }
    }

    @Test
    void sameSeedsGiveSameFramesAndOtherSeedsOthers() throws Exception {
        try (WorldModel m = WorldModel.load(run)) {
            GenieWorld.Options o = GenieWorld.Options.defaults();
            byte[][] a = play(m, o, new long[] {5, 6}, 4);
            byte[][] b = play(m, o, new long[] {5, 6}, 4);
            byte[][] c = play(m, o, new long[] {7, 8}, 4);
            assertTrue(Arrays.deepEquals(a, b));
            assertFalse(Arrays.deepEquals(a, c));
        }
    }

    @Test
    void aWorldPlaysTheSameWhateverElseIsInItsBatch() throws Exception {
        try (WorldModel m = WorldModel.load(run)) {
            GenieWorld.Options o = GenieWorld.Options.defaults();
            long[][] paired = new long[4][];
            play(m, o, new long[] {5, 6}, 3, paired);
            try (GenieWorld w = new GenieWorld(m, 1, o)) {
                w.reset(Arrays.copyOf(prompt(), 2 * 768), 2, new long[] {5});
                for (int i = 1; i <= 3; i++) {
                    w.step(new int[] {i % 4});
                    assertArrayEquals(
                            Arrays.copyOf(paired[i], 16), w.lastTokens(), "tokens of step " + i);
                }
            }
        }
    }

    @Test
    void scheduleFixesEveryTokenByTheLastIteration() {
        for (int k = 1; k <= 12; k++) {
            int[] plan = MaskGit.schedule(64, k);
            assertEquals(64, Arrays.stream(plan).sum(), "K=" + k);
            assertTrue(Arrays.stream(plan).allMatch(x -> x >= 0));
        }
        // Cosine: few tokens early, many late.
        int[] plan = MaskGit.schedule(64, 8);
        assertTrue(plan[0] < plan[7], Arrays.toString(plan));
    }

    @Test
    void aFullyConfidentModelFillsEveryTokenWithItsChoice() throws Exception {
        try (WorldModel m = WorldModel.load(run)) {
            for (Pair<String, Parameter> p : m.dynamics().getParameters()) {
                if (p.getKey().matches("\\d*head_bias")) {
                    float[] bias = new float[m.config().codes()];
                    bias[7] = 1e4f;
                    p.getValue().getArray().set(bias);
                }
            }
            for (int k : new int[] {1, 3, 8}) {
                try (GenieWorld w =
                        new GenieWorld(m, 2, GenieWorld.Options.defaults().withMaskgitSteps(k))) {
                    w.reset(prompt(), 2, new long[] {1, 2});
                    w.step(new int[] {0, 1});
                    long[] tokens = w.lastTokens();
                    assertEquals(2 * 16, tokens.length);
                    assertTrue(Arrays.stream(tokens).allMatch(t -> t == 7), "K=" + k);
                    assertTrue(w.uncertainty()[0] < 1e-3, "a sure model is not uncertain");
                }
            }
        }
    }

    @Test
    void steppingLeavesNoArraysBehind() throws Exception {
        try (WorldModel m = WorldModel.load(run)) {
            for (boolean cache : new boolean[] {true, false}) {
                for (boolean soft : new boolean[] {true, false}) {
                    GenieWorld.Options o =
                            GenieWorld.Options.defaults().withCache(cache).withSoftDecode(soft);
                    try (GenieWorld w = new GenieWorld(m, 2, o)) {
                        w.reset(prompt(), 2, new long[] {1, 2});
                        for (int i = 0; i < 4; i++) {
                            w.step(new int[] {i % 4, 1});
                        }
                        long before = arrays(m.manager());
                        // 12 more steps: both windows restart more than once.
                        for (int i = 0; i < 12; i++) {
                            w.step(new int[] {i % 4, 2});
                        }
                        assertEquals(
                                before, arrays(m.manager()), "cache=" + cache + ", soft=" + soft);
                    }
                }
            }
        }
    }

    /** Arrays held by {@code m} and its sub-managers, however deep. */
    private static long arrays(NDManager m) throws ReflectiveOperationException {
        Field f = BaseNDManager.class.getDeclaredField("resources");
        f.setAccessible(true);
        long n = 0;
        for (Object r : ((Map<?, ?>) f.get(m)).values()) {
            n += r instanceof NDManager sub ? arrays(sub) : 1;
        }
        return n;
    }

    @Test
    void badInputIsRejectedWithAClearMessage() throws Exception {
        try (WorldModel m = WorldModel.load(run);
                GenieWorld w = new GenieWorld(m, 2, GenieWorld.Options.defaults())) {
            assertThrows(IllegalStateException.class, () -> w.step(new int[] {0, 0}));
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> w.reset(new byte[10], 1, new long[] {1, 2}));
            assertTrue(e.getMessage().contains("prompt frames"), e.getMessage());
            w.reset(prompt(), 2, new long[] {1, 2});
            e = assertThrows(IllegalArgumentException.class, () -> w.step(new int[] {0, 9}));
            assertTrue(e.getMessage().contains("latent action 9"), e.getMessage());
        }
    }

    @Test
    void theLamDecoderDependsOnTheActionCode() throws Exception {
        try (WorldModel m = WorldModel.load(run);
                NDManager sm = m.manager().newSubManager()) {
            ParameterStore ps = new ParameterStore(sm, false);
            byte[] clip = new byte[3 * 768];
            for (int f = 0; f < 3; f++) {
                System.arraycopy(TinyVideo.frame(16, 1, f), 0, clip, f * 768, 768);
            }
            NDArray video =
                    sm.create(ByteBuffer.wrap(clip), new Shape(1, 3, 16, 16, 3), DataType.UINT8);
            float[] first = null;
            for (long a = 0; a < m.config().actions(); a++) {
                NDArray acts = sm.create(new long[] {a, a}, new Shape(1, 2));
                float[] pred = m.lam().predict(ps, video, null, acts).toFloatArray();
                if (first == null) {
                    first = pred;
                } else {
                    assertFalse(Arrays.equals(first, pred), "code " + a + " changes nothing");
                }
            }
            long[] inferred = m.lam().infer(ps, video, null).toLongArray();
            assertEquals(2, inferred.length);
        }
    }
}
