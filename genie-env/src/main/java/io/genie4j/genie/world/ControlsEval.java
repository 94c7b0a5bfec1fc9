package io.genie4j.genie.world;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.genie4j.env.Env;
import io.genie4j.env.Step;
import io.genie4j.env.Tensor;
import io.genie4j.env.registry.Envs;
import io.genie4j.genie.metrics.EpisodeBootstrap;
import io.genie4j.genie.metrics.ImageMetrics;
import io.genie4j.genie.nn.KvCache;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Does the world obey the game's controls? From the first frame of each of a range of CoinRun
 * levels, the same real action (LEFT, NOOP or RIGHT) is held for a number of steps both in CoinRun
 * and in the world (through the model's action table), and every generated frame is compared with
 * the real frames of all three actions and with the prompt held still. A world that obeys is
 * closest to the real frames of the action it was given; one that ignores its actions is as close
 * to any of them, and no closer to the real game than the still frame. Unlike {@link WorldEval},
 * which replays recorded clips, this asks what a person or an agent holding a key would see.
 */
public final class ControlsEval {
    private ControlsEval() {}

    /** CoinRun's action ids of the actions compared (Procgen's order). */
    private static final int[] ACTIONS = {1, 4, 7};

    private static final String[] NAMES = {"LEFT", "NOOP", "RIGHT"};

    private static final String ENV = "CoinRun-v0";

    /**
     * Plays {@code levels} CoinRun levels from {@code firstLevel} with each compared action held
     * for {@code steps} steps, in CoinRun (with the options the model's training video was recorded
     * with) and in the world; returns the figures as JSON-ready maps, with 95% bootstrap intervals
     * over levels.
     *
     * @throws IllegalArgumentException if the model has no CoinRun action table or a number is out
     *     of range
     */
    public static Map<String, Object> evaluate(
            Path modelDir,
            long firstLevel,
            int levels,
            int steps,
            int batch,
            GenieWorld.Options options,
            long seed)
            throws IOException {
        if (levels < 1 || steps < 1 || batch < 1 || firstLevel < 0) {
            throw new IllegalArgumentException(
                    "need levels >= 1, steps >= 1, batch >= 1 and a first level >= 0");
        }
        try (WorldModel model = WorldModel.load(modelDir)) {
            ActionTable table = model.actionTable();
            if (table == null || !table.env().equals(ENV)) {
                throw new IllegalArgumentException(
                        (modelDir == null ? "the shipped model" : modelDir.toString())
                                + " has no action table fitted on CoinRun-v0; fit one with"
                                + " genie4j train actions --model DIR --data EPISODES");
            }
            model.warnIfNoEnvOptions("the CoinRun levels it is compared with");
            int a = ACTIONS.length;
            int s = model.config().imageSize();
            int frame = s * s * 3;
            // Per level: the prompt, and the real frames of each action at each step.
            byte[][] prompts = new byte[levels][];
            byte[][][] real = new byte[levels][a][];
            int[] ended = new int[a];
            for (int l = 0; l < levels; l++) {
                for (int k = 0; k < a; k++) {
                    real[l][k] = new byte[steps * frame];
                    prompts[l] =
                            playReal(
                                    model,
                                    firstLevel + l,
                                    ACTIONS[k],
                                    steps,
                                    s,
                                    real[l][k],
                                    ended,
                                    k);
                }
            }
            // [level][generated action][real action] summed over steps; [level][real action].
            double[][][] vsReal = new double[levels][a][a];
            double[][] stillVsReal = new double[levels][a];
            double[][] finalMatched = new double[levels][a];
            double[][] finalStill = new double[levels][a];
            int[] codes = new int[a];
            for (int k = 0; k < a; k++) {
                codes[k] = table.code(ACTIONS[k]);
            }
            int worlds = levels * a;
            for (int w0 = 0; w0 < worlds; w0 += batch) {
                int n = Math.min(batch, worlds - w0);
                byte[] prompt = new byte[n * frame];
                long[] seeds = new long[n];
                int[] act = new int[n];
                for (int i = 0; i < n; i++) {
                    int w = w0 + i;
                    System.arraycopy(prompts[w / a], 0, prompt, i * frame, frame);
                    seeds[i] = seed * 1_000_003L + w;
                    act[i] = codes[w % a];
                }
                try (GenieWorld world = new GenieWorld(model, n, options)) {
                    byte[] still = world.reset(prompt, 1, seeds);
                    for (int t = 0; t < steps; t++) {
                        byte[] gen = world.step(act);
                        for (int i = 0; i < n; i++) {
                            int l = (w0 + i) / a;
                            int g = (w0 + i) % a;
                            for (int r = 0; r < a; r++) {
                                double p =
                                        ImageMetrics.psnr(
                                                gen, i * frame, real[l][r], t * frame, frame);
                                vsReal[l][g][r] += p / steps;
                                if (t == steps - 1 && r == g) {
                                    finalMatched[l][g] = p;
                                }
                            }
                            if (g == 0) {
                                for (int r = 0; r < a; r++) {
                                    double p =
                                            ImageMetrics.psnr(
                                                    still, i * frame, real[l][r], t * frame, frame);
                                    stillVsReal[l][r] += p / steps;
                                    if (t == steps - 1) {
                                        finalStill[l][r] = p;
                                    }
                                }
                            }
                        }
                    }
                }
            }
            double[][][] forced = teacherForced(model, prompts, real, codes, steps, batch);
            // One bootstrap over levels serves every figure.
            int[] episodeOf = new int[levels];
            for (int l = 0; l < levels; l++) {
                episodeOf[l] = l;
            }
            EpisodeBootstrap boot =
                    new EpisodeBootstrap(episodeOf, EpisodeBootstrap.RESAMPLES, seed);
            Map<String, Object> out =
                    figures(
                            model,
                            firstLevel,
                            levels,
                            steps,
                            options,
                            vsReal,
                            stillVsReal,
                            finalMatched,
                            finalStill,
                            codes,
                            ended,
                            boot);
            out.put("teacher_forced", forcedFigures(forced, boot));
            return out;
        }
    }

    /**
     * The dynamics' one-step prediction of the real frames: for each level, action and step, the
     * real frames so far (tokenised) and the action's code are given, every token of the next frame
     * is masked, and the arg-max of one pass is compared with the real next frame's tokens. Per
     * [level][action]: the share of tokens that differ from the previous frame's, the share of
     * those predicted right with the action's own code, the same with NOOP's code in its place, the
     * share of all tokens predicted right, the share of the changed ones whose new code is a near
     * neighbour of the old one in the codebook, and the share predicted as a near neighbour of the
     * right code; each averaged over the steps.
     */
    private static double[][][] teacherForced(
            WorldModel model,
            byte[][] prompts,
            byte[][][] real,
            int[] codes,
            int steps,
            int batch) {
        int levels = prompts.length;
        int a = codes.length;
        int s = model.config().imageSize();
        int frame = s * s * 3;
        int n = model.config().tokensPerFrame();
        int t1 = steps + 1;
        MaskGitDynamics dyn = model.dynamics();
        double[][][] out = new double[levels][a][6];
        int clips = levels * a;
        try (NDManager m = model.manager().newSubManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            // Cosine similarities between codes, and per code that of its NEAR_CODES-th nearest
            // (itself first): a code at least as similar is one of its near neighbours.
            NDArray vectors = model.tokenizer().quantizer().vectors(m);
            NDArray similarity = vectors.matMul(vectors.transpose());
            float[] sim = similarity.toFloatArray();
            int codeCount = (int) vectors.getShape().get(0);
            float[] near =
                    similarity
                            .sort(-1)
                            .get(new NDIndex(":, {}", -Math.min(NEAR_CODES, codeCount)))
                            .toFloatArray();
            for (int c0 = 0; c0 < clips; c0 += batch) {
                int b = Math.min(batch, clips - c0);
                try (NDManager bm = m.newSubManager();
                        KvCache cache =
                                new KvCache(bm, dyn.layers(), model.config().context() - 1)) {
                    byte[] video = new byte[b * t1 * frame];
                    long[] own = new long[b];
                    long[] noop = new long[b];
                    for (int i = 0; i < b; i++) {
                        int c = c0 + i;
                        System.arraycopy(prompts[c / a], 0, video, i * t1 * frame, frame);
                        System.arraycopy(
                                real[c / a][c % a], 0, video, (i * t1 + 1) * frame, steps * frame);
                        own[i] = 1 + codes[c % a];
                        noop[i] = 1 + codes[1];
                    }
                    NDArray v =
                            bm.create(
                                    ByteBuffer.wrap(video),
                                    new Shape(b, t1, s, s, 3),
                                    DataType.UINT8);
                    long[] z =
                            WorldModel.tokenize(
                                            model.tokenizer(),
                                            ps,
                                            v,
                                            model.config().tokenizerWindow())
                                    .toType(DataType.INT64, false)
                                    .toLongArray();
                    long[] first = new long[b * n];
                    for (int i = 0; i < b; i++) {
                        System.arraycopy(z, i * t1 * n, first, i * n, n);
                    }
                    dyn.fillCache(
                            ps,
                            bm.create(first, new Shape(b, 1, n)),
                            bm.zeros(new Shape(b, 1), DataType.INT64),
                            cache);
                    for (int t = 1; t < t1; t++) {
                        long[] predOwn;
                        long[] predNoop;
                        // Inputs made in the step's own manager, so that what the passes
                        // compute from them goes with it.
                        try (NDManager sm = bm.newSubManager()) {
                            NDArray masked = sm.full(new Shape(b, n), dyn.maskId(), DataType.INT64);
                            NDArray ownIds = sm.create(own);
                            NDArray noopIds = sm.create(noop);
                            predOwn =
                                    dyn.head(ps, dyn.stepFeatures(ps, masked, ownIds, cache, false))
                                            .argMax(-1)
                                            .toLongArray();
                            predNoop =
                                    dyn.head(
                                                    ps,
                                                    dyn.stepFeatures(
                                                            ps, masked, noopIds, cache, false))
                                            .argMax(-1)
                                            .toLongArray();
                            long[] next = new long[b * n];
                            for (int i = 0; i < b; i++) {
                                System.arraycopy(z, (i * t1 + t) * n, next, i * n, n);
                            }
                            dyn.stepFeatures(
                                    ps, sm.create(next, new Shape(b, n)), ownIds, cache, true);
                        }
                        for (int i = 0; i < b; i++) {
                            int c = c0 + i;
                            int changed = 0;
                            int hitOwn = 0;
                            int hitNoop = 0;
                            int hitAll = 0;
                            int nearOld = 0;
                            int nearOwn = 0;
                            for (int j = 0; j < n; j++) {
                                int now = (int) z[(i * t1 + t) * n + j];
                                int before = (int) z[(i * t1 + t - 1) * n + j];
                                int guess = (int) predOwn[i * n + j];
                                if (guess == now) {
                                    hitAll++;
                                }
                                if (now != before) {
                                    changed++;
                                    hitOwn += guess == now ? 1 : 0;
                                    hitNoop += predNoop[i * n + j] == now ? 1 : 0;
                                    nearOld +=
                                            sim[before * codeCount + now] >= near[before] ? 1 : 0;
                                    nearOwn += sim[now * codeCount + guess] >= near[now] ? 1 : 0;
                                }
                            }
                            double[] f = out[c / a][c % a];
                            f[0] += changed / (double) n / steps;
                            f[1] += changed == 0 ? 0 : hitOwn / (double) changed / steps;
                            f[2] += changed == 0 ? 0 : hitNoop / (double) changed / steps;
                            f[3] += hitAll / (double) n / steps;
                            f[4] += changed == 0 ? 0 : nearOld / (double) changed / steps;
                            f[5] += changed == 0 ? 0 : nearOwn / (double) changed / steps;
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Codes counted as near neighbours in the codebook: the nearest ten, the code included. */
    static final int NEAR_CODES = 10;

    private static Map<String, Object> forcedFigures(double[][][] forced, EpisodeBootstrap boot) {
        int levels = forced.length;
        String[] keys = {
            "changed_share",
            "changed_accuracy",
            "changed_accuracy_noop_code",
            "accuracy",
            "changed_new_code_near_old",
            "changed_prediction_near"
        };
        Map<String, Object> out = new LinkedHashMap<>();
        for (int k = 0; k < ACTIONS.length; k++) {
            Map<String, Object> per = new LinkedHashMap<>();
            for (int f = 0; f < keys.length; f++) {
                double[] v = new double[levels];
                for (int l = 0; l < levels; l++) {
                    v[l] = forced[l][k][f];
                }
                per.put(keys[f], withCi(boot, v));
            }
            out.put(NAMES[k], per);
        }
        out.put(
                "notes",
                "one-step prediction of the real frames, the real frames so far given: every token"
                        + " of the next frame masked, one pass, arg-max; changed_share: tokens"
                        + " that differ from the previous real frame's (copying the last frame"
                        + " gets 1 - changed_share of all tokens and none of these);"
                        + " changed_accuracy: of those, predicted right with the action's code;"
                        + " changed_accuracy_noop_code: with NOOP's code in its place;"
                        + " changed_new_code_near_old: of the changed tokens, those whose new code"
                        + " is one of the "
                        + NEAR_CODES
                        + " nearest to the old one in the tokenizer's codebook (cosine, the code"
                        + " itself included); changed_prediction_near: those predicted as one of"
                        + " the "
                        + NEAR_CODES
                        + " codes nearest to the right one, the right one included; means over"
                        + " steps, 95% bootstrap intervals over levels.");
        return out;
    }

    /**
     * Plays one level holding {@code action}, writes its frames after each step into {@code out}
     * and returns its first frame; counts in {@code ended[k]} an episode that ended early (its last
     * frame is then held).
     */
    @SuppressWarnings("unchecked")
    private static byte[] playReal(
            WorldModel model,
            long level,
            int action,
            int steps,
            int size,
            byte[] out,
            int[] ended,
            int k) {
        Map<String, Object> opts = new HashMap<>(model.envOptions());
        opts.put("start_level", (int) level);
        opts.put("num_levels", 1);
        int frame = size * size * 3;
        try (Env<Tensor, Integer> env = (Env<Tensor, Integer>) Envs.make(ENV, opts)) {
            byte[] first = env.reset(0L).observation().toByteArray();
            if (first.length != frame) {
                throw new IllegalArgumentException(
                        ENV
                                + " frames have "
                                + first.length
                                + " bytes, the model's "
                                + frame
                                + "; the model was trained on other frames");
            }
            byte[] last = first;
            boolean done = false;
            for (int t = 0; t < steps; t++) {
                if (!done) {
                    Step<Tensor> st = env.step(action);
                    last = st.observation().toByteArray();
                    done = st.terminated() || st.truncated();
                }
                System.arraycopy(last, 0, out, t * frame, frame);
            }
            if (done) {
                ended[k]++;
            }
            return first;
        }
    }

    private static Map<String, Object> figures(
            WorldModel model,
            long firstLevel,
            int levels,
            int steps,
            GenieWorld.Options options,
            double[][][] vsReal,
            double[][] stillVsReal,
            double[][] finalMatched,
            double[][] finalStill,
            int[] codes,
            int[] ended,
            EpisodeBootstrap boot) {
        int a = ACTIONS.length;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("env", ENV);
        out.put("env_options", model.envOptions());
        out.put("levels", levels);
        out.put("first_level", firstLevel);
        out.put("steps", steps);
        out.put("maskgit_steps", options.maskgitSteps());
        out.put("temperature", options.temperature());
        out.put("guidance", options.guidance());
        out.put("slide", options.slide());
        out.put("decoder_context", options.decoderContext());
        out.put("soft_decode", options.softDecode());
        out.put("actions", List.of(NAMES));
        List<Integer> codeList = new ArrayList<>();
        for (int c : codes) {
            codeList.add(c);
        }
        out.put("latent_codes", codeList);
        List<Integer> endedList = new ArrayList<>();
        for (int e : ended) {
            endedList.add(e);
        }
        out.put("real_episodes_ended_early", endedList);
        List<List<Double>> matrix = new ArrayList<>();
        for (int g = 0; g < a; g++) {
            List<Double> row = new ArrayList<>();
            for (int r = 0; r < a; r++) {
                double[] v = new double[levels];
                for (int l = 0; l < levels; l++) {
                    v[l] = vsReal[l][g][r];
                }
                row.add(WorldEval.round(EpisodeBootstrap.mean(v), 2));
            }
            matrix.add(row);
        }
        out.put("psnr_generated_vs_real", matrix);
        List<Double> still = new ArrayList<>();
        for (int r = 0; r < a; r++) {
            double[] v = new double[levels];
            for (int l = 0; l < levels; l++) {
                v[l] = stillVsReal[l][r];
            }
            still.add(WorldEval.round(EpisodeBootstrap.mean(v), 2));
        }
        out.put("psnr_still_vs_real", still);
        Map<String, Object> margin = new LinkedHashMap<>();
        Map<String, Object> marginFinal = new LinkedHashMap<>();
        Map<String, Object> lead = new LinkedHashMap<>();
        double[] leadAll = new double[levels];
        for (int g = 0; g < a; g++) {
            double[] m = new double[levels];
            double[] f = new double[levels];
            double[] d = new double[levels];
            for (int l = 0; l < levels; l++) {
                m[l] = vsReal[l][g][g] - stillVsReal[l][g];
                f[l] = finalMatched[l][g] - finalStill[l][g];
                double others = 0;
                for (int r = 0; r < a; r++) {
                    if (r != g) {
                        others += vsReal[l][g][r] / (a - 1);
                    }
                }
                d[l] = vsReal[l][g][g] - others;
                leadAll[l] += d[l] / a;
            }
            margin.put(NAMES[g], withCi(boot, m));
            marginFinal.put(NAMES[g], withCi(boot, f));
            lead.put(NAMES[g], withCi(boot, d));
        }
        out.put("margin_over_still_frame", margin);
        out.put("margin_over_still_frame_last_step", marginFinal);
        out.put("own_action_lead", lead);
        out.put("own_action_lead_mean", withCi(boot, leadAll));
        out.put(
                "notes",
                "PSNR in dB averaged over the steps; margin: generated frames under an action"
                        + " against the real frames under it, minus the prompt held still against"
                        + " them; own_action_lead: how much closer the frames generated under an"
                        + " action are to the real frames of that action than to those of the"
                        + " other two; its mean over the actions is 0 for a world that ignores"
                        + " its actions (and for the still frame); 95% percentile bootstrap"
                        + " intervals over levels.");
        return out;
    }

    private static Map<String, Object> withCi(EpisodeBootstrap boot, double[] v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mean", WorldEval.round(EpisodeBootstrap.mean(v), 2));
        m.put("ci95", WorldEval.ci(boot, v));
        return m;
    }
}
