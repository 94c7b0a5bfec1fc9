package io.genie4j.coinrun.eval;

import io.genie4j.agents.Agent;
import io.genie4j.agents.CnnPolicy;
import io.genie4j.agents.EpisodeRunner;
import io.genie4j.agents.EpisodeStats;
import io.genie4j.agents.FrequencyAgent;
import io.genie4j.agents.PolicyEval;
import io.genie4j.agents.PpoConfig;
import io.genie4j.agents.PpoRun;
import io.genie4j.agents.PpoTrainer;
import io.genie4j.agents.RandomAgent;
import io.genie4j.coinrun.CoinRunEnv;
import io.genie4j.coinrun.ExpertDemos;
import io.genie4j.env.AtomicFiles;
import io.genie4j.env.Json;
import io.genie4j.env.Tensor;
import io.genie4j.env.registry.Envs;
import io.genie4j.env.vector.VectorEnv;
import io.genie4j.genie.GenieEnv;
import io.genie4j.genie.world.WorldModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Does an agent trained only inside a generated world play the real game? PPO trained in {@code
 * Genie-v0} (CoinRun's own actions through the model's real-action table, reward and termination
 * from its event heads) against the same PPO trained in real CoinRun for the same number of steps,
 * both scored on the same held-out real CoinRun levels at several points of training, beside
 * uniform random play and blind play (the expert's action frequencies, without looking). This is
 * the test DIAMOND (Alonso et al. 2024) and IRIS (Micheli et al. 2023) put their world models to.
 * Writes {@code world-rl.json}, {@code world-rl.md} and {@code world-rl.png}; the two PPO runs live
 * in {@code world/} and {@code real/} beside them.
 */
public final class WorldRlStudy {

    /** The world's decoder context by default (see {@link Config#decoderContext()}). */
    public static final int DEFAULT_DECODER_CONTEXT = 0;

    /**
     * Settings of a study; all of them are recorded in its JSON.
     *
     * @param steps env steps of PPO in each arm
     * @param points evaluations along training, at {@code steps * k / points}
     * @param numEnvs envs (or worlds) stepped together in training
     * @param episodes held-out real episodes per evaluation
     * @param testStart the first held-out level (levels {@code testStart..testStart+episodes-1})
     * @param mode CoinRun's difficulty, in training and evaluation
     * @param maskgitSteps the world's MaskGIT iterations per frame
     * @param slide whether the world's window of past frames slides (faster)
     * @param decoderContext frames the world's tokenizer decoder attends to (0: its window; 1: each
     *     frame alone, fastest)
     * @param softDecode whether the world's frames are decoded from the mean code vectors of the
     *     distributions its tokens were drawn from ({@code Genie-v0}'s {@code soft_decode})
     * @param termination whether the world's termination head ends episodes ({@code Genie-v0}'s
     *     {@code termination}); without it a world's episode ends at a reward or the horizon
     * @param promptVideo recorded episodes whose frames start the world's episodes ({@code
     *     Genie-v0}'s {@code prompt_video}), or null for the first frames of CoinRun levels
     * @param horizon steps after which a world's episode is truncated (0: {@code Genie-v0}'s limit,
     *     1000)
     * @param ppo PPO's settings (their steps are replaced by each stage's)
     */
    public record Config(
            long steps,
            int points,
            int numEnvs,
            int episodes,
            int testStart,
            String mode,
            int maskgitSteps,
            boolean slide,
            int decoderContext,
            boolean softDecode,
            boolean termination,
            Path promptVideo,
            int horizon,
            PpoConfig ppo) {

        /** Checks every value, naming the bad one. */
        public Config {
            if (points < 1 || steps < points) {
                throw new IllegalArgumentException(
                        "need at least 1 evaluation point and a step per point, got "
                                + points
                                + " points over "
                                + steps
                                + " steps");
            }
            if (numEnvs < 1
                    || episodes < 1
                    || testStart < 0
                    || maskgitSteps < 1
                    || decoderContext < 0
                    || horizon < 0) {
                throw new IllegalArgumentException(
                        "num_envs, episodes and maskgit_steps must be >= 1, test_start,"
                                + " decoder_context and horizon >= 0");
            }
            if (!mode.equals("easy") && !mode.equals("hard")) {
                throw new IllegalArgumentException("mode must be easy or hard, got " + mode);
            }
        }

        /**
         * 200k steps per arm, scored 4 times on 500 hard held-out levels from 10,000,000 (the world
         * models here learn hard-mode video), the world at one MaskGIT iteration, sliding.
         */
        public static Config defaults() {
            return new Config(
                    200_000,
                    4,
                    64,
                    500,
                    10_000_000,
                    "hard",
                    1,
                    true,
                    DEFAULT_DECODER_CONTEXT,
                    false,
                    true,
                    null,
                    0,
                    PpoConfig.defaults(200_000));
        }

        /** A tiny study for a smoke test: two updates per arm, 4 episodes, a small network. */
        public static Config quick() {
            Map<String, Object> small = new LinkedHashMap<>();
            small.put("rollout_steps", 8);
            small.put("minibatches", 2);
            small.put("epochs", 1);
            small.put("channels", List.of(16, 16));
            small.put("hidden", 16);
            small.put("checkpoint_every", 1);
            return new Config(
                    32,
                    2,
                    2,
                    4,
                    10_000_000,
                    "hard",
                    1,
                    true,
                    DEFAULT_DECODER_CONTEXT,
                    false,
                    true,
                    null,
                    0,
                    PpoConfig.fromMap(small, PpoConfig.defaults(32)));
        }

        /** The settings as a JSON-ready map. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("steps", steps);
            m.put("points", points);
            m.put("num_envs", numEnvs);
            m.put("episodes", episodes);
            m.put("test_levels", testStart + ".." + (testStart + episodes - 1));
            m.put("mode", mode);
            m.put("maskgit_steps", maskgitSteps);
            m.put("slide", slide);
            m.put("decoder_context", decoderContext);
            m.put("soft_decode", softDecode);
            m.put("termination", termination);
            m.put(
                    "prompts",
                    promptVideo == null
                            ? "first frames of CoinRun levels"
                            : promptVideo.toString());
            m.put("horizon", horizon == 0 ? "Genie-v0's limit" : horizon);
            m.put("ppo", ppo.toMap());
            return m;
        }
    }

    /** A study's JSON and Markdown (also written to files). */
    public record Result(Map<String, Object> json, String markdown) {}

    /** One evaluation: an agent (a PPO arm after some steps, or a baseline) on held-out levels. */
    record Point(String agent, long steps, EpisodeStats stats) {}

    private WorldRlStudy() {}

    /**
     * Runs the study with the world model in {@code model} (null: the shipped one), which must have
     * a real-action table ({@code genie4j train actions}); its event heads, if any, give rewards
     * and endings. The arms train in {@code out/world} and {@code out/real}.
     *
     * @throws IllegalArgumentException if the model has no action table or {@code out} holds runs
     */
    public static Result run(Path model, Config c, Path out, Consumer<String> log)
            throws IOException {
        long start = System.nanoTime();
        Map<String, Object> art;
        Map<String, Object> modelJson = new LinkedHashMap<>();
        try (WorldModel m = WorldModel.load(model)) {
            if (m.actionTable() == null) {
                throw new IllegalArgumentException(
                        "the world model has no real-action table; fit one with genie4j train"
                                + " actions --model DIR --data EPISODES");
            }
            m.warnIfNoEnvOptions("both arms' CoinRun levels and the world's prompts");
            art = new LinkedHashMap<>(m.envOptions());
            modelJson.put("dir", model == null ? "shipped default" : model.toString());
            modelJson.put("event_heads", m.eventHeads() != null);
            modelJson.put("env_options", art);
        }
        for (String arm : List.of("world", "real")) {
            if (Files.exists(out.resolve(arm).resolve(PpoRun.RUN))) {
                throw new IllegalArgumentException(
                        out.resolve(arm) + " already holds a PPO run; choose another --out");
            }
        }
        List<Point> points = new ArrayList<>();
        List<Map<String, Object>> training = new ArrayList<>();
        Map<String, Object> world = worldOptions(model, c);
        Map<String, Object> real = new LinkedHashMap<>(art);
        real.put("distribution_mode", c.mode());
        training.add(arm("world", GenieEnv.ID, world, c, out, points, log));
        training.add(arm("real", CoinRunEnv.ID, real, c, out, points, log));
        points.add(new Point("random", 0, baseline(c, art, true)));
        points.add(new Point("blind", 0, baseline(c, art, false)));
        return report(modelJson, c, training, points, start, out);
    }

    /**
     * The {@code Genie-v0} options of the world arm: CoinRun's actions, the study's sampling,
     * prompts and horizon. The world draws its CoinRun prompts in its video's art already.
     */
    static Map<String, Object> worldOptions(Path model, Config c) {
        Map<String, Object> world = new LinkedHashMap<>();
        world.put("model", model == null ? "" : model.toString());
        world.put("actions", GenieEnv.COINRUN);
        world.put("maskgit_steps", c.maskgitSteps());
        world.put("slide", c.slide());
        world.put("decoder_context", c.decoderContext());
        world.put("soft_decode", c.softDecode());
        world.put("termination", c.termination());
        if (c.promptVideo() != null) {
            world.put("prompt_video", c.promptVideo().toString());
        }
        if (c.horizon() > 0) {
            world.put("max_episode_steps", c.horizon());
        }
        return world;
    }

    /** Trains one arm in stages, scoring its policy on the held-out levels after each. */
    private static Map<String, Object> arm(
            String name,
            String envId,
            Map<String, Object> options,
            Config c,
            Path out,
            List<Point> points,
            Consumer<String> log)
            throws IOException {
        Path dir = out.resolve(name);
        PpoTrainer.Result last = null;
        try (VectorEnv<?, ?> env = Envs.makeVector(envId, c.numEnvs(), options, 1)) {
            for (int k = 1; k <= c.points(); k++) {
                long steps = c.steps() * k / c.points();
                last =
                        PpoTrainer.train(
                                env,
                                envId,
                                options,
                                dir,
                                c.ppo().withSteps(steps),
                                k > 1,
                                new PpoTrainer.Listener() {});
                EpisodeStats s;
                try (CnnPolicy p = CnnPolicy.load(PolicyEval.policyFile(dir));
                        VectorEnv<?, ?> test = testEnv(c, options)) {
                    s = PolicyEval.evaluate(p, test, c.episodes(), 0, false, null);
                }
                points.add(new Point(name, last.steps(), s));
                log.accept(
                        String.format(
                                Locale.ROOT,
                                "%s: %d steps (%.0f steps/s), held-out success %.3f",
                                name,
                                last.steps(),
                                last.sessionStepsPerSecond(),
                                s.successRate()));
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("arm", name);
        m.put("env", envId);
        m.put("options", options);
        m.putAll(last.toMap());
        m.remove("out");
        return m;
    }

    /** Real CoinRun on the held-out levels, in the arm's art. */
    private static VectorEnv<?, ?> testEnv(Config c, Map<String, Object> armOptions) {
        Map<String, Object> o = new LinkedHashMap<>();
        if (armOptions.containsKey("art")) {
            o.put("art", armOptions.get("art"));
        }
        o.put("distribution_mode", c.mode());
        o.put("start_level", c.testStart());
        o.put("num_levels", c.episodes());
        return Envs.makeVector(CoinRunEnv.ID, Math.min(c.numEnvs(), c.episodes()), o, 1);
    }

    /** Random play, or blind play with the expert's action frequencies on 50 training levels. */
    @SuppressWarnings("unchecked")
    private static EpisodeStats baseline(Config c, Map<String, Object> art, boolean random) {
        try (VectorEnv<?, ?> raw = testEnv(c, art)) {
            VectorEnv<Tensor, Integer> env = (VectorEnv<Tensor, Integer>) raw;
            Agent<Tensor, Integer> agent;
            if (random) {
                agent = new RandomAgent<>(env.singleActionSpace(), 0);
            } else {
                int[] counts = new int[CoinRunEnv.ACTION_NAMES.size()];
                String style = (String) art.getOrDefault("art", "v1");
                for (ExpertDemos.Demo d :
                        ExpertDemos.record(
                                c.mode().equals("hard"),
                                0,
                                50,
                                ExpertDemos.Style.OPEN_LOOP,
                                style)) {
                    for (int a : d.actions()) {
                        counts[a]++;
                    }
                }
                agent = new FrequencyAgent<>(counts, 0, "blind");
            }
            return EpisodeRunner.run(env, agent, c.episodes(), 0L, Map.of());
        }
    }

    private static Result report(
            Map<String, Object> model,
            Config c,
            List<Map<String, Object>> training,
            List<Point> points,
            long start,
            Path out)
            throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("study", "PPO trained in a generated world, scored in real CoinRun");
        json.put("world_model", model);
        json.put("config", c.toMap());
        json.put("training", training);
        List<Map<String, Object>> evals = new ArrayList<>();
        for (Point p : points) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("agent", p.agent());
            m.put("trained_steps", p.steps());
            m.putAll(p.stats().toMap());
            m.put("agent", p.agent());
            evals.add(m);
        }
        json.put("evaluations", evals);
        List<Map<String, Object>> lead = leadClosed(points);
        json.put("lead_closed", lead);
        json.put("seconds", Math.round((System.nanoTime() - start) / 1e8) / 10.0);
        String md = markdown(points, lead, c);
        Files.createDirectories(out);
        AtomicFiles.writeString(out.resolve("world-rl.json"), Json.write(json) + "\n");
        AtomicFiles.writeString(out.resolve("world-rl.md"), md);
        plot(points, c, out.resolve("world-rl.png"));
        return new Result(json, md);
    }

    /** Resamples of the share of the lead closed. */
    static final int LEAD_RESAMPLES = 2000;

    /**
     * The figure, per evaluation step: the share of the real-trained arm's lead over random
     * play that the world-trained arm closes, (world − random) / (real − random) in success rate,
     * with a 95% percentile bootstrap interval (each agent's successes redrawn as binomial counts
     * of its rate, independently; resamples in which the real arm does not lead are left out and
     * counted). Null share when the real arm does not lead random play at that step.
     */
    static List<Map<String, Object>> leadClosed(List<Point> points) {
        EpisodeStats random = null;
        for (Point p : points) {
            if (p.agent().equals("random")) {
                random = p.stats();
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        if (random == null) {
            return out;
        }
        for (Point w : points) {
            if (!w.agent().equals("world")) {
                continue;
            }
            for (Point r : points) {
                if (r.agent().equals("real") && r.steps() == w.steps()) {
                    out.add(leadClosed(w.steps(), w.stats(), r.stats(), random));
                }
            }
        }
        return out;
    }

    private static Map<String, Object> leadClosed(
            long steps, EpisodeStats world, EpisodeStats real, EpisodeStats random) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("trained_steps", steps);
        double lead = real.successRate() - random.successRate();
        m.put(
                "share",
                lead > 0 ? round3((world.successRate() - random.successRate()) / lead) : null);
        RandomGenerator rng = new Well19937c(steps);
        double[] shares = new double[LEAD_RESAMPLES];
        int kept = 0;
        for (int i = 0; i < LEAD_RESAMPLES; i++) {
            double w = redraw(world, rng);
            double rr = redraw(real, rng);
            double r0 = redraw(random, rng);
            if (rr - r0 > 0) {
                shares[kept++] = (w - r0) / (rr - r0);
            }
        }
        double[] sorted = Arrays.copyOf(shares, kept);
        Arrays.sort(sorted);
        m.put(
                "ci95",
                kept == 0 || lead <= 0
                        ? null
                        : List.of(
                                round3(sorted[(int) Math.floor(0.025 * (kept - 1))]),
                                round3(sorted[(int) Math.ceil(0.975 * (kept - 1))])));
        m.put("resamples_without_a_lead", LEAD_RESAMPLES - kept);
        return m;
    }

    /** A success rate redrawn as a binomial count of its episodes. */
    private static double redraw(EpisodeStats s, RandomGenerator rng) {
        int n = s.count();
        int k = 0;
        double p = s.successRate();
        for (int i = 0; i < n; i++) {
            k += rng.nextDouble() < p ? 1 : 0;
        }
        return (double) k / n;
    }

    private static double round3(double x) {
        return Math.round(x * 1000) / 1000.0;
    }

    /**
     * The table of evaluations, then a sentence per point on the lead closed ({@link #leadClosed}).
     */
    static String markdown(List<Point> points, List<Map<String, Object>> lead, Config c) {
        StringBuilder b = new StringBuilder();
        b.append(
                "| agent | trained steps | held-out levels solved | 95% interval | mean return"
                        + " |\n");
        b.append("|---|---:|---:|---|---:|\n");
        for (Point p : points) {
            double[] ci = p.stats().successInterval();
            b.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %s | %.1f%% | [%.1f, %.1f] | %.2f |%n",
                            describe(p.agent()),
                            p.steps() == 0 ? "" : Long.toString(p.steps()),
                            100 * p.stats().successRate(),
                            100 * ci[0],
                            100 * ci[1],
                            p.stats().meanReturn()));
        }
        b.append(
                String.format(
                        Locale.ROOT,
                        "%nCoinRun %s, %d episodes on levels %d.. per row.%n",
                        c.mode(),
                        c.episodes(),
                        c.testStart()));
        for (Map<String, Object> l : lead) {
            Object share = l.get("share");
            @SuppressWarnings("unchecked")
            List<Double> ci = (List<Double>) l.get("ci95");
            b.append(
                    share == null || ci == null
                            ? String.format(
                                    Locale.ROOT,
                                    "At %d steps the real-trained agent does not lead random"
                                            + " play.%n",
                                    l.get("trained_steps"))
                            : String.format(
                                    Locale.ROOT,
                                    "At %d steps the world-trained agent closes %.0f%% [%.0f, %.0f]"
                                            + " of the real-trained agent's lead over random"
                                            + " play.%n",
                                    l.get("trained_steps"),
                                    100 * (Double) share,
                                    100 * ci.get(0),
                                    100 * ci.get(1)));
        }
        return b.toString();
    }

    private static String describe(String agent) {
        return switch (agent) {
            case "world" -> "PPO trained in the world model";
            case "real" -> "PPO trained in real CoinRun";
            case "random" -> "uniform random play";
            case "blind" -> "blind play (expert's action frequencies)";
            default -> agent;
        };
    }

    private static void plot(List<Point> points, Config c, Path file) throws IOException {
        XYChart chart =
                new XYChartBuilder()
                        .width(800)
                        .height(500)
                        .title("CoinRun " + c.mode() + ": PPO trained in a world model vs real")
                        .xAxisTitle("env steps of training")
                        .yAxisTitle("% held-out real levels solved")
                        .build();
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(100.0);
        for (String arm : List.of("world", "real")) {
            List<Point> ps = points.stream().filter(p -> p.agent().equals(arm)).toList();
            double[] x = new double[ps.size()];
            double[] y = new double[ps.size()];
            double[] err = new double[ps.size()];
            for (int i = 0; i < x.length; i++) {
                EpisodeStats s = ps.get(i).stats();
                double[] ci = s.successInterval();
                x[i] = ps.get(i).steps();
                y[i] = 100 * s.successRate();
                err[i] = 100 * Math.max(s.successRate() - ci[0], ci[1] - s.successRate());
            }
            chart.addSeries(describe(arm), x, y, err).setMarker(SeriesMarkers.CIRCLE);
        }
        // Baselines span the plot: the last evaluation can lie past the step budget (whole
        // updates).
        double end = Math.max(c.steps(), points.stream().mapToLong(Point::steps).max().orElse(0));
        for (Point p : points) {
            if (p.steps() == 0) {
                double y = 100 * p.stats().successRate();
                XYSeries s =
                        chart.addSeries(
                                describe(p.agent()), new double[] {0, end}, new double[] {y, y});
                s.setMarker(SeriesMarkers.NONE);
                s.setLineStyle(SeriesLines.DASH_DASH);
            }
        }
        AtomicFiles.write(
                file, o -> BitmapEncoder.saveBitmap(chart, o, BitmapEncoder.BitmapFormat.PNG));
    }
}
