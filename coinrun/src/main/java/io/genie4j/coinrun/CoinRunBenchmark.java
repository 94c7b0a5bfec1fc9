package io.genie4j.coinrun;

import io.genie4j.env.registry.EnvOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Measures single-thread CoinRun speed, easy and hard, with and without rendering the observation,
 * resets included, as {@code genie4j bench coinrun} prints it.
 */
public final class CoinRunBenchmark {
    private CoinRunBenchmark() {}

    /**
     * Runs each of the four measurements for {@code seconds} (after a third as long warming up).
     */
    public static Map<String, Object> run(double seconds) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("benchmark", "coinrun");
        out.put("threads", 1);
        out.put("seconds_per_measurement", seconds);
        // Let the JIT compile both paths before anything is timed.
        measure(false, true, seconds / 2);
        measure(true, false, seconds / 2);
        for (String mode : new String[] {"easy", "hard"}) {
            for (boolean render : new boolean[] {true, false}) {
                double sps = measure(mode.equals("hard"), render, seconds);
                out.put(
                        mode + (render ? "_render" : "_no_render") + "_steps_per_s",
                        Math.round(sps));
            }
        }
        return out;
    }

    private static double measure(boolean hard, boolean render, double seconds) {
        CoinRunEnv env =
                new CoinRunEnv(
                        EnvOptions.resolve(
                                CoinRunEnv.registration(),
                                Map.of("distribution_mode", hard ? "hard" : "easy")));
        env.reset(1L, Map.of());
        return timeRuns(env, new SplittableRandom(0), hard, render, seconds);
    }

    /**
     * With rendering: the env's own step (game, then a 64×64 frame) and reset. Without: the game
     * alone, a new level generated at every episode end.
     */
    private static double timeRuns(
            CoinRunEnv env, SplittableRandom rng, boolean hard, boolean render, double seconds) {
        CoinRunGame game = null;
        long steps = 0;
        long warm = System.nanoTime() + (long) (seconds / 3 * 1e9);
        long start = 0;
        long end = Long.MAX_VALUE;
        int levelCounter = 0;
        while (true) {
            long now = System.nanoTime();
            if (start == 0 && now >= warm) {
                start = now;
                end = now + (long) (seconds * 1e9);
                steps = 0;
            }
            if (now >= end) {
                return steps / ((now - start) / 1e9);
            }
            for (int i = 0; i < 256; i++) {
                int action = rng.nextInt(15);
                if (render) {
                    if (env.step(action).done()) {
                        env.reset(null, Map.of());
                    }
                } else {
                    if (game == null || game.done() || game.time() >= CoinRunGame.TIMEOUT) {
                        game = new CoinRunGame(CoinRunLevel.generate(levelCounter++, hard));
                    }
                    game.step(action);
                }
                steps++;
            }
        }
    }
}
