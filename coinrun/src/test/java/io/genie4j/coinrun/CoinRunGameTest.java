package io.genie4j.coinrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** CoinRun's rules, pinned by hand from Procgen's constants. */
class CoinRunGameTest {
    private static final int NOOP = 4;
    private static final int UP = 5;
    private static final int DOWN = 3;
    private static final int RIGHT = 7;

    private static CoinRunGame game(int seed, boolean hard) {
        return new CoinRunGame(CoinRunLevel.generate(seed, hard));
    }

    @Test
    void aStandingJumpRisesBy6Point4Cells() {
        // vy = 1.5 on the jump step, then gravity 0.2 a step: 1.5 + 1.3 + ... + 0.1 = 6.4.
        CoinRunGame g = game(1, false);
        float start = g.agent().y();
        float top = start;
        g.step(UP);
        for (int t = 0; t < 20; t++) {
            top = Math.max(top, g.agent().y());
            g.step(NOOP);
        }
        assertEquals(start + 6.4f, top, 1e-4);
        assertEquals(start, g.agent().y(), 1e-6, "lands back on the floor");
        assertEquals(0f, Math.abs(g.agent().vy()), "landing stops the fall (Procgen leaves -0.0)");
    }

    @Test
    void runningAcceleratesByMixRateAndStopsAtTheFirstWall() {
        // On the ground vx <- 0.8 vx + 0.2 * 0.5, so after n steps vx = 0.5 (1 - 0.8^n).
        CoinRunGame g = game(2, false);
        for (int t = 0; t < 5; t++) {
            g.step(RIGHT);
        }
        assertEquals(0.5 * (1 - Math.pow(0.8, 5)), g.agent().vx(), 1e-5);
        // Every level's first section starts with ground at x = 5, at least one cell high.
        for (int t = 0; t < 30; t++) {
            g.step(RIGHT);
        }
        assertEquals(4.5f, g.agent().x());
        assertEquals(0f, Math.abs(g.agent().vx()));
    }

    @Test
    void actionsNineToFourteenAreNoop() {
        for (int a = 9; a < 15; a++) {
            CoinRunGame x = game(3, true);
            CoinRunGame y = game(3, true);
            for (int t = 0; t < 5; t++) {
                x.step(RIGHT);
                y.step(RIGHT);
            }
            for (int t = 0; t < 20; t++) {
                x.step(NOOP);
                y.step(a);
                assertEquals(x.agent().x(), y.agent().x());
                assertEquals(x.agent().y(), y.agent().y());
                assertEquals(x.agent().vx(), y.agent().vx());
            }
        }
    }

    /** A level whose entities include {@code kind}, and the first such entity's index. */
    private static int[] levelWith(CoinRunEntity.Kind kind) {
        for (int seed = 0; seed < 1000; seed++) {
            CoinRunLevel l = CoinRunLevel.generate(seed, true);
            for (int i = 0; i < l.entities().size(); i++) {
                if (l.entities().get(i).kind() == kind) {
                    return new int[] {seed, i};
                }
            }
        }
        throw new AssertionError("no level with a " + kind);
    }

    @Test
    void touchingASawOrAnEnemyKills() {
        for (CoinRunEntity.Kind kind :
                new CoinRunEntity.Kind[] {CoinRunEntity.Kind.SAW, CoinRunEntity.Kind.ENEMY}) {
            int[] found = levelWith(kind);
            CoinRunGame g = game(found[0], true);
            CoinRunEntity e = g.entities().get(found[1]);
            g.agent.x = e.x();
            g.agent.y = e.y() + 0.1f;
            CoinRunGame.Outcome o = g.step(NOOP);
            assertTrue(o.done());
            assertEquals(kind == CoinRunEntity.Kind.SAW ? "saw" : "enemy", o.death());
            assertFalse(o.levelComplete());
            assertEquals(0f, o.reward());
        }
    }

    /** Puts the agent in the middle of the first cell of {@code type} and takes one step. */
    private static CoinRunGame.Outcome stepInto(byte type) {
        for (int seed = 0; seed < 1000; seed++) {
            CoinRunLevel l = CoinRunLevel.generate(seed, false);
            for (int x = 0; x < 64; x++) {
                for (int y = 1; y < 63; y++) {
                    if (l.cell(x, y) == type) {
                        CoinRunGame g = new CoinRunGame(l);
                        g.agent.x = x + .5f;
                        g.agent.y = y + .5f;
                        return g.step(NOOP);
                    }
                }
            }
        }
        throw new AssertionError("no level has cell type " + type);
    }

    @Test
    void lavaKillsAndTheCoinPaysTen() {
        CoinRunGame.Outcome lava = stepInto(CoinRunLevel.LAVA_TOP);
        assertTrue(lava.done());
        assertEquals("lava", lava.death());
        assertEquals(0f, lava.reward());
        CoinRunGame.Outcome coin = stepInto(CoinRunLevel.GOAL);
        assertTrue(coin.done() && coin.levelComplete());
        assertEquals(10f, coin.reward());
        assertNull(coin.death());
    }

    @Test
    void leavingTheWorldKills() {
        CoinRunGame g = game(4, false);
        g.agent.y = -3f;
        assertEquals("fell", g.step(NOOP).death());
    }

    @Test
    void cratesHoldFromAboveAndDownDropsThrough() {
        int[] found = levelWith(CoinRunEntity.Kind.CRATE);
        CoinRunLevel l = CoinRunLevel.generate(found[0], true);
        CoinRunEntity crate = l.entities().get(found[1]);
        // Find the top crate of this pile: the agent lands on it.
        float top = crate.y();
        for (CoinRunEntity e : l.entities()) {
            if (e.kind() == CoinRunEntity.Kind.CRATE && e.x() == crate.x() && e.y() > top) {
                top = e.y();
            }
        }
        CoinRunGame g = new CoinRunGame(l);
        g.agent.x = crate.x();
        g.agent.y = top + 3;
        for (int t = 0; t < 30; t++) {
            g.step(NOOP);
        }
        assertEquals(top + .5f + g.agent().ry, g.agent().y(), 1e-4, "stands on the crate");
        assertEquals(0f, g.agent().vy());
        for (int t = 0; t < 30; t++) {
            g.step(DOWN);
        }
        assertTrue(
                g.agent().y() < top, "pressing down drops through the crate: y=" + g.agent().y());
    }

    @Test
    void walkingEnemiesTurnAtBarriersAndWalls() {
        int[] found = levelWith(CoinRunEntity.Kind.ENEMY);
        CoinRunGame g = game(found[0], true);
        CoinRunEntity e = g.entities().get(found[1]);
        float v0 = e.vx();
        float minX = e.x();
        float maxX = e.x();
        boolean turned = false;
        for (int t = 0; t < 400 && !g.done(); t++) {
            g.step(NOOP);
            turned |= Math.signum(e.vx()) != Math.signum(v0);
            minX = Math.min(minX, e.x());
            maxX = Math.max(maxX, e.x());
            // Bouncing off WALL_MID, Procgen's out-of-bounds object, also counts as blocked and
            // costs a quarter of the speed; barriers and wall tops only turn an enemy around.
            assertTrue(Math.abs(e.vx()) <= .15f && e.vx() != 0, "speed " + e.vx());
        }
        assertTrue(turned, "the enemy turned around");
        assertTrue(maxX - minX < 20, "it stays within its section: " + minX + ".." + maxX);
    }

    @Test
    void copiesPlayOnIdenticallyAndIndependently() {
        CoinRunGame a = game(11, true);
        for (int t = 0; t < 10; t++) {
            a.step(RIGHT);
        }
        CoinRunGame b = a.copy();
        int[] actions = {7, 8, 7, 4, 5, 1, 7, 7, 8, 3, 7, 7};
        for (int act : actions) {
            if (a.done()) {
                break;
            }
            CoinRunGame.Outcome x = a.step(act);
            CoinRunGame.Outcome y = b.step(act);
            assertEquals(x, y);
            assertEquals(a.agent().x(), b.agent().x());
            assertEquals(a.agent().y(), b.agent().y());
        }
        float bx = b.agent().x();
        if (!a.done()) {
            a.step(RIGHT);
        }
        assertEquals(bx, b.agent().x(), "stepping one leaves the other alone");
    }
}
