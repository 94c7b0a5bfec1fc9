package io.genie4j.coinrun;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Success rates of the expert and of uniform random play on a range of level seeds, as {@code
 * genie4j coinrun eval} prints them. An episode succeeds when it reaches the coin within 1000
 * steps.
 */
public final class CoinRunPolicyEval {
    /** Search budget of the expert, in expanded nodes per level. */
    public static final int EXPERT_BUDGET = 20000;

    private CoinRunPolicyEval() {}

    /**
     * Plays one episode per level seed in {@code [from, to]}.
     *
     * @param policy {@code expert} or {@code random}
     */
    public static Map<String, Object> run(String policy, boolean hard, int from, int to) {
        if (!policy.equals("expert") && !policy.equals("random")) {
            throw new IllegalArgumentException(
                    "policy '" + policy + "' is not one of [expert, random]");
        }
        CoinRunExpert expert = new CoinRunExpert(EXPERT_BUDGET);
        int solved = 0;
        long steps = 0;
        long start = System.nanoTime();
        for (long s = from; s <= to; s++) {
            CoinRunGame g = new CoinRunGame(CoinRunLevel.generate((int) s, hard));
            boolean win =
                    policy.equals("expert")
                            ? playPlan(g, expert.plan(g))
                            : playRandom(g, new SplittableRandom(s));
            solved += win ? 1 : 0;
            steps += g.time();
        }
        int levels = to - from + 1;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("policy", policy);
        m.put("mode", hard ? "hard" : "easy");
        m.put("seeds", from + ".." + to);
        m.put("levels", levels);
        m.put("solved", solved);
        m.put("success_rate", Math.round(1000.0 * solved / levels) / 1000.0);
        m.put("mean_steps", Math.round(10.0 * steps / levels) / 10.0);
        m.put("ms_per_level", Math.round((System.nanoTime() - start) / 1e5 / levels) / 10.0);
        return m;
    }

    private static boolean playPlan(CoinRunGame g, List<Integer> plan) {
        for (int a : plan) {
            CoinRunGame.Outcome o = g.step(a);
            if (o.done()) {
                return o.levelComplete();
            }
        }
        return false;
    }

    private static boolean playRandom(CoinRunGame g, SplittableRandom rng) {
        while (g.time() < CoinRunGame.TIMEOUT) {
            CoinRunGame.Outcome o = g.step(rng.nextInt(15));
            if (o.done()) {
                return o.levelComplete();
            }
        }
        return false;
    }
}
