package io.genie4j.coinrun;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plays a list of actions on a level from its reset and records the agent's state after every step:
 * the form {@code genie4j coinrun trace} prints to compare Genie4j's physics with Procgen's.
 */
public final class CoinRunTrace {
    private CoinRunTrace() {}

    /**
     * Plays {@code actions} on the level {@code seed} until the episode ends or the actions run
     * out.
     *
     * @return {@code
     *     {"seed","trace":[[t,x,y,vx,vy],…],"steps","reward_total","level_complete","died",
     *     "timed_out"}}, where {@code trace[t]} is the agent's state after step {@code t} (counted
     *     from 0), for the last step the state before any reset
     * @throws IllegalArgumentException for an action outside 0..14
     */
    public static Map<String, Object> play(int seed, boolean hard, List<Integer> actions) {
        CoinRunGame game = new CoinRunGame(CoinRunLevel.generate(seed, hard));
        List<Object> trace = new ArrayList<>();
        float total = 0;
        boolean died = false;
        boolean complete = false;
        int steps = 0;
        for (int a : actions) {
            if (a < 0 || a > 14) {
                throw new IllegalArgumentException("action " + a + " is outside Discrete(15)");
            }
            CoinRunGame.Outcome o = game.step(a);
            CoinRunEntity p = game.agent();
            trace.add(List.of(steps, p.x(), p.y(), p.vx(), p.vy()));
            steps++;
            total += o.reward();
            if (o.done()) {
                died = o.death() != null;
                complete = o.levelComplete();
                break;
            }
            if (steps >= CoinRunGame.TIMEOUT) {
                break;
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seed", seed);
        m.put("trace", trace);
        m.put("steps", steps);
        m.put("reward_total", total);
        m.put("level_complete", complete);
        m.put("died", died);
        m.put("timed_out", !game.done() && steps >= CoinRunGame.TIMEOUT);
        return m;
    }
}
