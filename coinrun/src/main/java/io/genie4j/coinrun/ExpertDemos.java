package io.genie4j.coinrun;

import io.genie4j.env.Env;
import io.genie4j.env.Reset;
import io.genie4j.env.Step;
import io.genie4j.env.Tensor;
import io.genie4j.env.registry.Envs;
import io.genie4j.env.wrappers.Wrapper;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Expert demonstrations made in memory: the {@link CoinRunExpert} plays one episode on each of a
 * range of levels, and the episodes it wins are kept with their frames and actions. It plays out
 * one plan per level, or plans again at every step, and may be made to play random moves now and
 * then ({@link Style}).
 */
public final class ExpertDemos {
    /** Attempts per level when the demonstrations are noisy. */
    private static final int ATTEMPTS = 5;

    private ExpertDemos() {}

    /**
     * How the expert plays its demonstrations.
     *
     * @param replan plan again from every state and take the plan's first action, so each action is
     *     a function of the state rather than of a plan made at the start
     * @param noise probability that a step plays a uniformly random move (0..8) instead of the
     *     expert's, as in DART: the expert then shows how it recovers; such steps are marked {@link
     *     Demo#perturbed}
     */
    public record Style(boolean replan, double noise) {
        /** Checks the settings. */
        public Style {
            if (!(noise >= 0 && noise < 1)) {
                throw new IllegalArgumentException("noise must be in [0, 1), got " + noise);
            }
        }

        /** One plan from the start, played out. */
        public static final Style OPEN_LOOP = new Style(false, 0);
    }

    /**
     * One won episode.
     *
     * @param level the level seed
     * @param frames {@code actions.length + 1} frames of 64×64×3 bytes
     * @param actions the actions played
     * @param perturbed which steps played a random move instead of the expert's
     */
    public record Demo(int level, List<byte[]> frames, int[] actions, boolean[] perturbed) {
        /** Checks the counts agree. */
        public Demo {
            if (frames.size() != actions.length + 1 || perturbed.length != actions.length) {
                throw new IllegalArgumentException(
                        frames.size()
                                + " frames and "
                                + perturbed.length
                                + " perturbation flags for "
                                + actions.length
                                + " actions");
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
     * Plays the expert's open-loop plan on levels {@code start .. start + count - 1}, on both
     * cores.
     *
     * @return the won episodes, by level
     */
    public static List<Demo> record(boolean hard, int start, int count) {
        return record(hard, start, count, Style.OPEN_LOOP);
    }

    /**
     * Plays the expert on levels {@code start .. start + count - 1}, on both cores. Noise draws are
     * seeded by the level, so the result does not depend on the thread schedule.
     *
     * @return the won episodes, by level
     */
    public static List<Demo> record(boolean hard, int start, int count, Style style) {
        return record(hard, start, count, style, "v1");
    }

    /** As {@link #record(boolean, int, int, Style)}, drawn in CoinRun's {@code art} style. */
    public static List<Demo> record(boolean hard, int start, int count, Style style, String art) {
        if (start < 0) {
            throw new IllegalArgumentException("start must be >= 0, got " + start);
        }
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        return IntStream.range(start, start + count)
                .parallel()
                .mapToObj(level -> play(hard, level, style, art))
                .filter(Objects::nonNull)
                .toList();
    }

    /**
     * The expert's episode on one level, or null when it does not win it. With noise, a random move
     * that leaves no way to the coin spoils the attempt; up to {@value #ATTEMPTS} attempts with
     * fresh noise are made.
     */
    static Demo play(boolean hard, int level, Style style, String art) {
        for (int attempt = 0; attempt < (style.noise() > 0 ? ATTEMPTS : 1); attempt++) {
            Demo d =
                    playOnce(
                            hard,
                            level,
                            style,
                            art,
                            new SplittableRandom(0x9E3779B97F4A7C15L * (level + 1) + attempt));
            if (d != null) {
                return d;
            }
        }
        return null;
    }

    private static Demo playOnce(
            boolean hard, int level, Style style, String art, SplittableRandom rng) {
        Map<String, Object> options =
                Map.of(
                        "distribution_mode",
                        hard ? "hard" : "easy",
                        "start_level",
                        level,
                        "num_levels",
                        1,
                        "art",
                        art);
        CoinRunExpert expert = new CoinRunExpert(CoinRunPolicyEval.EXPERT_BUDGET);
        @SuppressWarnings("unchecked")
        Env<Tensor, Integer> env = (Env<Tensor, Integer>) Envs.make(CoinRunEnv.ID, options);
        try (env) {
            Reset<Tensor> r = env.reset((long) level, Map.of());
            CoinRunEnv game = (CoinRunEnv) (env instanceof Wrapper<?, ?> w ? w.unwrapped() : env);
            ArrayDeque<Integer> plan = new ArrayDeque<>(expert.plan(game.gameState()));
            if (plan.isEmpty()) {
                return null;
            }
            List<byte[]> frames = new ArrayList<>(plan.size() + 1);
            frames.add(r.observation().toByteArray());
            List<Integer> actions = new ArrayList<>(plan.size());
            List<Boolean> perturbed = new ArrayList<>(plan.size());
            while (!plan.isEmpty() && actions.size() < CoinRunGame.TIMEOUT) {
                boolean noisy = style.noise() > 0 && rng.nextDouble() < style.noise();
                int planned = plan.poll();
                int a = noisy ? rng.nextInt(9) : planned;
                Step<Tensor> s = env.step(a);
                frames.add(s.observation().toByteArray());
                actions.add(a);
                perturbed.add(noisy);
                if (s.done()) {
                    if (!Boolean.TRUE.equals(s.info().get("level_complete"))) {
                        return null;
                    }
                    boolean[] flags = new boolean[perturbed.size()];
                    for (int i = 0; i < flags.length; i++) {
                        flags[i] = perturbed.get(i);
                    }
                    return new Demo(
                            level,
                            frames,
                            actions.stream().mapToInt(Integer::intValue).toArray(),
                            flags);
                }
                if (style.replan() || noisy) {
                    List<Integer> again = expert.plan(game.gameState());
                    if (!again.isEmpty()) {
                        plan = new ArrayDeque<>(again);
                    } else if (noisy) {
                        return null; // the random move left no way to the coin
                    }
                }
            }
            return null;
        }
    }
}
