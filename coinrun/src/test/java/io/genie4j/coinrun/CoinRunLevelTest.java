package io.genie4j.coinrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.env.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rules of Procgen's CoinRun generator that hold for every level. */
class CoinRunLevelTest {

    private static int count(CoinRunLevel l, byte type) {
        int n = 0;
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                n += l.cell(x, y) == type ? 1 : 0;
            }
        }
        return n;
    }

    @Test
    void everyLevelIsWalledHasOneCoinAndStartsTheAgentAtTheLeft() {
        for (boolean hard : new boolean[] {false, true}) {
            for (int seed = 0; seed < 300; seed++) {
                CoinRunLevel l = CoinRunLevel.generate(seed, hard);
                assertEquals(1, count(l, CoinRunLevel.GOAL), "seed " + seed);
                for (int i = 0; i < 64; i++) {
                    assertEquals(CoinRunLevel.WALL_MID, l.cell(0, i == 0 ? 1 : i), "left wall");
                    assertEquals(CoinRunLevel.WALL_MID, l.cell(63, i));
                    assertEquals(CoinRunLevel.WALL_MID, l.cell(i, 63));
                }
                assertEquals(1.5f, l.agentX());
                assertEquals(1 + 0.5787f, l.agentY(), "float arithmetic, as in Procgen");
                // The first section starts at x = 5: the agent's floor is the bottom wall top.
                assertEquals(CoinRunLevel.WALL_TOP, l.cell(2, 0));
                assertEquals(CoinRunLevel.SPACE, l.cell(2, 1));
                if (!hard) {
                    assertEquals(0, l.backgroundIndex());
                    assertEquals(0, l.agentTheme());
                }
                assertTrue(l.backgroundIndex() < CoinRunLevel.NUM_BACKGROUNDS);
            }
        }
    }

    @Test
    void theCoinRestsOnGroundAndEverythingRightOfItIsWall() {
        for (int seed = 0; seed < 300; seed++) {
            CoinRunLevel l = CoinRunLevel.generate(seed, true);
            int gx = -1;
            int gy = -1;
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    if (l.cell(x, y) == CoinRunLevel.GOAL) {
                        gx = x;
                        gy = y;
                    }
                }
            }
            assertEquals(CoinRunLevel.WALL_TOP, l.cell(gx, gy - 1), "seed " + seed);
            for (int y = 0; y < 63; y++) {
                assertEquals(CoinRunLevel.WALL_MID, l.cell(gx + 1, y));
            }
        }
    }

    @Test
    void easyLevelsHaveNoWalkingEnemiesOnGroundSections() {
        for (int seed = 0; seed < 300; seed++) {
            for (CoinRunEntity e : CoinRunLevel.generate(seed, false).entities()) {
                if (e.kind() == CoinRunEntity.Kind.ENEMY) {
                    assertEquals(1.5f, e.y(), "easy mode: enemies only in pits, seed " + seed);
                }
            }
        }
    }

    @Test
    void enemiesWalkAtProcgensSpeedAndEntitiesSitOnCellCentres() {
        int enemies = 0;
        for (int seed = 0; seed < 200; seed++) {
            for (CoinRunEntity e : CoinRunLevel.generate(seed, true).entities()) {
                assertEquals(.5f, e.x() - (float) Math.floor(e.x()));
                assertEquals(.5f, e.y() - (float) Math.floor(e.y()));
                if (e.kind() == CoinRunEntity.Kind.ENEMY) {
                    assertEquals(.15f, Math.abs(e.vx()));
                    assertTrue(e.theme() < CoinRunLevel.NUM_ENEMY_THEMES);
                    enemies++;
                }
            }
        }
        assertTrue(enemies > 20, "hard levels have walking enemies");
    }

    @Test
    void generationIsDeterministicAndSeedsDiffer() {
        assertEquals(
                Json.write(CoinRunLevel.generate(42, true).toJson()),
                Json.write(CoinRunLevel.generate(42, true).toJson()));
        assertFalse(
                Json.write(CoinRunLevel.generate(42, true).toJson())
                        .equals(Json.write(CoinRunLevel.generate(43, true).toJson())));
    }

    @Test
    void jsonFormIsTheInspectionFormat() {
        Map<String, Object> j = CoinRunLevel.generate(7, false).toJson();
        List<?> grid = (List<?>) j.get("grid");
        assertEquals(64, grid.size());
        assertEquals("#".repeat(64), grid.get(0), "grid[0] is the top row");
        assertTrue(((String) grid.get(63)).startsWith("#^^^"), "grid[63] is the bottom row");
        assertEquals(List.of(1.5f, 1 + 0.5787f), j.get("agent"));
        assertEquals("easy", j.get("mode"));
    }
}
