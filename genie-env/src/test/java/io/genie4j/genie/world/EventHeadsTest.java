package io.genie4j.genie.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.genie.train.Checkpoints;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventHeadsTest {

    @TempDir Path tmp;

    /**
     * A synthetic signal: 6-number states of Gaussian noise; the reward event is "feature 0 above
     * 1.5", termination is "feature 3 below -1.5"; rare, so most samples are negatives.
     */
    private static EventSamples synthetic(int m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] x = new float[m][6];
        boolean[] reward = new boolean[m];
        float[] value = new float[m];
        boolean[] term = new boolean[m];
        double[] w = new double[m];
        for (int i = 0; i < m; i++) {
            for (int k = 0; k < 6; k++) {
                x[i][k] = (float) gaussian(r);
            }
            reward[i] = x[i][0] > 1.5;
            value[i] = reward[i] ? 10 : 0;
            term[i] = x[i][3] < -1.5;
            w[i] = 1;
        }
        return new EventSamples(x, reward, value, term, w);
    }

    private static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble()))
                * Math.cos(2 * Math.PI * r.nextDouble());
    }

    @Test
    void theHeadsLearnASyntheticSignalAndFindItOnFreshSamples() {
        EventHeads heads = EventHeads.fit(synthetic(3000, 1), null);
        assertEquals(10.0, heads.rewardValue(), 1e-9);
        Map<String, Object> s = synthetic(2000, 2).score(heads);
        Map<?, ?> reward = (Map<?, ?>) s.get("reward");
        Map<?, ?> term = (Map<?, ?>) s.get("termination");
        assertTrue((Double) reward.get("auroc") > 0.98, "reward " + reward);
        assertTrue((Double) term.get("auroc") > 0.98, "termination " + term);
        assertTrue(
                (Double) reward.get("precision") > 0.7 && (Double) reward.get("recall") > 0.7,
                "reward " + reward);
        // A state well inside each event, and one in neither.
        double[] p = heads.probabilities(new float[] {3, 0, 0, 0, 0, 0});
        assertTrue(heads.rewardFires(p[0]) && !heads.terminationFires(p[1]), p[0] + " " + p[1]);
        p = heads.probabilities(new float[] {0, 0, 0, -3, 0, 0});
        assertTrue(!heads.rewardFires(p[0]) && heads.terminationFires(p[1]), p[0] + " " + p[1]);
        assertThrows(IllegalArgumentException.class, () -> heads.probabilities(new float[3]));
    }

    @Test
    void aRewardEndsTheEpisodeOnlyIfEveryRewardInTheFittingEpisodesDid() {
        EventSamples s = synthetic(3000, 1);
        // In the synthetic signal rewards and endings are independent: a reward ends nothing.
        EventHeads apart = EventHeads.fit(s, null);
        assertFalse(apart.rewardEndsEpisode());
        double[] coin = apart.probabilities(new float[] {3, 0, 0, 0, 0, 0});
        assertTrue(apart.rewardFires(coin[0]) && !apart.ends(coin));
        // As in CoinRun: every rewarded transition is its episode's last.
        boolean[] term = s.terminals().clone();
        for (int i = 0; i < term.length; i++) {
            term[i] |= s.rewards()[i];
        }
        EventHeads coinRun =
                EventHeads.fit(
                        new EventSamples(
                                s.states(), s.rewards(), s.rewardValues(), term, s.weights()),
                        null);
        assertTrue(coinRun.rewardEndsEpisode());
        coin = coinRun.probabilities(new float[] {3, 0, 0, 0, 0, 0});
        assertTrue(coinRun.rewardFires(coin[0]) && coinRun.ends(coin));
        assertFalse(coinRun.ends(coinRun.probabilities(new float[6])));
    }

    @Test
    void aurocCountsTiesAsHalfAndWeighsSamples() {
        boolean[] y = {false, true, false, true};
        assertEquals(1.0, EventSamples.auroc(new double[] {0.1, 0.9, 0.2, 0.8}, y, ones(4)), 1e-12);
        assertEquals(0.5, EventSamples.auroc(new double[] {0.5, 0.5, 0.5, 0.5}, y, ones(4)), 1e-12);
        // The negative above a positive weighs 3: of 4 negative units, 3 outrank positive 1.
        double a =
                EventSamples.auroc(new double[] {0.1, 0.3, 0.5, 0.9}, y, new double[] {1, 1, 3, 1});
        assertEquals((1.0 / 4 + 1.0) / 2, a, 1e-12);
        assertTrue(
                Double.isNaN(
                        EventSamples.auroc(new double[] {0.1}, new boolean[] {true}, ones(1))));
    }

    private static double[] ones(int n) {
        double[] w = new double[n];
        java.util.Arrays.fill(w, 1);
        return w;
    }

    @Test
    void savedHeadsLoadAndGiveTheSameProbabilities() throws Exception {
        EventHeads heads = EventHeads.fit(synthetic(500, 3), null);
        heads.save(tmp);
        EventHeads back = EventHeads.load(Checkpoints.Source.of(tmp));
        float[] x = {1, -2, 0.5f, 0, 2, -1};
        assertEquals(heads.probabilities(x)[0], back.probabilities(x)[0], 1e-12);
        assertEquals(heads.probabilities(x)[1], back.probabilities(x)[1], 1e-12);
        assertNull(EventHeads.load(Checkpoints.Source.of(tmp.resolve("none"))));
        assertFalse(heads.rewardFires(heads.probabilities(new float[6])[0]));
        assertEquals(heads.rewardEndsEpisode(), back.rewardEndsEpisode());
    }

    @Test
    void poolTakesTheMeanThenTheMaximumOverTokens() {
        // batch 1, 2 tokens, 2 features: tokens (1, 4) and (3, -2).
        float[][] s = EventHeads.pool(new float[] {1, 4, 3, -2}, 1, 2, 2);
        assertEquals(2.0f, s[0][0]);
        assertEquals(1.0f, s[0][1]);
        assertEquals(3.0f, s[0][2]);
        assertEquals(4.0f, s[0][3]);
    }
}
