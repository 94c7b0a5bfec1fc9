package io.genie4j.coinrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Compares the port with levels and episodes recorded from an unmodified OpenAI Procgen 0.10.7
 * build ({@code src/test/resources/procgen-reference/}, whose README gives the provenance and the
 * format). Every level line and every episode in the files is checked; the files are read as they
 * are. A failure names the file, the seed and the first field or step that differs, for every level
 * or episode that differs.
 *
 * <p>Tolerances follow the files' format: reals are float32 values printed with {@code %.5f}, so a
 * level's reals must lie within half a unit of the last printed digit; agent traces may differ by
 * up to 2e-5, because a build of Procgen with fused multiply-add differs from the reference build
 * by that much (the data's README, caveat 4).
 */
class ProcgenReferenceTest {
    private static final String DIR = "/procgen-reference/";
    private static final List<String> LEVEL_FILES =
            List.of("levels-easy.jsonl", "levels-hard.jsonl");
    private static final List<String> ROLLOUT_FILES =
            List.of(
                    "rollouts-easy.jsonl",
                    "rollouts-hard.jsonl",
                    "rollouts-right-easy.jsonl",
                    "rollouts-right-hard.jsonl");

    /** Half a unit of the fifth decimal, with room for the decimal-to-double rounding. */
    private static final double PRINTED = 5e-6 + 1e-9;

    private static final double TRACE_TOLERANCE = 2e-5;

    /** Procgen's traces hold the first 300 steps of an episode. */
    private static final int TRACED_STEPS = 300;

    /** Failure messages list at most this many levels or episodes. */
    private static final int MAX_REPORTED = 25;

    private static final ObjectMapper JSON = new ObjectMapper();

    private static int levelsChecked;
    private static int episodesChecked;
    private static double maxTraceDeviation;
    private static int tracedValues;
    private static int tracedValuesPrintedDifferently;

    @AfterAll
    static void printSummary() {
        System.out.printf(
                Locale.ROOT,
                "procgen reference: %d levels, %d episodes, max trace deviation %.1e"
                        + " (%d of %d traced values print differently with %%.5f)%n",
                levelsChecked,
                episodesChecked,
                maxTraceDeviation,
                tracedValuesPrintedDifferently,
                tracedValues);
    }

    @Test
    void everyLevelMatchesProcgen() throws IOException {
        List<String> failures = new ArrayList<>();
        for (String file : LEVEL_FILES) {
            List<JsonNode> lines = read(file);
            JsonNode legend = lines.get(0).get("legend");
            assertTrue(legend != null, file + ": line 1 is the legend");
            String mode = modeOf(file);
            assertEquals(mode, text(legend, "mode"), file + ": legend mode");
            checkCellLegend(file, legend.get("cells"));
            assertTrue(lines.size() > 1, file + " holds no level");
            for (JsonNode line : lines.subList(1, lines.size())) {
                Diff d = new Diff(file, integer(line, "seed"));
                d.same("mode", mode, text(line, "mode"));
                checkLevel(d, line, mode.equals("hard"));
                d.reportTo(failures);
                levelsChecked++;
            }
        }
        assertNoFailures("levels", failures);
    }

    @Test
    void everyEpisodeMatchesProcgen() throws IOException {
        List<String> failures = new ArrayList<>();
        for (String file : ROLLOUT_FILES) {
            List<JsonNode> lines = read(file);
            assertFalse(lines.isEmpty(), file + " holds no episode");
            boolean mostlyRight = file.startsWith("rollouts-right-");
            String mode = modeOf(file);
            for (JsonNode line : lines) {
                Diff d = new Diff(file, integer(line, "seed"));
                d.same("mode", mode, text(line, "mode"));
                d.same(
                        "actions_rule policy",
                        mostlyRight ? "a_t=7+(v&1)" : "a_t=v mod 15",
                        text(line, "actions_rule").replaceFirst(".*; ", "").split(" \\(")[0]);
                checkEpisode(d, line, mode.equals("hard"), mostlyRight);
                d.reportTo(failures);
                episodesChecked++;
            }
        }
        assertNoFailures("episodes", failures);
    }

    // --- levels ---

    private static void checkLevel(Diff d, JsonNode ref, boolean hard) {
        CoinRunLevel level = CoinRunLevel.generate(d.seed, hard);
        // The inspection form that `genie4j coinrun level` prints: seed, mode, grid, agent,
        // entities as [type, x, y, vx, vy].
        Map<String, Object> ours = level.toJson();
        d.same("seed", (long) d.seed, ((Number) ours.get("seed")).longValue());
        d.same("mode", text(ref, "mode"), ours.get("mode"));
        List<?> grid = (List<?>) ours.get("grid");
        JsonNode refGrid = ref.get("grid");
        d.same("grid rows", refGrid.size(), grid.size());
        for (int r = 0; r < Math.min(refGrid.size(), grid.size()); r++) {
            String want = refGrid.get(r).asText();
            String got = (String) grid.get(r);
            if (!want.equals(got)) {
                int x = 0;
                while (x < Math.min(want.length(), got.length())
                        && want.charAt(x) == got.charAt(x)) {
                    x++;
                }
                d.fail(
                        String.format(
                                Locale.ROOT,
                                "grid[%d] (y=%d) x=%d: procgen %s, ours %s (rows \"%s\" vs \"%s\")",
                                r,
                                CoinRunLevel.SIZE - 1 - r,
                                x,
                                charAt(want, x),
                                charAt(got, x),
                                want,
                                got));
                break;
            }
        }
        List<?> agent = (List<?>) ours.get("agent");
        d.close("agent x", ref.get("agent").get(0), (Float) agent.get(0), PRINTED);
        d.close("agent y", ref.get("agent").get(1), (Float) agent.get(1), PRINTED);
        d.close("agent rx", ref.get("agent_r").get(0), level.agentRx, PRINTED);
        d.close("agent ry", ref.get("agent_r").get(1), level.agentRy, PRINTED);

        List<?> ents = (List<?>) ours.get("entities");
        JsonNode refEnts = ref.get("entities");
        for (int i = 0; i < Math.max(refEnts.size(), ents.size()); i++) {
            if (i >= ents.size() || i >= refEnts.size()) {
                d.fail(
                        String.format(
                                Locale.ROOT,
                                "entity count: procgen %d, ours %d (entity %d is %s)",
                                refEnts.size(),
                                ents.size(),
                                i,
                                i < ents.size()
                                        ? "only ours: " + ents.get(i)
                                        : "only Procgen's: " + refEnts.get(i)));
                break;
            }
            JsonNode e = refEnts.get(i);
            List<?> o = (List<?>) ents.get(i);
            CoinRunEntity model = level.entities().get(i);
            String at = "entity " + i + " ";
            d.same(at + "type", e.get(0).asText(), o.get(0));
            d.close(at + "x", e.get(1), (Float) o.get(1), PRINTED);
            d.close(at + "y", e.get(2), (Float) o.get(2), PRINTED);
            d.close(at + "vx", e.get(3), (Float) o.get(3), PRINTED);
            d.close(at + "vy", e.get(4), (Float) o.get(4), PRINTED);
            d.close(at + "rx", e.get(5), model.rx, PRINTED);
            d.close(at + "ry", e.get(6), model.ry, PRINTED);
            d.same(at + "image_theme", e.get(7).asInt(), model.theme());
        }
        // The game's entity list holds the agent first, then the level's entities.
        d.same("agent_entity_index", integer(ref, "agent_entity_index"), 0);
        d.same("agent_theme", integer(ref, "agent_theme"), level.agentTheme());
        d.same("wall_theme", integer(ref, "wall_theme"), level.wallTheme());
        d.same("background_index", integer(ref, "background_index"), level.backgroundIndex());
        d.close("bg_pct_x", ref.get("bg_pct_x"), level.backgroundOffset, PRINTED);
        checkDrawsAtReset(d, integer(ref, "rng_draws_at_reset"), level);
    }

    /**
     * The generator the game plays on must be Procgen's level generator after exactly {@code draws}
     * outputs: the generation's next outputs equal those of a fresh {@code seed(S)} generator
     * advanced by {@code draws}.
     */
    private static void checkDrawsAtReset(Diff d, int draws, CoinRunLevel level) {
        if (!continuesAfter(level, draws)) {
            int ours = -1;
            for (int n = 0; n <= 100_000 && ours < 0; n++) {
                ours = continuesAfter(level, n) ? n : -1;
            }
            d.fail(
                    "rng_draws_at_reset: procgen "
                            + draws
                            + ", ours "
                            + (ours < 0 ? "not a prefix of seed(S)'s outputs" : ours));
        }
    }

    private static boolean continuesAfter(CoinRunLevel level, int draws) {
        ProcgenRandom fresh = new ProcgenRandom(level.seed());
        for (int i = 0; i < draws; i++) {
            fresh.nextUInt();
        }
        ProcgenRandom ours = level.generatorAfterGeneration();
        for (int i = 0; i < 32; i++) {
            if (fresh.nextUInt() != ours.nextUInt()) {
                return false;
            }
        }
        return true;
    }

    private static void checkCellLegend(String file, JsonNode cells) {
        byte[] types = {
            CoinRunLevel.SPACE,
            CoinRunLevel.WALL_MID,
            CoinRunLevel.WALL_TOP,
            CoinRunLevel.LAVA_MID,
            CoinRunLevel.LAVA_TOP,
            CoinRunLevel.GOAL,
            CoinRunLevel.ENEMY_BARRIER
        };
        assertEquals(types.length, cells.size(), file + ": legend cell count");
        for (byte t : types) {
            String c = String.valueOf(CoinRunLevel.cellChar(t));
            assertTrue(cells.has(c), file + ": legend has no cell '" + c + "'");
            assertTrue(
                    cells.get(c).asText().matches(".*\\bid " + t + "\\b.*"),
                    file + ": legend cell '" + c + "' is " + cells.get(c) + ", ours has id " + t);
        }
    }

    // --- episodes ---

    private static void checkEpisode(Diff d, JsonNode ref, boolean hard, boolean mostlyRight) {
        List<Integer> actions = new ArrayList<>(CoinRunGame.TIMEOUT);
        for (int t = 0; t < CoinRunGame.TIMEOUT; t++) {
            actions.add(action(d.seed, t, mostlyRight));
        }
        int steps = integer(ref, "steps");
        JsonNode refActions = ref.get("actions");
        d.same("actions length", Math.min(steps, TRACED_STEPS), refActions.size());
        for (int t = 0; t < refActions.size(); t++) {
            if (refActions.get(t).asInt() != actions.get(t)) {
                d.fail(
                        "actions["
                                + t
                                + "]: file "
                                + refActions.get(t).asInt()
                                + ", LCG rule "
                                + actions.get(t));
                break;
            }
        }

        CoinRunEntity start = new CoinRunGame(CoinRunLevel.generate(d.seed, hard)).agent();
        JsonNode init = ref.get("init");
        float[] initState = {start.x(), start.y(), start.vx(), start.vy()};
        for (int k = 0; k < 4; k++) {
            d.trace("init " + STATE[k], init.get(k), initState[k]);
        }

        // The inspection form that `genie4j coinrun trace` prints.
        Map<String, Object> ours = CoinRunTrace.play(d.seed, hard, actions);
        List<?> trace = (List<?>) ours.get("trace");
        JsonNode refTrace = ref.get("trace");
        d.same("trace length", Math.min(steps, TRACED_STEPS), refTrace.size());
        for (int t = 0; t < refTrace.size(); t++) {
            if (t >= trace.size()) {
                d.fail("trace: ours ends after " + trace.size() + " steps, procgen has step " + t);
                break;
            }
            if (!d.traceRow("step " + t, refTrace.get(t), (List<?>) trace.get(t))) {
                break;
            }
        }
        d.same("steps", steps, ours.get("steps"));
        d.traceRow("final", ref.get("final"), (List<?>) trace.get(trace.size() - 1));

        boolean coin = (Boolean) ours.get("level_complete");
        boolean died = (Boolean) ours.get("died");
        boolean timedOut = (Boolean) ours.get("timed_out");
        d.same(
                "outcome",
                outcome(ref),
                coin ? "coin" : died ? "died" : timedOut ? "timed out" : "none");
        d.same("level_complete", ref.get("level_complete").asBoolean(), coin);
        d.same("died", ref.get("died").asBoolean(), died);
        d.same("timed_out", ref.get("timed_out").asBoolean(), timedOut);
        d.close("reward_total", ref.get("reward_total"), (Float) ours.get("reward_total"), 0);

        // The cause of death, which the trace form leaves out.
        CoinRunGame game = new CoinRunGame(CoinRunLevel.generate(d.seed, hard));
        for (int t = 0; t < steps && !game.done(); t++) {
            game.step(actions.get(t));
        }
        List<String> causes = new ArrayList<>();
        ref.get("death_causes").forEach(c -> causes.add(c.asText()));
        String cause = game.death() == null ? null : game.death().replace("fell", "out_of_bounds");
        if (ref.get("died").asBoolean() ? !causes.contains(cause) : cause != null) {
            d.fail("death cause: procgen " + causes + ", ours " + game.death());
        }
    }

    /** The data's LCG policies: {@code v} from {@code k = seed·1000 + t}, 64-bit arithmetic. */
    static int action(int seed, int t, boolean mostlyRight) {
        long k = seed * 1000L + t;
        long v = Math.floorMod(1103515245L * k + 12345L, 1L << 31) >> 16;
        return mostlyRight ? 7 + (int) (v & 1) : (int) (v % 15);
    }

    private static String outcome(JsonNode ref) {
        return ref.get("level_complete").asBoolean()
                ? "coin"
                : ref.get("died").asBoolean()
                        ? "died"
                        : ref.get("timed_out").asBoolean() ? "timed out" : "none";
    }

    private static final String[] STATE = {"x", "y", "vx", "vy"};

    // --- plumbing ---

    /** The first difference found for one level or episode, and any later ones. */
    private static final class Diff {
        final String file;
        final int seed;
        final List<String> found = new ArrayList<>();

        Diff(String file, int seed) {
            this.file = file;
            this.seed = seed;
        }

        void fail(String what) {
            found.add(what);
        }

        void same(String field, Object procgen, Object ours) {
            if (!procgen.equals(ours)) {
                fail(field + ": procgen " + procgen + ", ours " + ours);
            }
        }

        void close(String field, JsonNode procgen, float ours, double tolerance) {
            double dev = Math.abs(procgen.asDouble() - ours);
            if (!procgen.isNumber() || !(dev <= tolerance)) {
                fail(field + ": procgen " + procgen + ", ours " + ours + " (off by " + dev + ")");
            }
        }

        void trace(String field, JsonNode procgen, float ours) {
            maxTraceDeviation = Math.max(maxTraceDeviation, Math.abs(procgen.asDouble() - ours));
            tracedValues++;
            if (printed(ours).compareTo(BigDecimal.valueOf(procgen.asDouble())) != 0) {
                tracedValuesPrintedDifferently++;
            }
            close(field, procgen, ours, TRACE_TOLERANCE);
        }

        /** Compares a {@code [t, x, y, vx, vy]} row; false if it differs. */
        boolean traceRow(String row, JsonNode procgen, List<?> ours) {
            int before = found.size();
            same(row + " t", procgen.get(0).asInt(), ours.get(0));
            for (int k = 0; k < 4; k++) {
                trace(row + " " + STATE[k], procgen.get(k + 1), (Float) ours.get(k + 1));
            }
            return found.size() == before;
        }

        void reportTo(List<String> failures) {
            if (!found.isEmpty()) {
                failures.add(
                        file
                                + " seed "
                                + seed
                                + ": "
                                + found.get(0)
                                + (found.size() > 1
                                        ? " (and "
                                                + (found.size() - 1)
                                                + " more: "
                                                + found.subList(1, Math.min(found.size(), 4))
                                                + ")"
                                        : ""));
            }
        }
    }

    private static void assertNoFailures(String what, List<String> failures) {
        assertTrue(
                failures.isEmpty(),
                () ->
                        failures.size()
                                + " "
                                + what
                                + " differ from Procgen's:\n  "
                                + String.join(
                                        "\n  ",
                                        failures.subList(
                                                0, Math.min(failures.size(), MAX_REPORTED)))
                                + (failures.size() > MAX_REPORTED ? "\n  ..." : ""));
    }

    private static List<JsonNode> read(String file) throws IOException {
        InputStream in = ProcgenReferenceTest.class.getResourceAsStream(DIR + file);
        assertTrue(in != null, "test resource " + DIR + file + " is missing");
        List<JsonNode> lines = new ArrayList<>();
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    lines.add(JSON.readTree(line));
                }
            }
        }
        return lines;
    }

    private static String modeOf(String file) {
        return file.contains("-hard") ? "hard" : "easy";
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        assertTrue(v != null && v.isTextual(), "field " + field + " missing in " + node);
        return v.asText();
    }

    private static int integer(JsonNode node, String field) {
        JsonNode v = node.get(field);
        assertTrue(v != null && v.canConvertToInt(), "field " + field + " missing in " + node);
        return v.asInt();
    }

    /** {@code %.5f} as glibc prints it: the exact binary value, ties to even. */
    private static BigDecimal printed(float value) {
        return new BigDecimal(value).setScale(5, RoundingMode.HALF_EVEN);
    }

    private static String charAt(String s, int i) {
        return i < s.length() ? "'" + s.charAt(i) + "'" : "nothing";
    }
}
