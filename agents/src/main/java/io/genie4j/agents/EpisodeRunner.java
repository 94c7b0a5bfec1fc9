package io.genie4j.agents;

import io.genie4j.env.vector.VectorEnv;
import io.genie4j.env.vector.VectorReset;
import io.genie4j.env.vector.VectorStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Plays an {@link Agent} in a {@link VectorEnv} for a fixed number of episodes and reports what
 * happened. Episodes are shared out in fixed quotas (env slot {@code i} plays the first {@code q_i}
 * episodes of its own sequence), so the count of short episodes is not inflated and, with a seeded
 * reset, every agent meets the same levels.
 *
 * <p>The env must end episodes by itself (a time limit), or the run does not end.
 */
public final class EpisodeRunner {

    /** Told after each finished episode. */
    @FunctionalInterface
    public interface Progress {
        void onEpisode(int finished, int total, EpisodeStats.Episode episode);
    }

    /**
     * Whether an episode succeeded, judged by its last step's info: {@code level_complete} when the
     * env reports it (CoinRun), otherwise termination with a positive reward.
     */
    public static boolean defaultSuccess(
            Map<String, Object> info, boolean terminated, double reward) {
        Object complete = info.get("level_complete");
        if (complete instanceof Boolean b) {
            return b;
        }
        return terminated && reward > 0;
    }

    private EpisodeRunner() {}

    /**
     * Runs {@code episodes} episodes.
     *
     * @param seed passed to {@link VectorEnv#reset(Long, Map)} (env {@code i} gets {@code seed +
     *     i}); null continues the envs' generators
     * @param options reset options
     */
    public static <O, A> EpisodeStats run(
            VectorEnv<O, A> env,
            Agent<O, A> agent,
            int episodes,
            Long seed,
            Map<String, Object> options,
            Progress progress) {
        if (episodes < 1) {
            throw new IllegalArgumentException("episodes must be >= 1, got " + episodes);
        }
        int n = env.numEnvs();
        int[] quota = new int[n];
        for (int i = 0; i < n; i++) {
            quota[i] = episodes / n + (i < episodes % n ? 1 : 0);
        }
        int[] played = new int[n];
        double[] ret = new double[n];
        int[] len = new int[n];
        boolean[] resetting = new boolean[n];
        List<EpisodeStats.Episode> finished = new ArrayList<>(episodes);
        long start = System.nanoTime();
        long steps = 0;
        VectorReset<O> r = env.reset(seed, options);
        List<O> obs = r.observations();
        for (int i = 0; i < n; i++) {
            agent.reset(i);
        }
        while (finished.size() < episodes) {
            List<A> actions = agent.act(obs);
            VectorStep<O> s = env.step(actions);
            for (int i = 0; i < n; i++) {
                if (resetting[i]) {
                    // Next-step autoreset: this result is the new episode's first observation.
                    resetting[i] = false;
                    ret[i] = 0;
                    len[i] = 0;
                    agent.reset(i);
                    continue;
                }
                if (played[i] == quota[i]) {
                    continue;
                }
                steps++;
                ret[i] += s.rewards()[i];
                len[i]++;
                if (s.terminated()[i] || s.truncated()[i]) {
                    boolean success =
                            defaultSuccess(s.infos().get(i), s.terminated()[i], s.rewards()[i]);
                    EpisodeStats.Episode e =
                            new EpisodeStats.Episode(i, played[i], ret[i], len[i], success);
                    finished.add(e);
                    played[i]++;
                    resetting[i] = true;
                    if (progress != null) {
                        progress.onEpisode(finished.size(), episodes, e);
                    }
                }
            }
            obs = s.observations();
        }
        finished.sort(
                (a, b) ->
                        a.slot() != b.slot()
                                ? Integer.compare(a.slot(), b.slot())
                                : Integer.compare(a.index(), b.index()));
        return new EpisodeStats(agent.name(), finished, steps, (System.nanoTime() - start) / 1e9);
    }

    /** {@link #run} without progress reports. */
    public static <O, A> EpisodeStats run(
            VectorEnv<O, A> env,
            Agent<O, A> agent,
            int episodes,
            Long seed,
            Map<String, Object> options) {
        return run(env, agent, episodes, seed, options, null);
    }
}
