package io.genie4j.coinrun.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.agents.EpisodeStats;
import io.genie4j.bc.LatentLabeler;
import io.genie4j.coinrun.ExpertDemos;
import io.genie4j.genie.TinyWorld;
import io.genie4j.genie.world.WorldModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BcStudyTest {

    @Test
    void drawsDistinctIndices() {
        int[] d = BcStudy.draw(10, 4, new SplittableRandom(1));
        assertEquals(4, Arrays.stream(d).distinct().count());
        assertTrue(Arrays.stream(d).allMatch(i -> i >= 0 && i < 10));
        assertEquals(10, BcStudy.draw(10, 50, new SplittableRandom(1)).length);
        assertEquals(0, BcStudy.draw(10, 0, new SplittableRandom(1)).length);
    }

    @Test
    void mappingCeilingIsTheMajorityShare() {
        // Code 0: 3 of action 1, 1 of action 2; code 1: 2 of action 0.
        assertEquals(5 / 6.0, BcStudy.majorityAccuracy(new long[][] {{0, 3, 1}, {2, 0, 0}}), 1e-12);
    }

    @Test
    void summaryAveragesSeedsWithATInterval() {
        List<BcStudy.Row> rows = new ArrayList<>();
        double[] rates = {0.5, 0.7, 0.6};
        for (int s = 0; s < 3; s++) {
            List<EpisodeStats.Episode> eps = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                eps.add(new EpisodeStats.Episode(0, i, 0, 1, i < rates[s] * 10));
            }
            rows.add(new BcStudy.Row("oracle", null, s, new EpisodeStats("oracle", eps, 10, 0)));
        }
        rows.add(
                new BcStudy.Row(
                        "latent-dictionary",
                        10,
                        0,
                        new EpisodeStats(
                                "x", List.of(new EpisodeStats.Episode(0, 0, 1, 1, true)), 1, 0)));
        List<Map<String, Object>> sum = BcStudy.summarise(rows);
        assertEquals(2, sum.size());
        Map<String, Object> o = sum.get(0);
        assertEquals(0.6, (double) o.get("success_rate"), 1e-9);
        // Mean 0.6, sd 0.1, n 3: t(2, 0.975) = 4.303 → half-width 0.2484.
        @SuppressWarnings("unchecked")
        List<Double> ci = (List<Double>) o.get("ci95");
        assertEquals(0.6 - 0.2484, ci.get(0), 1e-3);
        assertEquals(0.6 + 0.2484, ci.get(1), 1e-3);
        assertEquals("Wilson over episodes", sum.get(1).get("ci_method"));
    }

    @Test
    void latentRowsAreMeasuredAgainstTheOracleAndBlindPlay() {
        List<Map<String, Object>> sum = new ArrayList<>();
        sum.add(row("oracle", null, 0.7));
        sum.add(row("blind", null, 0.5));
        sum.add(row("latent-dictionary", 200, 0.6));
        sum.add(row("latent-learned", 200, 0.45));
        BcStudy.addShares(sum);
        assertEquals(0.6 / 0.7, (double) sum.get(2).get("of_oracle"), 1e-4);
        assertEquals(0.5, (double) sum.get(2).get("of_oracle_lead_over_blind"), 1e-9);
        assertEquals(-0.25, (double) sum.get(3).get("of_oracle_lead_over_blind"), 1e-9);
        assertFalse(
                sum.get(0).containsKey("of_oracle"), "the oracle is not measured against itself");
        String md =
                BcStudy.markdown(
                        sum, Map.of("success_rate", 1.0, "levels", 10), BcStudy.Config.quick());
        assertTrue(md.contains("| latent-dictionary | 200 | 60.0 |"), md);
        assertTrue(md.contains("| 86% | 50% |"), md);

        List<Map<String, Object>> noBlind = new ArrayList<>();
        noBlind.add(row("oracle", null, 0.7));
        noBlind.add(row("latent-dictionary", 200, 0.6));
        BcStudy.addShares(noBlind);
        assertTrue(noBlind.get(1).containsKey("of_oracle"));
        assertFalse(noBlind.get(1).containsKey("of_oracle_lead_over_blind"));
    }

    private static Map<String, Object> row(String agent, Integer labels, double rate) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("agent", agent);
        m.put("labels", labels);
        m.put("success_rate", rate);
        m.put("ci95", List.of(rate, rate));
        m.put("episodes", 100);
        return m;
    }

    @Test
    void rejectsHeldOutLevelsInsideTheDemonstrations() {
        BcStudy.Config q = BcStudy.Config.quick();
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new BcStudy.Config(
                                        "easy",
                                        q.labels(),
                                        1,
                                        1,
                                        100,
                                        ExpertDemos.Style.OPEN_LOOP,
                                        50,
                                        10,
                                        0.1,
                                        1,
                                        q.channels(),
                                        q.hidden(),
                                        q.downsample(),
                                        q.stack(),
                                        q.trainer(),
                                        false,
                                        "v1"));
        assertTrue(e.getMessage().contains("inside"), e.getMessage());
    }

    @Test
    void quickStudyRunsEndToEnd(@TempDir Path tmp) throws Exception {
        List<String> log = new ArrayList<>();
        Path run = TinyWorld.world(tmp, 2, 64);
        Path out = tmp.resolve("study");
        try (WorldModel m = WorldModel.load(run)) {
            BcStudy.Result r =
                    BcStudy.run(
                            new LatentLabeler(m, 64),
                            "tiny",
                            BcStudy.Config.quick(),
                            out,
                            log::add);
            for (String f : List.of("bc-eval.json", "bc-eval.md", "bc-eval.png")) {
                assertTrue(Files.size(out.resolve(f)) > 0, f);
            }
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> summary = (List<Map<String, Object>>) r.json().get("summary");
            List<String> agents =
                    summary.stream().map(s -> s.get("agent") + "/" + s.get("labels")).toList();
            assertEquals(
                    List.of(
                            "oracle/null",
                            "oracle-eps0.1/null",
                            "random/null",
                            "blind/null",
                            "latent-dictionary/0",
                            "latent-learned/0",
                            "latent-dictionary/50",
                            "latent-learned/50"),
                    agents);
            for (Map<String, Object> s : summary) {
                assertEquals(4, s.get("episodes"));
                assertEquals(
                        s.get("labels") != null && (double) summary.get(0).get("success_rate") > 0,
                        s.containsKey("of_oracle"),
                        s.toString());
            }
            assertTrue(r.markdown().contains("| oracle |"), r.markdown());
            assertTrue(r.markdown().contains("expert (planner)"));
            @SuppressWarnings("unchecked")
            Map<String, Object> data = (Map<String, Object>) r.json().get("data");
            assertEquals(8, data.get("demo_levels_won"));
            assertNotEquals(0, data.get("transitions"));
            assertTrue(log.stream().anyMatch(l -> l.contains("labelling")), log.toString());
            // Every policy trained on finite losses, and the oracle learned the expert's actions
            // better than chance (uniform over the 15 actions).
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> training =
                    (List<Map<String, Object>>) r.json().get("training");
            assertFalse(training.isEmpty());
            for (Map<String, Object> t : training) {
                assertTrue(
                        t.get("validation_loss") instanceof Double v && Double.isFinite(v),
                        t.toString());
            }
            Map<String, Object> oracle = training.get(0);
            assertEquals("oracle", oracle.get("policy"));
            System.out.println(
                    "quick study oracle: "
                            + oracle
                            + ", action counts "
                            + data.get("real_action_counts"));
            assertTrue((double) oracle.get("validation_accuracy") > 1.0 / 15, oracle.toString());
        }
    }
}
