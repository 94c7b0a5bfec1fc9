package io.genie4j.coinrun;

import io.genie4j.env.Discrete;
import io.genie4j.env.Env;
import io.genie4j.env.Envs;
import io.genie4j.env.EpisodeDataset;
import io.genie4j.env.EpisodeWriter;
import io.genie4j.env.Reset;
import io.genie4j.env.Step;
import io.genie4j.env.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * than the previous one, as Genie's CoinRun data), {@code expert} (CoinRun only: {@link
 * CoinRunExpert}'s plan, then uniform random actions if the plan ends without the coin). Each
 * episode's actions come from a generator seeded by its seed, so a recording is reproducible
 * whatever the thread count.
 */
public final class EpisodeRecorder {
    /** The policies a recording can use. */
    public static final List<String> POLICIES = List.of("random", "random-no-repeat", "expert");

    /**
     * What to record.
     *
     * @param envId a registered env with {@code Discrete} actions and uint8 image observations
     * @param options env options; for {@code CoinRun-v0} the level options are set per episode
     * @param policy one of {@link #POLICIES}
     * @param episodes how many seeds
     * @param startSeed the first seed
     * @param threads worker threads
     */
    public record Config(
            String envId,
            Map<String, Object> options,
            String policy,
            int episodes,
            long startSeed,
            int threads) {
        /** Validates the settings. */
        public Config {
            if (!POLICIES.contains(policy)) {
                throw new IllegalArgumentException(
                        "policy '" + policy + "' is not one of " + POLICIES);
            }
            if (policy.equals("expert") && !envId.equals(CoinRunEnv.ID)) {
                throw new IllegalArgumentException(
                        "the expert policy plays " + CoinRunEnv.ID + " only, not " + envId);
            }
            if (episodes < 1 || threads < 1) {
                throw new IllegalArgumentException("episodes and threads must be >= 1");
            }
            options = Map.copyOf(options);
        }
    }

    /** What a recording did. */
    public record Summary(int recorded, int skipped, long frames) {}

    private EpisodeRecorder() {}

    /**
     * Records into {@code out} (created if missing, resumed if it holds a dataset of the same env).
     *
     * @param progress called with the number of finished seeds (recorded or skipped) after each one
     */
    public static Summary record(Config config, Path out, IntConsumer progress) throws IOException {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("env_id", config.envId());
        meta.put("options", config.options());
        meta.put("policy", config.policy());
        meta.put("start_seed", config.startSeed());
        Envs.registration(config.envId()); // fail now on an unknown id
        AtomicInteger done = new AtomicInteger();
        AtomicInteger recorded = new AtomicInteger();
        AtomicInteger skipped = new AtomicInteger();
        AtomicLong frames = new AtomicLong();
        try (EpisodeDataset ds = EpisodeDataset.openOrCreate(out, config.envId(), meta)) {
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

    @SuppressWarnings("unchecked")
    private static int recordOne(Config config, EpisodeDataset ds, String name, long seed) {
        Map<String, Object> options = new LinkedHashMap<>(config.options());
        boolean coinrun = config.envId().equals(CoinRunEnv.ID);
        if (coinrun) {
            options.put("start_level", (int) seed);
            options.put("num_levels", 1);
        }
        try (Env<Tensor, Integer> env = (Env<Tensor, Integer>) Envs.make(config.envId(), options)) {
            if (!(env.actionSpace() instanceof Discrete d)) {
                throw new IllegalArgumentException(
                        config.envId() + " does not have Discrete actions");
            }
            SplittableRandom rng = new SplittableRandom(seed);
            Reset<Tensor> r = env.reset(seed, Map.of());
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("policy", config.policy());
            if (coinrun) {
                meta.put("level_seed", r.info().get("level_seed"));
            }
            try (EpisodeWriter w = ds.newEpisode(name, seed, meta)) {
                w.reset(r.observation());
                int previous = -1;
                java.util.Iterator<Integer> plan = null;
                if (config.policy().equals("expert")) {
                    List<Integer> p =
                            new CoinRunExpert(CoinRunPolicyEval.EXPERT_BUDGET)
                                    .plan(((CoinRunEnv) unwrap(env)).gameState());
                    w.putMetadata("expert_plan_found", !p.isEmpty());
                    plan = p.iterator();
                }
                while (true) {
                    int a =
                            plan != null && plan.hasNext()
                                    ? plan.next()
                                    : d.start() + rng.nextInt(d.n());
                    if (config.policy().equals("random-no-repeat") && d.n() > 1) {
                        while (a == previous) {
                            a = d.start() + rng.nextInt(d.n());
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
        return env instanceof io.genie4j.env.Wrapper<?, ?> w ? w.unwrapped() : env;
    }
}
