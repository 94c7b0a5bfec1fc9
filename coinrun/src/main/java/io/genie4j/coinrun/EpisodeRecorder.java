package io.genie4j.coinrun;

import io.genie4j.env.DType;
import io.genie4j.env.Env;
import io.genie4j.env.Reset;
import io.genie4j.env.Step;
import io.genie4j.env.Tensor;
import io.genie4j.env.episodes.Episode;
import io.genie4j.env.episodes.EpisodeDataset;
import io.genie4j.env.episodes.EpisodeWriter;
import io.genie4j.env.registry.Envs;
import io.genie4j.env.spaces.Box;
import io.genie4j.env.spaces.Discrete;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * Records episodes of a registered env with discrete actions into an {@link EpisodeDataset}: one
 * episode per seed {@code start, start + 1, …}, written as {@code episode_<seed>.npz}, on several
 * threads. Seeds already in the dataset are skipped, so a killed run resumes where it stopped. For
 * {@code CoinRun-v0} the seed is the level seed (Genie's case study records levels 0–10,000).
 *
 * <p>Policies: {@code random} (uniform), {@code random-no-repeat} (uniform over the actions other
 * than the previous one, as Genie's CoinRun data), {@code random-sticky} (an action uniform over
 * those other than the previous one, held for 1 to {@link #STICKY_MAX_HOLD} steps, uniform: the
 * agent reaches full speed and long jumps, the states an expert visits, which one-step random play
 * rarely does), {@code expert} (CoinRun only: {@link CoinRunExpert}'s plan, then uniform random
 * actions if the plan ends without the coin). Each episode's actions come from a generator seeded
 * by its seed, so a recording is reproducible whatever the thread count.
 */
public final class EpisodeRecorder {
    /** The policies a recording can use. */
    public static final List<String> POLICIES =
            List.of("random", "random-no-repeat", "random-sticky", "expert");

    /** The longest hold of one action under {@code random-sticky}. */
    public static final int STICKY_MAX_HOLD = 12;

    /**
     * What to record.
     *
     * @param envId a registered env with {@code Discrete} actions and uint8 image observations
     * @param options env options, checked against the options the env declares and converted to
     *     their types (so the manifest records {@code 5}, not {@code "5"}); for {@code CoinRun-v0}
     *     the level options {@code start_level} and {@code num_levels} are set per episode from its
     *     seed and may not be given
     * @param policy one of {@link #POLICIES}
     * @param episodes how many seeds, at least 1
     * @param startSeed the first seed, at least 0
     * @param threads worker threads, at least 1
     */
    public record Config(
            String envId,
            Map<String, Object> options,
            String policy,
            int episodes,
            long startSeed,
            int threads) {
        /**
         * Validates the settings.
         *
         * @throws IllegalArgumentException naming the setting that is wrong and what it must be
         */
        public Config {
            if (!POLICIES.contains(policy)) {
                throw new IllegalArgumentException(
                        "policy '" + policy + "' is not one of " + POLICIES);
            }
            if (policy.equals("expert") && !envId.equals(CoinRunEnv.ID)) {
                throw new IllegalArgumentException(
                        "the expert policy plays " + CoinRunEnv.ID + " only, not " + envId);
            }
            if (episodes < 1) {
                throw new IllegalArgumentException("episodes must be >= 1, got " + episodes);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1, got " + threads);
            }
            if (startSeed < 0) {
                throw new IllegalArgumentException("the start seed must be >= 0, got " + startSeed);
            }
            if (envId.equals(CoinRunEnv.ID)) {
                long last = startSeed + episodes - 1;
                if (last > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException(
                            "CoinRun level seeds are 32-bit: the last seed, "
                                    + last
                                    + ", is above "
                                    + Integer.MAX_VALUE);
                }
                for (String level : LEVEL_OPTIONS) {
                    if (options.containsKey(level)) {
                        throw new IllegalArgumentException(
                                "option "
                                        + level
                                        + " is set for each episode from its seed; choose the"
                                        + " levels with the start seed and the number of"
                                        + " episodes instead");
                    }
                }
            }
            options = Collections.unmodifiableMap(Envs.validateOptions(envId, options));
        }
    }

    /** CoinRun's options that the recorder sets from each episode's seed. */
    private static final List<String> LEVEL_OPTIONS = List.of("start_level", "num_levels");

    /** What a recording did. */
    public record Summary(int recorded, int skipped, long frames) {}

    private EpisodeRecorder() {}

    /**
     * Records into {@code out} (created if missing, resumed if it holds a dataset of the same env).
     *
     * @param progress called with the number of finished seeds (recorded or skipped) after each one
     */
    public static Summary record(Config config, Path out, IntConsumer progress) throws IOException {
        return record(config, out, () -> {}, progress);
    }

    /**
     * Records into {@code out} (created if missing, resumed if it holds a dataset of the same env).
     * Before anything is written the env is made once with the first episode's options, so options
     * it rejects, or an env without discrete actions or image observations, fail with nothing
     * created.
     *
     * @param started called once the settings are checked and the dataset is open, before the first
     *     episode (e.g. to show a progress bar)
     * @param progress called with the number of finished seeds (recorded or skipped) after each one
     */
    public static Summary record(Config config, Path out, Runnable started, IntConsumer progress)
            throws IOException {
        check(config);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("env_id", config.envId());
        meta.put(EpisodeDataset.OPTIONS, config.options());
        meta.put("policy", config.policy());
        meta.put("start_seed", config.startSeed());
        AtomicInteger done = new AtomicInteger();
        AtomicInteger recorded = new AtomicInteger();
        AtomicInteger skipped = new AtomicInteger();
        AtomicLong frames = new AtomicLong();
        try (EpisodeDataset ds = EpisodeDataset.openOrCreate(out, config.envId(), meta)) {
            started.run();
            ExecutorService pool = Executors.newFixedThreadPool(config.threads());
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int i = 0; i < config.episodes(); i++) {
                    long seed = config.startSeed() + i;
                    futures.add(
                            pool.submit(
                                    () -> {
                                        String name = String.format("episode_%08d.npz", seed);
                                        if (ds.contains(name)) {
                                            skipped.incrementAndGet();
                                        } else {
                                            frames.addAndGet(recordOne(config, ds, name, seed));
                                            recorded.incrementAndGet();
                                        }
                                        progress.accept(done.incrementAndGet());
                                        return null;
                                    }));
                }
                for (Future<?> f : futures) {
                    try {
                        f.get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        Throwable c = e.getCause();
                        if (c instanceof UncheckedIOException u) {
                            throw u.getCause();
                        }
                        throw c instanceof RuntimeException r ? r : new IllegalStateException(c);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted", e);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
        return new Summary(recorded.get(), skipped.get(), frames.get());
    }

    /**
     * Makes the env once with the first episode's options and checks that it can be recorded:
     * {@code Discrete} actions and uint8 {@code [H, W, 3]} observations. Writes nothing.
     *
     * @throws IllegalArgumentException for options the env rejects or an env that cannot be
     *     recorded
     */
    public static void check(Config config) {
        try (Env<?, ?> env =
                Envs.make(config.envId(), episodeOptions(config, config.startSeed()))) {
            if (!(env.actionSpace() instanceof Discrete)) {
                throw new IllegalArgumentException(
                        config.envId()
                                + " cannot be recorded: its actions are "
                                + env.actionSpace()
                                + ", not Discrete");
            }
            if (!(env.observationSpace() instanceof Box b)
                    || b.dtype() != DType.UINT8
                    || b.shape().length != 3
                    || b.shape()[2] != 3) {
                throw new IllegalArgumentException(
                        config.envId()
                                + " cannot be recorded: its observations are "
                                + env.observationSpace()
                                + ", not uint8 RGB images [H, W, 3]");
            }
        }
    }

    /** The options of the episode of {@code seed}: CoinRun plays level {@code seed} only. */
    private static Map<String, Object> episodeOptions(Config config, long seed) {
        Map<String, Object> options = new LinkedHashMap<>(config.options());
        if (config.envId().equals(CoinRunEnv.ID)) {
            options.put("start_level", (int) seed);
            options.put("num_levels", 1);
        }
        return options;
    }

    @SuppressWarnings("unchecked")
    private static int recordOne(Config config, EpisodeDataset ds, String name, long seed) {
        Map<String, Object> options = episodeOptions(config, seed);
        boolean coinrun = config.envId().equals(CoinRunEnv.ID);
        try (Env<Tensor, Integer> env = (Env<Tensor, Integer>) Envs.make(config.envId(), options)) {
            if (!(env.actionSpace() instanceof Discrete d)) {
                throw new IllegalArgumentException(
                        config.envId() + " does not have Discrete actions");
            }
            SplittableRandom rng = new SplittableRandom(seed);
            Reset<Tensor> r = env.reset(seed, Map.of());
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("policy", config.policy());
            meta.put(Episode.ENV_OPTIONS, options);
            if (coinrun) {
                meta.put("level_seed", r.info().get("level_seed"));
            }
            try (EpisodeWriter w = ds.newEpisode(name, seed, meta)) {
                w.reset(r.observation());
                int previous = -1;
                int hold = 0;
                java.util.Iterator<Integer> plan = null;
                if (config.policy().equals("expert")) {
                    List<Integer> p =
                            new CoinRunExpert(CoinRunPolicyEval.EXPERT_BUDGET)
                                    .plan(((CoinRunEnv) unwrap(env)).gameState());
                    w.putMetadata("expert_plan_found", !p.isEmpty());
                    plan = p.iterator();
                }
                boolean sticky = config.policy().equals("random-sticky");
                while (true) {
                    int a;
                    if (sticky && hold > 0) {
                        a = previous;
                        hold--;
                    } else {
                        a =
                                plan != null && plan.hasNext()
                                        ? plan.next()
                                        : d.start() + rng.nextInt(d.n());
                        if ((sticky || config.policy().equals("random-no-repeat")) && d.n() > 1) {
                            while (a == previous) {
                                a = d.start() + rng.nextInt(d.n());
                            }
                        }
                        if (sticky) {
                            hold = rng.nextInt(STICKY_MAX_HOLD);
                        }
                    }
                    previous = a;
                    Step<Tensor> s = env.step(a);
                    w.step(a, s.observation(), s.reward(), s.terminated(), s.truncated());
                    if (s.done()) {
                        break;
                    }
                }
                return w.finish().frames();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static io.genie4j.env.Env<?, ?> unwrap(io.genie4j.env.Env<?, ?> env) {
        return env instanceof io.genie4j.env.wrappers.Wrapper<?, ?> w ? w.unwrapped() : env;
    }
}
