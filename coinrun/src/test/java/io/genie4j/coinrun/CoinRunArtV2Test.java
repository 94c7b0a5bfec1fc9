package io.genie4j.coinrun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.coinrun.CoinRunArtV2.Pose;
import io.genie4j.env.Env;
import io.genie4j.env.Reset;
import io.genie4j.env.Step;
import io.genie4j.env.Tensor;
import io.genie4j.env.registry.EnvOptions;
import io.genie4j.env.registry.Envs;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The v2 art: the agent's facing and pose show, the background scrolls, the game is the same. */
class CoinRunArtV2Test {
    private static final int S = 64;
    private static final int NOOP = 4;
    private static final int UP = 5;
    private static final int LEFT = 1;
    private static final int RIGHT = 7;
    private static final int VISOR = 0xd6f0ff;

    private static final CoinRunArtV2 ART = new CoinRunArtV2(true, true, false, false, true);

    private static byte[] render(CoinRunGame g) {
        byte[] px = new byte[S * S * 3];
        ART.render(g, px, S);
        return px;
    }

    private static byte[] render(CoinRunGame g, Pose pose) {
        byte[] px = new byte[S * S * 3];
        ART.render(g, px, S, pose);
        return px;
    }

    private static int rgb(byte[] px, int i) {
        return (px[3 * i] & 255) << 16 | (px[3 * i + 1] & 255) << 8 | (px[3 * i + 2] & 255);
    }

    /** Pixels whose colour differs, as indices {@code py * S + px}. */
    private static Set<Integer> differing(byte[] a, byte[] b) {
        Set<Integer> d = new HashSet<>();
        for (int i = 0; i < S * S; i++) {
            if (rgb(a, i) != rgb(b, i)) {
                d.add(i);
            }
        }
        return d;
    }

    /** The hard level of the lowest seed whose agent has {@code theme}. */
    private static CoinRunGame gameWithAgentTheme(int theme) {
        for (int seed = 0; ; seed++) {
            CoinRunLevel level = CoinRunLevel.generate(seed, true);
            if (level.agentTheme == theme) {
                return new CoinRunGame(level);
            }
        }
    }

    /** The agent's image rect in pixels of the centred 64-pixel view: {x0, y0, x1, y1}. */
    private static int[] agentPixelRect(CoinRunGame g) {
        float unit = S / (float) CoinRunRenderer.VISIBILITY;
        float left = g.agent.x - CoinRunRenderer.VISIBILITY / 2f;
        float top = g.agent.y + CoinRunRenderer.VISIBILITY / 2f;
        float imageTop =
                g.agent.y + g.agent.ry + 2 * g.agent.ry * (CoinRunArtV2.AGENT_IMAGE_STRETCH - 1);
        return new int[] {
            (int) Math.floor((g.agent.x - g.agent.rx - left) * unit),
            (int) Math.floor((top - imageTop) * unit),
            (int) Math.ceil((g.agent.x + g.agent.rx - left) * unit),
            (int) Math.ceil((top - (g.agent.y - g.agent.ry)) * unit)
        };
    }

    private static boolean inside(int i, int[] r) {
        int x = i % S;
        int y = i / S;
        return x >= r[0] && x <= r[2] && y >= r[1] && y <= r[3];
    }

    @Test
    void theAgentImageIsTheBoxStretchedUpwardAsProcgensIs() {
        // Procgen: adjust_rect(rect, QRectF(0, -.7415, 1, 1.7415)) for the player images. In
        // monochrome without backgrounds, high in the air, the agent is all that is not black.
        int size = 640;
        CoinRunGame g = inTheAir(0);
        byte[] px = new byte[size * size * 3];
        new CoinRunRenderer(true, false, true, false, CoinRunRenderer.Art.V2).render(g, px, size);
        int top = size;
        int bottom = -1;
        int left = size;
        int right = -1;
        for (int i = 0; i < size * size; i++) {
            if ((px[3 * i] | px[3 * i + 1] | px[3 * i + 2]) != 0) {
                top = Math.min(top, i / size);
                bottom = Math.max(bottom, i / size);
                left = Math.min(left, i % size);
                right = Math.max(right, i % size);
            }
        }
        float unit = size / (float) CoinRunRenderer.VISIBILITY;
        float boxBottom = (CoinRunRenderer.VISIBILITY / 2f + g.agent.ry) * unit;
        float boxTop = (CoinRunRenderer.VISIBILITY / 2f - g.agent.ry) * unit;
        assertEquals(boxBottom, bottom + 1, 1.5, "the image keeps the box's bottom");
        assertEquals(2 * g.agent.ry * 1.7415f * unit, bottom + 1 - top, 1.5, "and is 1.7415 high");
        assertTrue(top < boxTop - 40, "so it reaches well above the box");
        assertEquals(2 * g.agent.rx * unit, right + 1 - left, 1.5, "it keeps the box's width");
    }

    @Test
    void facingShowsInEveryAgentThemeAndPose() {
        for (int theme = 0; theme < CoinRunLevel.NUM_PLAYER_THEMES; theme++) {
            CoinRunGame g = gameWithAgentTheme(theme);
            for (int t = 0; t < 6; t++) {
                g.step(NOOP); // land and stand at the start
            }
            // At several sub-pixel positions, so the result does not hang on one alignment.
            for (int k = 0; k < 5; k++) {
                CoinRunGame right = g.copy();
                right.agent.x += .04f * k;
                right.facingRight = true;
                CoinRunGame left = right.copy();
                left.facingRight = false;
                int[] rect = agentPixelRect(right);
                for (Pose pose : Pose.values()) {
                    Set<Integer> d = differing(render(right, pose), render(left, pose));
                    String what = "theme " + theme + ", offset " + k + ", " + pose;
                    assertTrue(d.size() >= 2, what + ": only " + d.size() + " pixels differ");
                    for (int i : d) {
                        assertTrue(inside(i, rect), what + ": pixel " + i + " is not the agent's");
                    }
                }
            }
        }
    }

    /** The mean column of the visor's pixels, minus the agent's centre column. */
    private static double visorSide(CoinRunGame g) {
        byte[] px = render(g);
        double sum = 0;
        int n = 0;
        for (int i = 0; i < S * S; i++) {
            if (rgb(px, i) == VISOR) {
                sum += i % S + .5;
                n++;
            }
        }
        assertTrue(n >= 2, "the visor shows: " + n + " pixels");
        float unit = S / (float) CoinRunRenderer.VISIBILITY;
        return sum / n - CoinRunRenderer.VISIBILITY / 2f * unit;
    }

    @Test
    void aLeftActionTurnsTheAgentLeftAndARightActionBack() {
        CoinRunGame g = new CoinRunGame(CoinRunLevel.generate(2, true));
        for (int t = 0; t < 4; t++) {
            g.step(RIGHT);
        }
        assertTrue(visorSide(g) > 0, "facing right, the visor is on the right");
        g.step(LEFT);
        assertFalse(g.facingRight);
        assertTrue(visorSide(g) < 0, "after LEFT the visor is on the left");
        CoinRunGame forcedRight = g.copy();
        forcedRight.facingRight = true;
        assertTrue(differing(render(g), render(forcedRight)).size() >= 2);
        g.step(NOOP);
        assertTrue(visorSide(g) < 0, "no horizontal action keeps the facing");
        g.step(8); // RIGHT+UP
        assertTrue(visorSide(g) > 0, "a right action turns it back");
    }

    @Test
    void theThreePosesLookDifferentInEveryTheme() {
        for (int theme = 0; theme < CoinRunLevel.NUM_PLAYER_THEMES; theme++) {
            CoinRunGame g = gameWithAgentTheme(theme);
            for (int t = 0; t < 6; t++) {
                g.step(NOOP);
            }
            for (int k = 0; k < 5; k++) {
                CoinRunGame c = g.copy();
                c.agent.x += .04f * k;
                for (boolean right : new boolean[] {true, false}) {
                    c.facingRight = right;
                    byte[] stand = render(c, Pose.STAND);
                    byte[] walk1 = render(c, Pose.WALK1);
                    byte[] walk2 = render(c, Pose.WALK2);
                    String what = "theme " + theme + ", offset " + k + ", right " + right;
                    assertTrue(differing(stand, walk1).size() >= 2, what + ": stand vs walk1");
                    assertTrue(differing(stand, walk2).size() >= 2, what + ": stand vs walk2");
                    assertTrue(differing(walk1, walk2).size() >= 2, what + ": walk1 vs walk2");
                }
            }
        }
    }

    @Test
    void thePoseIsChosenAsProcgenChoosesIt() {
        CoinRunGame g = new CoinRunGame(CoinRunLevel.generate(1, false));
        // At the start no step has found support yet: Procgen draws the first walking image.
        assertEquals(Pose.WALK1, CoinRunArtV2.pose(g));
        g.step(NOOP);
        g.step(NOOP);
        assertTrue(g.hasSupport());
        assertEquals(Pose.STAND, CoinRunArtV2.pose(g), "still on the floor");
        // Walking: the image alternates every 5 steps of game time.
        g.step(RIGHT); // time 3
        assertEquals(Pose.WALK1, CoinRunArtV2.pose(g));
        g.step(RIGHT); // 4
        assertEquals(Pose.WALK1, CoinRunArtV2.pose(g));
        g.step(RIGHT); // 5
        assertEquals(Pose.WALK2, CoinRunArtV2.pose(g));
        g.step(RIGHT); // 6
        assertEquals(Pose.WALK2, CoinRunArtV2.pose(g));
        // Letting go while still sliding: vx is not yet below .01, so not standing.
        g.step(NOOP); // 7
        assertTrue(Math.abs(g.agent.vx) >= .01);
        assertEquals(Pose.WALK2, CoinRunArtV2.pose(g));
        for (int t = 0; t < 20; t++) {
            g.step(NOOP);
        }
        assertEquals(Pose.STAND, CoinRunArtV2.pose(g), "stopped again");
        // Jumping at time 28: that step began on the floor, so it still stands. In the air the
        // first walking image is drawn whatever the time, at 35..37 too, where walking on the
        // ground would show the second.
        g.step(UP); // 28
        assertEquals(Pose.STAND, CoinRunArtV2.pose(g), "the jump step began on the floor");
        for (int t = 0; t < 9; t++) {
            g.step(NOOP);
            assertFalse(g.hasSupport(), "in the air at time " + g.curTime);
            assertEquals(Pose.WALK1, CoinRunArtV2.pose(g), "in the air at time " + g.curTime);
        }
    }

    /** Where the agent's 13-cell view is all sky: x = 8, y = 40 on levels 15 or more cells long. */
    private static final float AIR_X = 8f;

    private static final float AIR_Y = 40f;

    /** Whether every cell the view at (AIR_X, AIR_Y) touches is empty (the coin is far enough). */
    private static boolean openAir(CoinRunLevel level) {
        for (int x = 1; x <= 15; x++) {
            for (int y = 33; y <= 47; y++) {
                if (level.cell(x, y) != CoinRunLevel.SPACE) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The lowest hard seed of each background pattern whose view in the air is all sky. */
    private static Map<Integer, CoinRunLevel> openAirLevelOfEachPattern() {
        Map<Integer, CoinRunLevel> levels = new LinkedHashMap<>();
        Set<Integer> patterns = new HashSet<>();
        for (int seed = 0; patterns.size() < CoinRunArtV2.NUM_PATTERNS; seed++) {
            CoinRunLevel level = CoinRunLevel.generate(seed, true);
            if (openAir(level) && patterns.add(CoinRunArtV2.pattern(level, false))) {
                levels.put(seed, level);
            }
        }
        return levels;
    }

    /** The game of the lowest hard seed from {@code from} whose view in the air is all sky. */
    private static CoinRunGame inTheAir(int from) {
        for (int seed = from; ; seed++) {
            CoinRunLevel level = CoinRunLevel.generate(seed, true);
            if (openAir(level)) {
                return at(new CoinRunGame(level), AIR_X, AIR_Y);
            }
        }
    }

    /** A copy of {@code g} with the agent moved to (x, y). */
    private static CoinRunGame at(CoinRunGame g, float x, float y) {
        CoinRunGame c = g.copy();
        c.agent.x = x;
        c.agent.y = y;
        return c;
    }

    /** Differing pixels away from the agent's columns: all background, high in the air. */
    private static int backgroundChanges(CoinRunRenderer r, CoinRunGame a, CoinRunGame b) {
        byte[] x = new byte[S * S * 3];
        byte[] y = new byte[S * S * 3];
        r.render(a, x, S);
        r.render(b, y, S);
        int n = 0;
        for (int i : differing(x, y)) {
            int col = i % S;
            if (col < 26 || col > 38) {
                n++;
            }
        }
        return n;
    }

    @Test
    void theBackgroundScrollsWithTheCameraInEveryPattern() {
        CoinRunRenderer v1 = new CoinRunRenderer(true, true, false, false);
        CoinRunRenderer v2 = new CoinRunRenderer(true, true, false, false, CoinRunRenderer.Art.V2);
        for (var e : openAirLevelOfEachPattern().entrySet()) {
            int seed = e.getKey();
            CoinRunLevel level = e.getValue();
            CoinRunGame here = at(new CoinRunGame(level), AIR_X, AIR_Y);
            String what = "seed " + seed + ", pattern " + CoinRunArtV2.pattern(level, false);
            int dx = backgroundChanges(v2, here, at(here, AIR_X + .2f, AIR_Y));
            int dy = backgroundChanges(v2, here, at(here, AIR_X, AIR_Y + .2f));
            assertTrue(dx >= 50, what + ": a 0.2-cell move right changes " + dx + " pixels");
            assertTrue(dy >= 50, what + ": a 0.2-cell move up changes " + dy + " pixels");
            // v1's background is one colour per row: a sideways move changes nothing there.
            assertEquals(
                    0, backgroundChanges(v1, here, at(here, AIR_X + .2f, AIR_Y)), what + " v1");
        }
    }

    @Test
    void hardLevelsVaryTheBackgroundEasyLevelsShareOne() {
        Set<Integer> patterns = new HashSet<>();
        Set<Integer> colours = new HashSet<>();
        Set<Integer> skies = new HashSet<>();
        for (int seed = 0; seed < 300; seed++) {
            CoinRunLevel hard = CoinRunLevel.generate(seed, true);
            patterns.add(CoinRunArtV2.pattern(hard, false));
            colours.add(CoinRunArtV2.colour(hard, false));
            assertEquals(0, CoinRunArtV2.pattern(hard, true), "restricted themes");
            assertEquals(0, CoinRunArtV2.colour(hard, true), "restricted themes");
            CoinRunLevel easy = CoinRunLevel.generate(seed, false);
            assertEquals(0, CoinRunArtV2.pattern(easy, false), "easy");
            assertEquals(0, CoinRunArtV2.colour(easy, false), "easy");
            if (skies.size() < 40 && openAir(hard)) {
                // The sky in the top-left corner of a view high in the air.
                skies.add(rgb(render(at(new CoinRunGame(hard), AIR_X, AIR_Y)), 0));
            }
        }
        assertEquals(CoinRunArtV2.NUM_PATTERNS, patterns.size());
        assertEquals(CoinRunLevel.NUM_BACKGROUND_COLOURS, colours.size());
        assertTrue(skies.size() >= 15, "distinct sky colours over 40 hard levels: " + skies.size());
    }

    @Test
    void noBackgroundsIsBlackAndMonochromeIsFlat() {
        CoinRunGame g = inTheAir(5);
        byte[] px = new byte[S * S * 3];
        new CoinRunRenderer(true, false, false, false, CoinRunRenderer.Art.V2).render(g, px, S);
        for (int i = 0; i < S * S; i++) {
            if (i % S < 26 || i % S > 38) {
                assertEquals(0, rgb(px, i), "pixel " + i);
            }
        }
        Set<Integer> colours = new HashSet<>();
        CoinRunRenderer mono = new CoinRunRenderer(true, true, true, false, CoinRunRenderer.Art.V2);
        for (int seed = 0; seed < 20; seed++) {
            CoinRunGame m = new CoinRunGame(CoinRunLevel.generate(seed, true));
            for (int t = 0; t < 30 && !m.done(); t++) {
                m.step(t % 4 == 0 ? 8 : RIGHT);
                mono.render(m, px, S);
                for (int i = 0; i < S * S; i++) {
                    colours.add(rgb(px, i));
                }
            }
        }
        // Black, wall, lava, lava top, coin, saw, enemy, crate, agent: v1's monochrome colours.
        assertTrue(colours.size() <= 9, "monochrome v2 uses flat colours: " + colours.size());
    }

    @Test
    void groundGrainOffDrawsFlatGroundThatChangesLessWhenTheCameraMoves() {
        CoinRunRenderer grain =
                new CoinRunRenderer(true, true, false, false, CoinRunRenderer.Art.V2);
        CoinRunRenderer flat =
                new CoinRunRenderer(true, true, false, false, CoinRunRenderer.Art.V2, false);
        byte[] a = new byte[S * S * 3];
        byte[] b = new byte[S * S * 3];
        byte[] before = new byte[S * S * 3];
        long changedGrain = 0;
        long changedFlat = 0;
        for (int seed = 0; seed < 10; seed++) {
            CoinRunGame g = new CoinRunGame(CoinRunLevel.generate(seed, true));
            Set<Integer> flatWhereTheyDiffer = new HashSet<>();
            for (int t = 0; t < 20 && !g.done(); t++) {
                grain.render(g, before, S);
                flat.render(g, b, S);
                g.step(RIGHT);
                grain.render(g, a, S);
                changedGrain += changedPixels(before, a);
                byte[] flatBefore = b.clone();
                flat.render(g, b, S);
                changedFlat += changedPixels(flatBefore, b);
                for (int i = 0; i < S * S; i++) {
                    if (rgb(a, i) != rgb(b, i)) {
                        flatWhereTheyDiffer.add(rgb(b, i));
                    }
                }
            }
            // Where the two looks differ, the flat ground is one colour: its theme's fill.
            assertTrue(
                    flatWhereTheyDiffer.size() <= 1, "seed " + seed + ": " + flatWhereTheyDiffer);
        }
        assertTrue(
                changedFlat < 0.8 * changedGrain,
                "pixels changed by a step right: flat " + changedFlat + ", grain " + changedGrain);
        assertFalse(
                make(Map.of("art", "v2", "ground_grain", false))
                        .reset(3L, Map.of())
                        .observation()
                        .equals(make(Map.of("art", "v2")).reset(3L, Map.of()).observation()),
                "the env option reaches the renderer");
    }

    @Test
    void backgroundScaleDrawsLargerPatternsThatChangeLessWhenTheCameraMoves() {
        CoinRunRenderer fine =
                new CoinRunRenderer(true, true, false, false, CoinRunRenderer.Art.V2, true);
        CoinRunRenderer broad =
                new CoinRunRenderer(true, true, false, false, CoinRunRenderer.Art.V2, true, 4);
        for (var e : openAirLevelOfEachPattern().entrySet()) {
            int seed = e.getKey();
            CoinRunLevel level = e.getValue();
            CoinRunGame here = at(new CoinRunGame(level), AIR_X, AIR_Y);
            CoinRunGame right = at(here, AIR_X + .2f, AIR_Y);
            String what = "seed " + seed + ", pattern " + CoinRunArtV2.pattern(level, false);
            int fineChanges = backgroundChanges(fine, here, right);
            int broadChanges = backgroundChanges(broad, here, right);
            // Still a textured background that moves with the camera, with fewer edges to move.
            assertTrue(broadChanges > 0, what + ": the broad background does not move");
            assertTrue(
                    broadChanges < 0.6 * fineChanges,
                    what
                            + ": a 0.2-cell move changes "
                            + broadChanges
                            + " pixels, "
                            + fineChanges
                            + " at scale 1");
        }
        // Scale 1 is the art as first drawn, so recorded video stays reproducible: CRC-32s of the
        // frames the renderer drew before the option existed (commit f5cbd93).
        assertEquals(3159992027L, CoinRunRendererV1PinTest.crc(fine, true, S), "hard");
        assertEquals(1556028600L, CoinRunRendererV1PinTest.crc(fine, false, S), "easy");
        Map<String, Object> scaled = Map.of("art", "v2", "background_scale", 4);
        assertNotEquals(
                make(scaled).reset(3L, Map.of()).observation(),
                make(Map.of("art", "v2")).reset(3L, Map.of()).observation(),
                "the env option reaches the renderer");
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> make(Map.of("art", "v2", "background_scale", 0)));
        assertTrue(e.getMessage().contains("background_scale = 0"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> make(Map.of("art", "v1", "background_scale", 17)),
                "named in art v1 too, which ignores it");
    }

    private static int changedPixels(byte[] x, byte[] y) {
        int n = 0;
        for (int i = 0; i < S * S; i++) {
            n += rgb(x, i) != rgb(y, i) ? 1 : 0;
        }
        return n;
    }

    @SuppressWarnings("unchecked")
    private static Env<Tensor, Integer> make(Map<String, ?> options) {
        return (Env<Tensor, Integer>) Envs.make("CoinRun-v0", options);
    }

    /** The env itself (no registry wrappers), so that its game state can be compared. */
    private static CoinRunEnv env(Map<String, Object> options) {
        return new CoinRunEnv(EnvOptions.resolve(CoinRunEnv.registration(), options));
    }

    @Test
    void theArtOptionChangesTheFramesAndNothingElse() {
        for (String mode : new String[] {"easy", "hard"}) {
            try (CoinRunEnv v1 = env(Map.of("distribution_mode", mode, "art", "v1"));
                    CoinRunEnv v2 = env(Map.of("distribution_mode", mode, "art", "v2"));
                    CoinRunEnv plain = env(Map.of("distribution_mode", mode))) {
                Reset<Tensor> r1 = v1.reset(11L, Map.of());
                Reset<Tensor> r2 = v2.reset(11L, Map.of());
                Reset<Tensor> r0 = plain.reset(11L, Map.of());
                assertEquals(r1.info(), r2.info());
                assertNotEquals(r1.observation(), r2.observation());
                assertEquals(r0.observation(), r1.observation(), "v1 is the default");
                SplittableRandom rng = new SplittableRandom(3);
                int episodes = 0;
                for (int t = 0; t < 600; t++) {
                    // Mostly right and jumping, so that episodes end.
                    int a = rng.nextInt(3) == 0 ? rng.nextInt(15) : rng.nextBoolean() ? 7 : 8;
                    Step<Tensor> s1 = v1.step(a);
                    Step<Tensor> s2 = v2.step(a);
                    Step<Tensor> s0 = plain.step(a);
                    String what = mode + " step " + t;
                    assertEquals(s1.reward(), s2.reward(), what);
                    assertEquals(s1.terminated(), s2.terminated(), what);
                    assertEquals(s1.truncated(), s2.truncated(), what);
                    assertEquals(s1.info(), s2.info(), what);
                    assertArrayEquals(s1.observation().shape(), s2.observation().shape());
                    assertNotEquals(s1.observation(), s2.observation(), what);
                    assertEquals(s0.observation(), s1.observation(), what);
                    CoinRunGame g1 = v1.gameState();
                    CoinRunGame g2 = v2.gameState();
                    assertEquals(g1.agent.x, g2.agent.x, what);
                    assertEquals(g1.agent.y, g2.agent.y, what);
                    assertEquals(g1.agent.vx, g2.agent.vx, what);
                    assertEquals(g1.agent.vy, g2.agent.vy, what);
                    if (s1.done()) {
                        episodes++;
                        assertEquals(
                                v1.reset(null, Map.of()).info(), v2.reset(null, Map.of()).info());
                        plain.reset(null, Map.of());
                    }
                }
                assertTrue(episodes >= 2, mode + ": " + episodes + " episodes");
            }
        }
    }

    @Test
    void unknownArtIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> make(Map.of("art", "v3")));
        assertEquals(CoinRunRenderer.Art.V2, CoinRunRenderer.Art.of("V2"));
        assertThrows(IllegalArgumentException.class, () -> CoinRunRenderer.Art.of("pretty"));
    }

    @Test
    void v2FramesAreDeterministic() {
        CoinRunRenderer v2 = new CoinRunRenderer(true, true, false, false, CoinRunRenderer.Art.V2);
        assertEquals(
                CoinRunRendererV1PinTest.crc(v2, true, S),
                CoinRunRendererV1PinTest.crc(
                        new CoinRunRenderer(true, true, false, false, CoinRunRenderer.Art.V2),
                        true,
                        S));
        assertNotEquals(
                CoinRunRendererV1PinTest.crc(
                        new CoinRunRenderer(true, true, false, false), true, S),
                CoinRunRendererV1PinTest.crc(v2, true, S));
    }
}
