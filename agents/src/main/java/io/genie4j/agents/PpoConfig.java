package io.genie4j.agents;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings of a {@link PpoTrainer} run. The algorithm's defaults are CleanRL's {@code
 * ppo_procgen.py} (after Cobbe et al. 2020, "Leveraging Procedural Generation to Benchmark RL"),
 * which are Procgen's: learning rate 5e-4, 256 steps per env per rollout, γ 0.999, λ 0.95, 8
 * minibatches, 3 epochs, clip 0.2 (also on the value), entropy 0.01, value 0.5, gradient norm 0.5,
 * advantages normalised per minibatch, rewards scaled by the running deviation of the discounted
 * return. The network is the IMPALA CNN with Procgen's stage widths (16, 32, 32) and 256 hidden
 * units, reading frames average-pooled by 2 (64×64 → 32×32) so that it trains on a 2-core CPU.
 *
 * @param steps env steps to train for in all (every env's step counts, as CleanRL counts them)
 * @param rolloutSteps steps each env takes per rollout (CleanRL's {@code num_steps})
 * @param learningRate Adam's step size (Adam's ε is 1e-5, as CleanRL's)
 * @param annealLr decay the learning rate linearly to 0 over the run (CleanRL's procgen default:
 *     off)
 * @param gamma discount
 * @param gaeLambda GAE's λ
 * @param minibatches minibatches per epoch over a rollout
 * @param epochs passes over each rollout
 * @param normAdvantages normalise advantages within each minibatch
 * @param clipCoef PPO's ε, for the probability ratio and (with {@code clipValueLoss}) the value
 * @param clipValueLoss clip the value's change as CleanRL does (the larger of the clipped and
 *     unclipped squared errors)
 * @param entCoef entropy bonus weight
 * @param vfCoef value loss weight
 * @param maxGradNorm global gradient-norm clip (0 for none)
 * @param normalizeRewards divide rewards by the running standard deviation of the discounted return
 *     and clip them to ±10 (Gymnasium's {@code NormalizeReward}, as CleanRL wraps Procgen)
 * @param channels IMPALA stage widths, each a multiple of {@link ImpalaCnn#CHANNEL_MULTIPLE}
 * @param hidden IMPALA hidden width
 * @param downsample input average-pooling factor
 * @param checkpointEvery write a checkpoint every this many updates (and at the end)
 * @param seed seeds the network's initialisation, the envs' resets, sampling and shuffles
 */
public record PpoConfig(
        long steps,
        int rolloutSteps,
        double learningRate,
        boolean annealLr,
        double gamma,
        double gaeLambda,
        int minibatches,
        int epochs,
        boolean normAdvantages,
        double clipCoef,
        boolean clipValueLoss,
        double entCoef,
        double vfCoef,
        double maxGradNorm,
        boolean normalizeRewards,
        int[] channels,
        int hidden,
        int downsample,
        int checkpointEvery,
        long seed) {

    /** Checks every value, naming the bad one. */
    public PpoConfig {
        atLeast("steps", steps, 1);
        atLeast("rollout_steps", rolloutSteps, 1);
        atLeast("minibatches", minibatches, 1);
        atLeast("epochs", epochs, 1);
        atLeast("hidden", hidden, 1);
        atLeast("downsample", downsample, 1);
        atLeast("checkpoint_every", checkpointEvery, 1);
        if (!(learningRate > 0 && learningRate < 1)) {
            throw new IllegalArgumentException(
                    "learning_rate must be in (0, 1), got " + learningRate);
        }
        if (!(gamma >= 0 && gamma <= 1) || !(gaeLambda >= 0 && gaeLambda <= 1)) {
            throw new IllegalArgumentException(
                    "gamma and gae_lambda must be in [0, 1], got " + gamma + " and " + gaeLambda);
        }
        if (!(clipCoef > 0)) {
            throw new IllegalArgumentException("clip_coef must be > 0, got " + clipCoef);
        }
        if (!(entCoef >= 0) || !(vfCoef >= 0) || !(maxGradNorm >= 0)) {
            throw new IllegalArgumentException(
                    "ent_coef, vf_coef and max_grad_norm must be >= 0, got "
                            + entCoef
                            + ", "
                            + vfCoef
                            + " and "
                            + maxGradNorm);
        }
        // ImpalaCnn checks the widths; build one to report a bad value now, not at the first
        // update.
        new ImpalaCnn(channels, hidden, 1, downsample);
        channels = channels.clone();
    }

    /** CleanRL's procgen settings (see the class comment) for {@code steps} env steps. */
    public static PpoConfig defaults(long steps) {
        return new PpoConfig(
                steps,
                256,
                5e-4,
                false,
                0.999,
                0.95,
                8,
                3,
                true,
                0.2,
                true,
                0.01,
                0.5,
                0.5,
                true,
                new int[] {16, 32, 32},
                256,
                2,
                10,
                1);
    }

    @Override
    public int[] channels() {
        return channels.clone();
    }

    /** The same settings with another step budget. */
    public PpoConfig withSteps(long newSteps) {
        Map<String, Object> m = toMap();
        m.put("steps", newSteps);
        return fromMap(m, this);
    }

    /** The same settings with another seed. */
    public PpoConfig withSeed(long newSeed) {
        Map<String, Object> m = toMap();
        m.put("seed", newSeed);
        return fromMap(m, this);
    }

    /** The network these settings describe, with {@code actions + 1} outputs (logits, value). */
    ImpalaCnn network(int actions) {
        return new ImpalaCnn(channels, hidden, actions + 1, downsample);
    }

    /** The settings as JSON-ready values, under snake_case names. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", steps);
        m.put("rollout_steps", rolloutSteps);
        m.put("learning_rate", learningRate);
        m.put("anneal_lr", annealLr);
        m.put("gamma", gamma);
        m.put("gae_lambda", gaeLambda);
        m.put("minibatches", minibatches);
        m.put("epochs", epochs);
        m.put("norm_advantages", normAdvantages);
        m.put("clip_coef", clipCoef);
        m.put("clip_value_loss", clipValueLoss);
        m.put("ent_coef", entCoef);
        m.put("vf_coef", vfCoef);
        m.put("max_grad_norm", maxGradNorm);
        m.put("normalize_rewards", normalizeRewards);
        m.put("channels", Arrays.stream(channels).boxed().toList());
        m.put("hidden", hidden);
        m.put("downsample", downsample);
        m.put("checkpoint_every", checkpointEvery);
        m.put("seed", seed);
        return m;
    }

    /**
     * {@code base} with the values named in {@code overrides} (as {@link #toMap()} names them).
     *
     * @throws IllegalArgumentException for an unknown name, a value of the wrong type, or a value
     *     out of range
     */
    public static PpoConfig fromMap(Map<String, ?> overrides, PpoConfig base) {
        Map<String, Object> m = base.toMap();
        for (Map.Entry<String, ?> e : overrides.entrySet()) {
            if (!m.containsKey(e.getKey())) {
                throw new IllegalArgumentException(
                        "unknown PPO setting '"
                                + e.getKey()
                                + "'; known: "
                                + String.join(", ", m.keySet()));
            }
            m.put(e.getKey(), e.getValue());
        }
        return new PpoConfig(
                integer(m, "steps"),
                (int) integer(m, "rollout_steps"),
                number(m, "learning_rate"),
                bool(m, "anneal_lr"),
                number(m, "gamma"),
                number(m, "gae_lambda"),
                (int) integer(m, "minibatches"),
                (int) integer(m, "epochs"),
                bool(m, "norm_advantages"),
                number(m, "clip_coef"),
                bool(m, "clip_value_loss"),
                number(m, "ent_coef"),
                number(m, "vf_coef"),
                number(m, "max_grad_norm"),
                bool(m, "normalize_rewards"),
                ints(m, "channels"),
                (int) integer(m, "hidden"),
                (int) integer(m, "downsample"),
                (int) integer(m, "checkpoint_every"),
                integer(m, "seed"));
    }

    private static long integer(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
        }
        throw new IllegalArgumentException(key + " must be an integer, got " + v);
    }

    private static double number(Map<String, Object> m, String key) {
        if (m.get(key) instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException(key + " must be a number, got " + m.get(key));
    }

    private static boolean bool(Map<String, Object> m, String key) {
        if (m.get(key) instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException(key + " must be true or false, got " + m.get(key));
    }

    private static int[] ints(Map<String, Object> m, String key) {
        if (m.get(key) instanceof List<?> list) {
            List<Integer> out = new ArrayList<>();
            for (Object o : list) {
                if (!(o instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
                    throw new IllegalArgumentException(
                            key + " must be a list of integers, got " + list);
                }
                out.add(n.intValue());
            }
            return out.stream().mapToInt(Integer::intValue).toArray();
        }
        throw new IllegalArgumentException(key + " must be a list of integers, got " + m.get(key));
    }

    private static void atLeast(String name, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PpoConfig c && c.toMap().equals(toMap());
    }

    @Override
    public int hashCode() {
        return toMap().hashCode();
    }

    @Override
    public String toString() {
        return "PpoConfig" + toMap();
    }
}
