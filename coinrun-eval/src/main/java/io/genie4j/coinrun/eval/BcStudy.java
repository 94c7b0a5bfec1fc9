package io.genie4j.coinrun.eval;

import ai.djl.engine.Engine;
import io.genie4j.agents.Agent;
import io.genie4j.agents.CnnPolicy;
import io.genie4j.agents.EpisodeRunner;
import io.genie4j.agents.EpisodeStats;
import io.genie4j.agents.FrameHistory;
import io.genie4j.agents.FrequencyAgent;
import io.genie4j.agents.ImpalaCnn;
import io.genie4j.agents.LabelledFrames;
import io.genie4j.agents.PolicyAgent;
import io.genie4j.agents.RandomAgent;
import io.genie4j.agents.SupervisedTrainer;
import io.genie4j.bc.ActionMapping;
import io.genie4j.bc.DictionaryMapping;
import io.genie4j.bc.LatentBcAgent;
import io.genie4j.bc.LatentLabeler;
import io.genie4j.bc.LearnedMapping;
import io.genie4j.coinrun.CoinRunEnv;
import io.genie4j.coinrun.ExpertDemos;
import io.genie4j.env.AtomicFiles;
import io.genie4j.env.Json;
import io.genie4j.env.Tensor;
import io.genie4j.env.registry.Envs;
import io.genie4j.env.spaces.Discrete;
import io.genie4j.env.vector.VectorEnv;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Genie's behaviour-cloning study on CoinRun (§3.3, App. E, Fig. 14): does a policy that learned
 * latent actions from action-free expert video, plus a mapping fitted on {@code N} action-labelled
 * transitions, play the real game as well as the same network cloned from the true actions?
 *
 * <p>For each seed: the expert plays the training levels; the frozen LAM labels its transitions;
 * one IMPALA CNN learns the true actions (the oracle) and one the latent actions; for every {@code
 * N}, {@code N} transitions drawn at random from the demonstrations fit Genie's dictionary mapping
 * (and a learned decoder), and the latent policy with that mapping plays held-out levels. The
 * oracle plays with and without Genie's 10% random actions; uniform random play is the floor; blind
 * play (the demonstrations' action frequencies, sampled without looking) is what needs no frame;
 * the expert's own success on the held-out levels is the ceiling. Every agent of a seed meets the
 * same sequence of held-out levels.
 */
public final class BcStudy {

    /**
     * Settings of a study; all of them are recorded in its JSON.
     *
     * @param mode {@code easy} or {@code hard}
     * @param labels the numbers {@code N} of action-labelled transitions
     * @param seeds independent repetitions (policy initialisation, shuffles, label draws, levels)
     * @param episodes evaluation episodes per agent and seed
     * @param demoLevels expert demonstrations on levels {@code 0 .. demoLevels - 1}
     * @param demoStyle how the expert plays them; steps where it played a random move stay in the
     *     video the LAM labels but are left out of every policy's and mapping's training
     * @param testStart first held-out level seed
     * @param testLevels held-out levels are {@code testStart .. testStart + testLevels - 1}
     * @param epsilon the oracle's random-action rate in its second evaluation (Genie: 0.1)
     * @param envs envs stepped as one batch in evaluation
     * @param channels the CNN's stage widths
     * @param hidden the CNN's hidden width
     * @param downsample the CNN's input average-pooling factor (2 reads 64×64 frames at 32×32)
     * @param stack consecutive frames each policy reads (1: one frame; 2 also shows motion)
     * @param trainer the supervised trainer's settings (its seed is replaced per study seed)
     * @param learnedMapping also evaluate the learned (LAPO-style) mapping
     */
    public record Config(
            String mode,
            int[] labels,
            int seeds,
            int episodes,
            int demoLevels,
            ExpertDemos.Style demoStyle,
            int testStart,
            int testLevels,
            double epsilon,
            int envs,
            int[] channels,
            int hidden,
            int downsample,
            int stack,
            SupervisedTrainer.Config trainer,
            boolean learnedMapping,
            String art) {
        /** Checks the settings. */
        public Config {
            if (!"v1".equals(art) && !"v2".equals(art)) {
                throw new IllegalArgumentException("art must be v1 or v2, got " + art);
            }
            if (!mode.equals("easy") && !mode.equals("hard")) {
                throw new IllegalArgumentException("mode must be easy or hard, got " + mode);
            }
            if (labels.length == 0 || Arrays.stream(labels).anyMatch(n -> n < 0)) {
                throw new IllegalArgumentException(
                        "labels must be non-empty and >= 0, got " + Arrays.toString(labels));
            }
            atLeastOne("seeds", seeds);
            atLeastOne("episodes", episodes);
            atLeastOne("demoLevels", demoLevels);
            atLeastOne("testLevels", testLevels);
            atLeastOne("envs", envs);
            if (testStart < demoLevels) {
                throw new IllegalArgumentException(
                        "held-out levels start at "
                                + testStart
                                + ", inside the "
                                + demoLevels
                                + " demonstration levels");
            }
            if (downsample < 1 || 64 % downsample != 0 || 64 / downsample < 8) {
                throw new IllegalArgumentException(
                        "downsample must divide 64 down to at least 8, got " + downsample);
            }
            if (stack < 1 || stack > 8) {
                throw new IllegalArgumentException("stack must be 1..8 frames, got " + stack);
            }
            if (!(epsilon >= 0 && epsilon <= 1)) {
                throw new IllegalArgumentException("epsilon must be in [0, 1], got " + epsilon);
            }
            labels = labels.clone();
            channels = channels.clone();
        }

        private static void atLeastOne(String name, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be >= 1, got " + value);
            }
        }

        /** The default study: easy mode, N in 0..1000, 5 seeds, 100 episodes per agent. */
        public static Config defaults() {
            return new Config(
                    "easy",
                    new int[] {0, 10, 20, 50, 100, 200, 500, 1000},
                    5,
                    100,
                    400,
                    ExpertDemos.Style.OPEN_LOOP,
                    1_000_000,
                    100_000,
                    0.1,
                    100,
                    new int[] {16, 32, 32},
                    256,
                    2,
                    1,
                    new SupervisedTrainer.Config(64, 5e-4f, 1e-4f, 8, 2, 0.1, 0),
                    true,
                    "v1");
        }

        /**
         * A study small enough for the test suite: tiny network, 2 values of N, 1 seed. It reads
         * 2-frame stacks and demonstrates with the replanning, noisy expert, so the suite runs
         * those paths too.
         */
        public static Config quick() {
            return new Config(
                    "easy",
                    new int[] {0, 50},
                    1,
                    4,
                    8,
                    new ExpertDemos.Style(true, 0.2),
                    1_000_000,
                    100_000,
                    0.1,
                    4,
                    new int[] {16, 16},
                    32,
                    2,
                    2,
                    new SupervisedTrainer.Config(32, 1e-3f, 1e-4f, 2, 1, 0.25, 0),
                    true,
                    "v1");
        }

        /** The settings as JSON-ready values. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mode", mode);
            m.put("art", art);
            m.put("labels", Arrays.stream(labels).boxed().toList());
            m.put("seeds", seeds);
            m.put("episodes", episodes);
            m.put("demo_levels", "0.." + (demoLevels - 1));
            m.put("demo_expert_replans", demoStyle.replan());
            m.put("demo_noise", demoStyle.noise());
            m.put("test_levels", testStart + ".." + (testStart + testLevels - 1));
            m.put("oracle_epsilon", epsilon);
            m.put("envs", envs);
            m.put("cnn_channels", Arrays.stream(channels).boxed().toList());
            m.put("cnn_hidden", hidden);
            m.put("cnn_downsample", downsample);
            m.put("frame_stack", stack);
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("batch", trainer.batch());
            t.put("learning_rate", trainer.learningRate());
            t.put("weight_decay", trainer.weightDecay());
            t.put("max_epochs", trainer.maxEpochs());
            t.put("patience", trainer.patience());
            t.put("validation_fraction", trainer.validationFraction());
            t.put("shift_augmentation_px", trainer.shift());
            t.put("learning_rate_schedule", trainer.cosine() ? "cosine to 1/100" : "fixed");
            m.put("trainer", t);
            m.put("learned_mapping", learnedMapping);
            m.put("policy_sampling", "softmax sample");
            return m;
        }
    }

    /** One evaluation: an agent, its N (null when it takes no labels) and a seed. */
    public record Row(String agent, Integer labels, int seed, EpisodeStats stats) {}

    /**
     * What a study found.
     *
     * @param json the full report: settings, data, training, every evaluation and the summary
     * @param markdown the summary table
     */
    public record Result(Map<String, Object> json, String markdown) {}

    private BcStudy() {}

    /**
     * Runs the study and writes {@code bc-eval.json}, {@code bc-eval.md} and {@code bc-eval.png}
     * into {@code out}.
     *
     * @param labeler the frozen LAM that labels the demonstrations
     * @param modelName how the report names the model
     * @param log progress lines
     */
    public static Result run(
            LatentLabeler labeler, String modelName, Config c, Path out, Consumer<String> log)
            throws IOException {
        long start = System.nanoTime();
        boolean hard = c.mode().equals("hard");
        log.accept("expert demonstrations on levels 0.." + (c.demoLevels() - 1));
        List<ExpertDemos.Demo> demos =
                ExpertDemos.record(hard, 0, c.demoLevels(), c.demoStyle(), c.art());
        if (demos.isEmpty()) {
            throw new IllegalStateException("the expert won none of the demonstration levels");
        }
        log.accept("labelling " + demos.size() + " demonstrations with the LAM");
        Labelled l = label(labeler, demos, c);
        log.accept("expert on the held-out levels");
        Map<String, Object> expert = expertOnTestLevels(c);
        Map<String, Object> vectorOptions = new LinkedHashMap<>();
        vectorOptions.put("distribution_mode", c.mode());
        vectorOptions.put("start_level", c.testStart());
        vectorOptions.put("num_levels", c.testLevels());
        vectorOptions.put("art", c.art());
        List<Row> rows = new ArrayList<>();
        List<Map<String, Object>> training = new ArrayList<>();
        @SuppressWarnings("unchecked")
        VectorEnv<Tensor, Integer> env =
                (VectorEnv<Tensor, Integer>)
                        Envs.makeVector(CoinRunEnv.ID, c.envs(), vectorOptions, 2);
        try (env) {
            for (int seed = 0; seed < c.seeds(); seed++) {
                runSeed(env, l, c, seed, rows, training, log);
            }
        }
        return report(modelName, c, l.data(), expert, training, rows, start, out);
    }

    /**
     * The demonstrations as training sets: each kept transition's frame stack with its real action
     * (the oracle's) and its latent action (latent BC's), the pool the mappings draw their labelled
     * samples from, and the code-by-action table.
     */
    private record Labelled(
            LabelledFrames oracle,
            LabelledFrames latent,
            List<byte[]> poolFrames,
            List<int[]> poolPairs,
            int codes,
            Map<String, Object> data) {}

    private static final int REAL_ACTIONS = 15;

    private static Labelled label(LatentLabeler labeler, List<ExpertDemos.Demo> demos, Config c) {
        int codes = labeler.actions();
        LabelledFrames oracleData = new LabelledFrames(64, REAL_ACTIONS, c.stack());
        LabelledFrames latentData = new LabelledFrames(64, codes, c.stack());
        List<byte[]> poolFrames = new ArrayList<>();
        List<int[]> poolPairs = new ArrayList<>();
        long[][] table = new long[codes][REAL_ACTIONS];
        int perturbed = 0;
        for (ExpertDemos.Demo d : demos) {
            int[] z = labeler.label(d.frameTensor());
            for (int t = 0; t < z.length; t++) {
                if (d.perturbed()[t]) {
                    perturbed++;
                    continue;
                }
                byte[] f = FrameHistory.of(d.frames(), t, c.stack());
                oracleData.add(f, d.actions()[t], d.level());
                latentData.add(f, z[t], d.level());
                poolFrames.add(f);
                poolPairs.add(new int[] {z[t], d.actions()[t]});
                table[z[t]][d.actions()[t]]++;
            }
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("demo_levels_won", demos.size());
        data.put("transitions", oracleData.count());
        data.put("perturbed_transitions_left_out", perturbed);
        data.put("latent_code_counts", Arrays.stream(latentData.labelCounts()).boxed().toList());
        data.put("real_action_counts", Arrays.stream(oracleData.labelCounts()).boxed().toList());
        data.put("latent_by_real_action", toLists(table));
        data.put("mapping_ceiling_accuracy", round(majorityAccuracy(table), 4));
        return new Labelled(oracleData, latentData, poolFrames, poolPairs, codes, data);
    }

    /**
     * One seed: trains the oracle and the latent policy, then scores the oracle, its ε-greedy
     * version, random and blind play, and latent BC with each mapping at each label count.
     */
    private static void runSeed(
            VectorEnv<Tensor, Integer> env,
            Labelled l,
            Config c,
            int seed,
            List<Row> rows,
            List<Map<String, Object>> training,
            Consumer<String> log) {
        long evalSeed = 7_000L + 1_000L * seed;
        SupervisedTrainer.Config tc = c.trainer().withSeed(seed);
        Engine.getInstance().setRandomSeed(1 + seed);
        try (CnnPolicy oracle = newPolicy(c, REAL_ACTIONS);
                CnnPolicy latent = newPolicy(c, l.codes())) {
            log.accept("seed " + seed + ": cloning the true actions (oracle)");
            training.add(
                    trained(
                            "oracle",
                            seed,
                            SupervisedTrainer.train(oracle, l.oracle(), tc, epochLog(log))));
            log.accept("seed " + seed + ": cloning the latent actions");
            training.add(
                    trained(
                            "latent",
                            seed,
                            SupervisedTrainer.train(latent, l.latent(), tc, epochLog(log))));
            Consumer<Row> add =
                    r -> {
                        rows.add(r);
                        log.accept(
                                String.format(
                                        Locale.ROOT,
                                        "seed %d: %s%s solved %d/%d",
                                        seed,
                                        r.agent(),
                                        r.labels() == null ? "" : " N=" + r.labels(),
                                        r.stats().successes(),
                                        r.stats().count()));
                    };
            String eps = "oracle-eps" + c.epsilon();
            List<Agent<Tensor, Integer>> baselines =
                    List.of(
                            new PolicyAgent(oracle, false, 0, seed, "oracle"),
                            new PolicyAgent(oracle, false, c.epsilon(), seed, eps),
                            new RandomAgent<>(new Discrete(REAL_ACTIONS), seed),
                            new FrequencyAgent<>(l.oracle().labelCounts(), seed, "blind"));
            List<String> names = List.of("oracle", eps, "random", "blind");
            for (int i = 0; i < baselines.size(); i++) {
                add.accept(
                        new Row(
                                names.get(i),
                                null,
                                seed,
                                eval(env, baselines.get(i), c, evalSeed)));
            }
            for (int n : c.labels()) {
                for (ActionMapping m : mappings(l, c, latent, seed, n)) {
                    String name = "latent-" + m.name();
                    add.accept(
                            new Row(
                                    name,
                                    n,
                                    seed,
                                    eval(
                                            env,
                                            new LatentBcAgent(latent, m, false, seed, name),
                                            c,
                                            evalSeed)));
                }
            }
        }
    }

    /** The latent-to-real mappings fitted on {@code n} labelled transitions drawn for a seed. */
    private static List<ActionMapping> mappings(
            Labelled l, Config c, CnnPolicy latent, int seed, int n) {
        int[] pick = draw(l.poolPairs().size(), n, new SplittableRandom(31L * seed + n));
        int[] kc = new int[pick.length];
        int[] ka = new int[pick.length];
        List<byte[]> kf = new ArrayList<>(pick.length);
        for (int i = 0; i < pick.length; i++) {
            kc[i] = l.poolPairs().get(pick[i])[0];
            ka[i] = l.poolPairs().get(pick[i])[1];
            kf.add(l.poolFrames().get(pick[i]));
        }
        List<ActionMapping> mappings = new ArrayList<>();
        mappings.add(DictionaryMapping.fit(l.codes(), REAL_ACTIONS, kc, ka));
        if (c.learnedMapping()) {
            mappings.add(
                    LearnedMapping.fit(
                            LearnedMapping.Features.of(latent),
                            l.codes(),
                            REAL_ACTIONS,
                            kf,
                            kc,
                            ka,
                            1e-2,
                            300));
        }
        return mappings;
    }

    /** Writes {@code bc-eval.json}, {@code .md} and {@code .png} and returns them. */
    private static Result report(
            String modelName,
            Config c,
            Map<String, Object> data,
            Map<String, Object> expert,
            List<Map<String, Object>> training,
            List<Row> rows,
            long start,
            Path out)
            throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("study", "latent-action behaviour cloning on CoinRun (Genie §3.3, Fig. 14)");
        json.put("world_model", modelName);
        json.put("config", c.toMap());
        json.put("data", data);
        json.put("expert_on_test_levels", expert);
        json.put("training", training);
        List<Map<String, Object>> evals = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("agent", r.agent());
            m.put("labels", r.labels());
            m.put("seed", r.seed());
            m.putAll(r.stats().toMap());
            m.remove("agent");
            evals.add(m);
        }
        json.put("evaluations", evals);
        List<Map<String, Object>> summary = summarise(rows);
        addShares(summary);
        json.put("summary", summary);
        json.put("seconds", round((System.nanoTime() - start) / 1e9, 1));
        String md = markdown(summary, expert, c);
        AtomicFiles.writeString(out.resolve("bc-eval.json"), Json.write(json) + "\n");
        AtomicFiles.writeString(out.resolve("bc-eval.md"), md);
        plot(summary, expert, c, out.resolve("bc-eval.png"));
        return new Result(json, md);
    }

    /** The demonstrator without its noise, one episode on each of the first held-out levels. */
    private static Map<String, Object> expertOnTestLevels(Config c) {
        boolean hard = c.mode().equals("hard");
        ExpertDemos.Style style = new ExpertDemos.Style(c.demoStyle().replan(), 0);
        int won = ExpertDemos.record(hard, c.testStart(), c.episodes(), style).size();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("policy", style.replan() ? "expert, replanning every step" : "expert, one plan");
        m.put("mode", c.mode());
        m.put("seeds", c.testStart() + ".." + (c.testStart() + c.episodes() - 1));
        m.put("levels", c.episodes());
        m.put("solved", won);
        m.put("success_rate", round((double) won / c.episodes(), 3));
        return m;
    }

    private static CnnPolicy newPolicy(Config c, int outputs) {
        return CnnPolicy.create(
                new ImpalaCnn(c.channels(), c.hidden(), outputs, c.downsample(), c.stack()), 64);
    }

    private static SupervisedTrainer.Listener epochLog(Consumer<String> log) {
        return e -> {
            log.accept(
                    String.format(
                            Locale.ROOT,
                            "  epoch %d: train loss %.3f acc %.3f, validation loss %.3f acc %.3f"
                                    + " (%.0f s)",
                            e.epoch(),
                            e.trainLoss(),
                            e.trainAccuracy(),
                            e.validationLoss(),
                            e.validationAccuracy(),
                            e.seconds()));
            return true;
        };
    }

    private static Map<String, Object> trained(String what, int seed, SupervisedTrainer.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("policy", what);
        m.put("seed", seed);
        m.putAll(r.toMap());
        return m;
    }

    private static EpisodeStats eval(
            VectorEnv<Tensor, Integer> env, Agent<Tensor, Integer> agent, Config c, long seed) {
        return EpisodeRunner.run(env, agent, c.episodes(), seed, Map.of());
    }

    /** {@code n} distinct indices of {@code [0, size)} (all of them when {@code n >= size}). */
    static int[] draw(int size, int n, SplittableRandom rng) {
        int[] all = new int[size];
        for (int i = 0; i < size; i++) {
            all[i] = i;
        }
        int k = Math.min(n, size);
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(size - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return Arrays.copyOf(all, k);
    }

    /** The accuracy of the best code-to-action table on the data itself: a mapping's ceiling. */
    static double majorityAccuracy(long[][] table) {
        long hit = 0;
        long all = 0;
        for (long[] row : table) {
            long best = 0;
            for (long v : row) {
                best = Math.max(best, v);
                all += v;
            }
            hit += best;
        }
        return all == 0 ? Double.NaN : (double) hit / all;
    }

    /**
     * Per agent and N: the mean success rate over seeds with a 95% interval (Student-t over the
     * seeds' rates with two or more seeds, otherwise Wilson over the pooled episodes).
     */
    static List<Map<String, Object>> summarise(List<Row> rows) {
        Map<String, List<Row>> groups = new LinkedHashMap<>();
        for (Row r : rows) {
            groups.computeIfAbsent(r.agent() + "|" + r.labels(), k -> new ArrayList<>()).add(r);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (List<Row> g : groups.values()) {
            SummaryStatistics rates = new SummaryStatistics();
            int episodes = 0;
            int successes = 0;
            for (Row r : g) {
                rates.addValue(r.stats().successRate());
                episodes += r.stats().count();
                successes += r.stats().successes();
            }
            double[] ci =
                    g.size() >= 2
                            ? EpisodeStats.meanInterval(rates)
                            : EpisodeStats.wilson(episodes, successes);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("agent", g.get(0).agent());
            m.put("labels", g.get(0).labels());
            m.put("seeds", g.size());
            m.put("episodes", episodes);
            m.put("solved", successes);
            m.put("success_rate", round(rates.getMean(), 4));
            m.put("ci95", List.of(round(Math.max(0, ci[0]), 4), round(Math.min(1, ci[1]), 4)));
            m.put("ci_method", g.size() >= 2 ? "t over seeds" : "Wilson over episodes");
            out.add(m);
        }
        return out;
    }

    /**
     * Adds to every latent row its success rate as a share of the oracle's ({@code of_oracle}) and
     * its lead over blind play as a share of the oracle's lead ({@code of_oracle_lead_over_blind}):
     * 0 when seeing the frame and the latent actions add nothing, 1 when they add as much as the
     * true actions do. Rows stay as they are when the oracle or the blind row is missing.
     */
    static void addShares(List<Map<String, Object>> summary) {
        Double oracle = null;
        Double blind = null;
        for (Map<String, Object> m : summary) {
            if (m.get("agent").equals("oracle")) {
                oracle = (Double) m.get("success_rate");
            } else if (m.get("agent").equals("blind")) {
                blind = (Double) m.get("success_rate");
            }
        }
        for (Map<String, Object> m : summary) {
            if (m.get("labels") == null) {
                continue;
            }
            double r = (double) m.get("success_rate");
            if (oracle != null && oracle > 0) {
                m.put("of_oracle", round(r / oracle, 4));
            }
            if (oracle != null && blind != null && oracle > blind) {
                m.put("of_oracle_lead_over_blind", round((r - blind) / (oracle - blind), 4));
            }
        }
    }

    static String markdown(
            List<Map<String, Object>> summary, Map<String, Object> expert, Config c) {
        StringBuilder b = new StringBuilder();
        b.append(
                "| agent | labelled transitions | % levels solved | 95% CI | episodes | of oracle"
                        + " | of oracle's lead over blind |\n");
        b.append("|---|---:|---:|---|---:|---:|---:|\n");
        b.append(
                String.format(
                        Locale.ROOT,
                        "| expert (planner) | – | %.1f | – | %s | – | – |\n",
                        100 * ((Number) expert.get("success_rate")).doubleValue(),
                        expert.get("levels")));
        for (Map<String, Object> m : summary) {
            @SuppressWarnings("unchecked")
            List<Double> ci = (List<Double>) m.get("ci95");
            b.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %s | %.1f | %.1f–%.1f | %d | %s | %s |\n",
                            m.get("agent"),
                            m.get("labels") == null ? "–" : m.get("labels"),
                            100 * (double) m.get("success_rate"),
                            100 * ci.get(0),
                            100 * ci.get(1),
                            (int) m.get("episodes"),
                            percent(m.get("of_oracle")),
                            percent(m.get("of_oracle_lead_over_blind"))));
        }
        b.append(
                String.format(
                        Locale.ROOT,
                        "\n"
                                + "CoinRun %s mode, held-out levels %d.., %d episodes per agent and"
                                + " seed, %d seed(s). Blind play samples the demonstrations'"
                                + " action frequencies without looking at the frame.\n",
                        c.mode(),
                        c.testStart(),
                        c.episodes(),
                        c.seeds()));
        return b.toString();
    }

    private static void plot(
            List<Map<String, Object>> summary, Map<String, Object> expert, Config c, Path file)
            throws IOException {
        int[] labels = c.labels();
        XYChart chart =
                new XYChartBuilder()
                        .width(800)
                        .height(500)
                        .title("CoinRun " + c.mode() + ": behaviour cloning from latent actions")
                        .xAxisTitle("action-labelled transitions N")
                        .yAxisTitle("% held-out levels solved")
                        .build();
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(100.0);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        chart.setCustomXAxisTickLabelsFormatter(
                x -> {
                    int i = (int) Math.round(x);
                    return Math.abs(x - i) < 1e-6 && i >= 0 && i < labels.length
                            ? Integer.toString(labels[i])
                            : "";
                });
        double[] xs = new double[labels.length];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = i;
        }
        for (String agent : List.of("latent-dictionary", "latent-learned")) {
            double[] y = new double[labels.length];
            double[] err = new double[labels.length];
            boolean any = false;
            for (int i = 0; i < labels.length; i++) {
                for (Map<String, Object> m : summary) {
                    if (m.get("agent").equals(agent)
                            && Integer.valueOf(labels[i]).equals(m.get("labels"))) {
                        @SuppressWarnings("unchecked")
                        List<Double> ci = (List<Double>) m.get("ci95");
                        double r = (double) m.get("success_rate");
                        y[i] = 100 * r;
                        err[i] = 100 * Math.max(r - ci.get(0), ci.get(1) - r);
                        any = true;
                    }
                }
            }
            if (any) {
                chart.addSeries(agent, xs, y, err).setMarker(SeriesMarkers.CIRCLE);
            }
        }
        List<String> flat = new ArrayList<>();
        for (Map<String, Object> m : summary) {
            if (m.get("labels") == null) {
                flat.add((String) m.get("agent"));
            }
        }
        for (String agent : flat) {
            for (Map<String, Object> m : summary) {
                if (m.get("agent").equals(agent)) {
                    double y = 100 * (double) m.get("success_rate");
                    XYSeries s =
                            chart.addSeries(
                                    agent,
                                    new double[] {0, labels.length - 1},
                                    new double[] {y, y});
                    s.setMarker(SeriesMarkers.NONE);
                    s.setLineStyle(SeriesLines.DASH_DASH);
                }
            }
        }
        double e = 100 * ((Number) expert.get("success_rate")).doubleValue();
        XYSeries s =
                chart.addSeries("expert", new double[] {0, labels.length - 1}, new double[] {e, e});
        s.setMarker(SeriesMarkers.NONE);
        s.setLineStyle(SeriesLines.DOT_DOT);
        AtomicFiles.write(
                file, o -> BitmapEncoder.saveBitmap(chart, o, BitmapEncoder.BitmapFormat.PNG));
    }

    private static String percent(Object share) {
        return share == null
                ? "–"
                : String.format(Locale.ROOT, "%.0f%%", 100 * ((Number) share).doubleValue());
    }

    private static List<List<Long>> toLists(long[][] table) {
        List<List<Long>> out = new ArrayList<>();
        for (long[] row : table) {
            out.add(Arrays.stream(row).boxed().toList());
        }
        return out;
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
