package io.genie4j.coinrun;

import io.genie4j.env.Env;
import io.genie4j.env.Envs;
import io.genie4j.env.Reset;
import io.genie4j.env.Step;
import io.genie4j.env.Tensor;
import io.genie4j.env.Wrapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Expert demonstrations made in memory: the {@link CoinRunExpert} plays one episode on each of a
 * range of levels, and the episodes it wins are kept with their frames and actions.
 */
public final class ExpertDemos {
    private ExpertDemos() {}

    /**
     * One won episode.
     *
     * @param level the level seed
     * @param frames {@code actions.length + 1} frames of 64×64×3 bytes
     * @param actions the expert's actions
     */
    public record Demo(int level, List<byte[]> frames, int[] actions) {
        /** Checks the counts agree. */
        public Demo {
            if (frames.size() != actions.length + 1) {
                throw new IllegalArgumentException(
                        frames.size() + " frames for " + actions.length + " actions");
            }
            frames = List.copyOf(frames);
        }

        /** The frames as one uint8 {@code [T, 64, 64, 3]} tensor. */
        public Tensor frameTensor() {
            int fb = frames.get(0).length;
            byte[] all = new byte[frames.size() * fb];
            for (int i = 0; i < frames.size(); i++) {
                System.arraycopy(frames.get(i), 0, all, i * fb, fb);
            }
            return Tensor.uint8(all, frames.size(), 64, 64, 3);
        }
    }

    /**
     * Plays the expert on levels {@code start .. start + count - 1}, on both cores.
     *
     * @return the won episodes, by level
     */
    public static List<Demo> record(boolean hard, int start, int count) {
        if (count < 0 || start < 0) {
            throw new IllegalArgumentException(
                    "start and count must be >= 0, got " + start + " and " + count);
        }
        return IntStream.range(start, start + count)
                .parallel()
                .mapToObj(level -> play(hard, level))
                .filter(Objects::nonNull)
                .toList();
    }

    /** The expert's episode on one level, or null when it does not win it. */
    static Demo play(boolean hard, int level) {
        Map<String, Object> options =
                Map.of(
                        "distribution_mode",
                        hard ? "hard" : "easy",
                        "start_level",
                        level,
                        "num_levels",
                        1);
        @SuppressWarnings("unchecked")
        Env<Tensor, Integer> env = (Env<Tensor, Integer>) Envs.make(CoinRunEnv.ID, options);
        try (env) {
            Reset<Tensor> r = env.reset((long) level, Map.of());
            CoinRunEnv game = (CoinRunEnv) (env instanceof Wrapper<?, ?> w ? w.unwrapped() : env);
            List<Integer> plan =
                    new CoinRunExpert(CoinRunPolicyEval.EXPERT_BUDGET).plan(game.gameState());
            if (plan.isEmpty()) {
                return null;
            }
            List<byte[]> frames = new ArrayList<>(plan.size() + 1);
            frames.add(r.observation().toByteArray());
            int[] actions = new int[plan.size()];
            int t = 0;
            for (int a : plan) {
                Step<Tensor> s = env.step(a);
                frames.add(s.observation().toByteArray());
                actions[t++] = a;
                if (s.done()) {
                    boolean won = Boolean.TRUE.equals(s.info().get("level_complete"));
                    return won
                            ? new Demo(level, frames, java.util.Arrays.copyOf(actions, t))
                            : null;
                }
            }
            return null;
        }
    }
}
