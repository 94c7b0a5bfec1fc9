package io.genie4j.coinrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CoinRunExpertTest {

    @Test
    void expertSolvesHeldOutLevelsAndLeavesTheStartStateAlone() {
        CoinRunExpert expert = new CoinRunExpert(CoinRunPolicyEval.EXPERT_BUDGET);
        for (boolean hard : new boolean[] {false, true}) {
            int solved = 0;
            for (int seed = 300000; seed < 300020; seed++) {
                CoinRunGame g = new CoinRunGame(CoinRunLevel.generate(seed, hard));
                float x0 = g.agent().x();
                List<Integer> plan = expert.plan(g);
                assertEquals(x0, g.agent().x(), "planning works on copies");
                assertEquals(0, g.time());
                for (int a : plan) {
                    if (g.step(a).done()) {
                        break;
                    }
                }
                solved += g.levelComplete() ? 1 : 0;
            }
            assertTrue(solved >= 18, (hard ? "hard" : "easy") + ": solved " + solved + " of 20");
        }
    }

    @Test
    void randomPlayRarelySolvesWhatTheExpertSolves() {
        Map<String, Object> expert = CoinRunPolicyEval.run("expert", false, 400000, 400029);
        Map<String, Object> random = CoinRunPolicyEval.run("random", false, 400000, 400029);
        assertEquals(30, expert.get("levels"));
        assertTrue((Double) expert.get("success_rate") > (Double) random.get("success_rate"));
        assertTrue((Double) expert.get("success_rate") >= 0.9, expert.toString());
    }
}
