package io.genie4j.genie.world;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.genie4j.genie.data.Clip;
import io.genie4j.genie.data.VideoDataset;
import io.genie4j.genie.metrics.EpisodeBootstrap;
import io.genie4j.genie.metrics.ImageMetrics;
import io.genie4j.genie.nn.KvCache;
import io.genie4j.genie.nn.Patches;
import io.genie4j.genie.tokenizer.VideoTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Evaluates a world model on held-out video:
 *
 * <ul>
 *   <li>rollout PSNR and SSIM of {@code horizon} generated frames after {@code context} real ones,
 *       playing the latent actions the LAM infers from the real clip (GenieRedux's protocol),
 *       averaged over frames and per step;
 *   <li>ΔtPSNR at step t (Genie §3): PSNR of the t-th generated frame with the inferred actions
 *       minus PSNR with uniformly random latent actions, from the same prompts and seeds; a model
 *       whose actions control it scores well above 0;
 *   <li>each generated step predicted once, teacher-forced, under every latent action: the
 *       cross-entropy of the true tokens and how much of it the inferred action saves, so that a
 *       world that ignores its action is told apart from one that mispredicts what changes;
 *   <li>the LAM's code usage on the clips;
 *   <li>the LAM decoder's own PSNR for each next frame given the inferred code and given a random
 *       one: a LAM whose codes carry nothing (collapse) scores the same with both;
 *   <li>when the episodes record real actions (CoinRun), how often each latent code co-occurs with
 *       each real action, and the mutual information between the two;
 *   <li>with the model's {@link ActionTable}, rollouts played with each clip's own real actions;
 *   <li>with the model's {@link EventHeads}, their AUROC, precision and recall on the episodes.
 * </ul>
 */
public final class WorldEval {

    /** The PSNR an identical frame counts as in the still-frame baseline. */
    static final double STILL_CAP = 60;

    /** Real frames each clip's rollout is prompted with. */
    static final int CONTEXT = 2;

    /** Frames generated per clip. */
    static final int HORIZON = 10;

    /** The generated step ΔtPSNR is read at (Genie's t = 4). */
    static final int DELTA_STEP = 4;

    private WorldEval() {}

    /**
     * Evaluates on up to {@code maxClips} clips of {@code context + horizon} frames spread over
     * {@code split}, {@code batch} at a time; ΔtPSNR at generated step {@code deltaStep}.
     */
    public static Map<String, Object> evaluate(
            WorldModel model,
            List<Clip.Source> split,
            int context,
            int horizon,
            int deltaStep,
            int maxClips,
            int batch,
            GenieWorld.Options options,
            long seed) {
        return score(model, split, context, horizon, deltaStep, maxClips, batch, options, seed)
                .summary(model, options, deltaStep, seed);
    }

    /**
     * {@link #score} with the command's clip shape: {@link #CONTEXT}, {@link #HORIZON}, {@link
     * #DELTA_STEP}.
     */
    private static Scores scoreClips(
            WorldModel model,
            List<Clip.Source> split,
            int maxClips,
            int batch,
            GenieWorld.Options options,
            long seed) {
        return score(model, split, CONTEXT, HORIZON, DELTA_STEP, maxClips, batch, options, seed);
    }

    private static Scores score(
            WorldModel model,
            List<Clip.Source> split,
            int context,
            int horizon,
            int deltaStep,
            int maxClips,
            int batch,
            GenieWorld.Options options,
            long seed) {
        if (context < 1 || horizon < 1 || deltaStep < 1 || deltaStep > horizon) {
            throw new IllegalArgumentException(
                    "need context ≥ 1, horizon ≥ 1 and 1 ≤ delta step ≤ horizon");
        }
        int length = context + horizon;
        if (length > model.config().context()) {
            throw new IllegalArgumentException(
                    length + " frames exceed the model's context of " + model.config().context());
        }
        List<Clip> clips = VideoDataset.spreadClips(split, length, maxClips);
        if (clips.isEmpty()) {
            throw new IllegalArgumentException("no episode has " + length + " frames");
        }
        Scores scores = new Scores(model, clips, context, horizon);
        scores.gameSkipped = GameReference.unplayable(clips);
        SplittableRandom random = new SplittableRandom(seed);
        // Its own stream, so that the game reference leaves every other figure as it was.
        SplittableRandom gameRandom = new SplittableRandom(seed ^ 0x6A4D45L);
        try (NDManager base = model.manager().newSubManager()) {
            ParameterStore ps = new ParameterStore(base, false);
            for (int i = 0; i < clips.size(); i += batch) {
                int n = Math.min(batch, clips.size() - i);
                byte[] video = Clip.frames(clips, i, n);
                Batch b = new Batch(i, n, video);
                long[] inferred = scoreLam(model, ps, base, b, scores, random);
                scores.countActions(clips, b, inferred);
                byte[] still;
                try (NDManager sm = base.newSubManager()) {
                    NDArray v = Patches.video(sm, video, n, length, scores.side, scores.side, 3);
                    still = stillRollout(model, ps, v, context, horizon);
                    NDArray codes = tokens(model, ps, v);
                    scores.scoreTokenizer(b, decodeFrom(model, ps, codes, context));
                    long[] ids = codes.toType(DataType.INT64, false).toLongArray();
                    scores.scoreChanges(b, ids);
                    scoreOneStep(model, ps, sm, b, ids, inferred, scores);
                }
                if (scores.gameSkipped == null) {
                    scoreGame(model, ps, base, b, clips, deltaStep, gameRandom, scores);
                }
                scoreRollouts(model, options, seed, b, inferred, still, scores);
                if (scores.realAt != null) {
                    scoreRealActions(model, options, seed, b, clips, scores);
                }
                scoreRandomActions(model, options, seed, b, deltaStep, random, scores);
            }
        }
        return scores;
    }

    /** One batch of clips: the first clip's index, how many, and their frames back to back. */
    private record Batch(int first, int n, byte[] video) {}

    /**
     * Everything measured, per clip where an interval needs it. The trivial baseline is a dynamics
     * that copies the last prompt frame's tokens, decoded as GenieWorld decodes (so it pays the
     * tokenizer's error, as the model does); should it ever equal the truth exactly, it counts as
     * {@link #STILL_CAP} dB rather than infinity.
     */
    private static final class Scores {
        final int side;
        final int context;
        final int horizon;
        final int length;
        final List<Clip> clips;
        final double[][] psnrAt;
        final double[][] stillAt;
        final double[] ssimOf;
        final double[] randomAtDelta;
        final long[] usage;
        final long[][] table;
        final int realActions;
        final ActionTable realTable;
        final double[][] realAt;
        final double[][] tokenizerAt;
        final double[][] changedAt;
        final int perFrame;
        final double[] gameRealAtDelta;
        final double[] gameRandomAtDelta;
        final double[] oneStepBits;
        final double[] oneStepMeanActionBits;
        final double[] oneStepBestActionBits;
        final long[] oneStepHits = new long[4];
        final int[] gameEnded = new int[1];
        String gameSkipped;
        double lamInferred;
        double lamRandom;

        Scores(WorldModel model, List<Clip> clips, int context, int horizon) {
            WorldConfig config = model.config();
            this.side = config.imageSize();
            int actions = config.actions();
            this.context = context;
            this.horizon = horizon;
            this.length = context + horizon;
            this.clips = clips;
            int count = clips.size();
            psnrAt = new double[horizon][count];
            stillAt = new double[horizon][count];
            ssimOf = new double[count];
            randomAtDelta = new double[count];
            tokenizerAt = new double[horizon][count];
            changedAt = new double[horizon][count];
            perFrame = config.tokensPerFrame();
            gameRealAtDelta = new double[count];
            gameRandomAtDelta = new double[count];
            oneStepBits = new double[count];
            oneStepMeanActionBits = new double[count];
            oneStepBestActionBits = new double[count];
            usage = new long[actions];
            int real = 0;
            for (Clip clip : clips) {
                for (int t = 0; t < length - 1; t++) {
                    real = Math.max(real, clip.source().action(clip.start() + t) + 1);
                }
            }
            realActions = real;
            table = new long[actions][Math.max(real, 0)];
            realTable = realTable(model, clips, length);
            realAt = realTable == null ? null : new double[horizon][count];
        }

        /**
         * The model's action table if it covers every real action of every clip, else null (no
         * table, or episodes of another game or without recorded actions).
         */
        private static ActionTable realTable(WorldModel model, List<Clip> clips, int length) {
            ActionTable t = model.actionTable();
            if (t == null) {
                return null;
            }
            for (Clip clip : clips) {
                for (int k = 0; k < length - 1; k++) {
                    int a = clip.source().action(clip.start() + k);
                    if (a < 0 || a >= t.size()) {
                        return null;
                    }
                }
            }
            return t;
        }

        int frameBytes() {
            return side * side * 3;
        }

        /** PSNR of each frame of a perfect dynamics ({@code frames [n, horizon]}). */
        void scoreTokenizer(Batch b, byte[] frames) {
            int fb = frameBytes();
            for (int j = 0; j < b.n(); j++) {
                for (int k = 0; k < horizon; k++) {
                    tokenizerAt[k][b.first() + j] =
                            Math.min(
                                    STILL_CAP,
                                    ImageMetrics.psnr(
                                            b.video(),
                                            (j * length + context + k) * fb,
                                            frames,
                                            (j * horizon + k) * fb,
                                            fb));
                }
            }
        }

        /** The share of true tokens that change at each step, from the clips' token ids. */
        void scoreChanges(Batch b, long[] codes) {
            double[][] shares = changedShares(codes, b.n(), context, horizon, perFrame);
            for (int k = 0; k < horizon; k++) {
                System.arraycopy(shares[k], 0, changedAt[k], b.first(), b.n());
            }
        }

        void countActions(List<Clip> clips, Batch b, long[] inferred) {
            for (int j = 0; j < b.n(); j++) {
                Clip clip = clips.get(b.first() + j);
                for (int t = 0; t < length - 1; t++) {
                    int a = (int) inferred[j * (length - 1) + t];
                    usage[a]++;
                    int real = clip.source().action(clip.start() + t);
                    if (real >= 0) {
                        table[a][real]++;
                    }
                }
            }
        }

        /** Bootstrap over the clips' episodes. */
        EpisodeBootstrap bootstrap(long seed) {
            Map<Clip.Source, Integer> episodeIndex = new IdentityHashMap<>();
            int[] episodeOf = new int[clips.size()];
            for (int i = 0; i < episodeOf.length; i++) {
                episodeOf[i] =
                        episodeIndex.computeIfAbsent(
                                clips.get(i).source(), x -> episodeIndex.size());
            }
            return new EpisodeBootstrap(episodeOf, EpisodeBootstrap.RESAMPLES, seed);
        }

        int episodes() {
            Set<Clip.Source> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            clips.forEach(c -> seen.add(c.source()));
            return seen.size();
        }

        /** Per clip: the mean over generated steps of {@code at [horizon][clips]}. */
        double[] meanOverSteps(double[][] at) {
            double[] out = new double[clips.size()];
            for (int k = 0; k < horizon; k++) {
                for (int i = 0; i < out.length; i++) {
                    out[i] += at[k][i] / horizon;
                }
            }
            return out;
        }

        /** Per clip: the rollout's margin over the still frame at step {@code k} (0-based). */
        double[] marginAt(int k) {
            return minus(psnrAt[k], stillAt[k]);
        }

        /** Per clip: the rollout's margin over the still frame, averaged over the steps. */
        double[] margin() {
            return minus(meanOverSteps(psnrAt), meanOverSteps(stillAt));
        }

        /** Per clip: ΔtPSNR at step {@code deltaStep}. */
        double[] delta(int deltaStep) {
            return minus(psnrAt[deltaStep - 1], randomAtDelta);
        }

        Map<String, Object> summary(
                WorldModel model, GenieWorld.Options options, int deltaStep, long seed) {
            int count = clips.size();
            EpisodeBootstrap boot = bootstrap(seed);
            double[] psnrOf = meanOverSteps(psnrAt);
            double[] stillOf = meanOverSteps(stillAt);
            List<Double> curve = perStep(psnrAt, 2);
            List<Double> stillCurve = perStep(stillAt, 2);
            List<Double> marginCurve = new ArrayList<>();
            List<List<Double>> marginCurveCi = new ArrayList<>();
            for (int k = 0; k < horizon; k++) {
                double[] margin = marginAt(k);
                marginCurve.add(round(EpisodeBootstrap.mean(margin), 2));
                marginCurveCi.add(ci(boot, margin));
            }
            double[] marginOf = margin();
            double[] deltaOf = delta(deltaStep);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("clips", count);
            json.put("clip_episodes", episodes());
            json.put("context_frames", context);
            json.put("generated_frames", horizon);
            json.put("maskgit_steps", options.maskgitSteps());
            json.put("slide", options.slide());
            json.put("decoder_context", options.decoderContext());
            json.put("temperature", options.temperature());
            json.put("guidance", options.guidance());
            json.put("soft_decode", options.softDecode());
            json.put(
                    "intervals",
                    "95% percentile bootstrap over episodes ("
                            + EpisodeBootstrap.RESAMPLES
                            + " resamples, paired across figures)");
            putMean(json, "rollout_psnr", boot, psnrOf, 2);
            json.put("rollout_ssim", round(EpisodeBootstrap.mean(ssimOf), 4));
            json.put("rollout_ssim_ci95", ci(boot, ssimOf));
            putMean(json, "still_frame_psnr", boot, stillOf, 2);
            putMean(json, "margin_over_still_frame", boot, marginOf, 2);
            json.put("psnr_per_step", curve);
            json.put("still_frame_psnr_per_step", stillCurve);
            json.put("margin_per_step", marginCurve);
            json.put("margin_per_step_ci95", marginCurveCi);
            json.put("delta_t", deltaStep);
            json.put(
                    "psnr_inferred_actions_at_t",
                    round(EpisodeBootstrap.mean(psnrAt[deltaStep - 1]), 2));
            json.put("psnr_random_actions_at_t", round(EpisodeBootstrap.mean(randomAtDelta), 2));
            putMean(json, "delta_psnr", boot, deltaOf, 2);
            List<Long> u = new ArrayList<>();
            for (long x : usage) {
                u.add(x);
            }
            json.put("latent_actions_used", ImageMetrics.used(usage));
            json.put("latent_action_counts", u);
            json.put("latent_action_perplexity", round(ImageMetrics.perplexity(usage), 2));
            if (model.lam() != null) {
                double transitions = (double) count * (length - 1);
                json.put("lam_psnr_inferred_actions", round(lamInferred / transitions, 2));
                json.put("lam_psnr_random_actions", round(lamRandom / transitions, 2));
                json.put("lam_delta_psnr", round((lamInferred - lamRandom) / transitions, 2));
            }
            if (realActions > 0) {
                putActionTable(json, table);
            }
            if (realAt != null) {
                putRealActions(json, boot, stillOf);
            }
            putReferences(json, boot, stillOf, deltaStep);
            putOneStep(json, boot);
            return json;
        }

        /**
         * What a perfect dynamics would score through this tokenizer (the ceiling of the margin),
         * and the real env's own ΔtPSNR on the same clips (the ceiling of ΔtPSNR).
         */
        private void putReferences(
                Map<String, Object> json, EpisodeBootstrap boot, double[] stillOf, int deltaStep) {
            double[] tokOf = meanOverSteps(tokenizerAt);
            double[] marginOf = minus(tokOf, stillOf);
            List<Double> marginCurve = new ArrayList<>();
            for (int k = 0; k < horizon; k++) {
                marginCurve.add(round(EpisodeBootstrap.mean(minus(tokenizerAt[k], stillAt[k])), 2));
            }
            Map<String, Object> p = new LinkedHashMap<>();
            p.put(
                    "what",
                    "a perfect dynamics: each clip's own frames tokenised and decoded as the"
                            + " world's are, the most any world with this tokenizer can score");
            putMean(p, "rollout_psnr", boot, tokOf, 2);
            putMean(p, "margin_over_still_frame", boot, marginOf, 2);
            p.put("margin_per_step", marginCurve);
            double[] changedOf = meanOverSteps(changedAt);
            List<Double> changedCurve = perStep(changedAt, 3);
            putMean(p, "tokens_changed_share", boot, changedOf, 3);
            p.put("tokens_changed_share_per_step", changedCurve);
            json.put("perfect_dynamics", p);
            Map<String, Object> g = new LinkedHashMap<>();
            g.put(
                    "what",
                    "the real env's own ΔtPSNR@"
                            + deltaStep
                            + ": each clip played again in the env it was recorded in, from its"
                            + " last prompt frame with the recorded actions and with uniformly"
                            + " random ones, both tokenised and decoded as the world's frames are;"
                            + " the ΔtPSNR a perfect world would reach on these clips");
            if (gameSkipped != null) {
                g.put("skipped", gameSkipped);
            } else {
                double[] deltaOf = minus(gameRealAtDelta, gameRandomAtDelta);
                g.put(
                        "psnr_recorded_actions_at_t",
                        round(EpisodeBootstrap.mean(gameRealAtDelta), 2));
                g.put(
                        "psnr_random_actions_at_t",
                        round(EpisodeBootstrap.mean(gameRandomAtDelta), 2));
                putMean(g, "delta_psnr", boot, deltaOf, 2);
                g.put("episodes_ended_before_t", gameEnded[0]);
            }
            json.put("game_delta_psnr", g);
        }

        /** Per clip: bits per frame the dynamics takes from the inferred action, teacher-forced. */
        double[] actionInformation() {
            return minus(oneStepMeanActionBits, oneStepBits);
        }

        /** The teacher-forced one-step figures of {@link #scoreOneStep}. */
        private void putOneStep(Map<String, Object> json, EpisodeBootstrap boot) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put(
                    "what",
                    "each generated step predicted once from the clip's true earlier tokens (all"
                            + " reached by the inferred actions) with the step's frame wholly"
                            + " masked, as MaskGIT's first iteration sees it; cross-entropy of the"
                            + " true tokens in bits per frame ("
                            + perFrame
                            + " tokens), with the inferred action, averaged over all latent"
                            + " actions, and with the best of them; action_information_bits is"
                            + " the second minus the first, what the world takes from the action");
            putMean(o, "bits_per_frame", boot, oneStepBits, 2);
            o.put(
                    "bits_per_frame_any_action",
                    round(EpisodeBootstrap.mean(oneStepMeanActionBits), 2));
            o.put(
                    "bits_per_frame_best_action",
                    round(EpisodeBootstrap.mean(oneStepBestActionBits), 2));
            double[] info = actionInformation();
            putMean(o, "action_information_bits", boot, info, 3);
            o.put(
                    "changed_token_accuracy",
                    round(oneStepHits[0] / (double) Math.max(1, oneStepHits[1]), 3));
            o.put(
                    "unchanged_token_accuracy",
                    round(oneStepHits[2] / (double) Math.max(1, oneStepHits[3]), 3));
            json.put("one_step", o);
        }

        /**
         * The rollouts played with the clips' own real actions through the model's action table:
         * what a game simulator is judged by.
         */
        private void putRealActions(
                Map<String, Object> json, EpisodeBootstrap boot, double[] stillOf) {
            double[] realOf = meanOverSteps(realAt);
            double[] marginOf = minus(realOf, stillOf);
            List<Double> curve = perStep(realAt, 2);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put(
                    "what",
                    "frames generated from the same prompts playing each clip's real actions, each"
                            + " mapped to a latent code by the model's "
                            + ActionTable.FILE
                            + " ("
                            + realTable.transitions()
                            + " labelled transitions, env "
                            + realTable.env()
                            + ")");
            putMean(r, "rollout_psnr", boot, realOf, 2);
            putMean(r, "margin_over_still_frame", boot, marginOf, 2);
            r.put("psnr_per_step", curve);
            json.put("real_actions", r);
        }
    }

    /**
     * The latent action of each transition of a batch's clips {@code [n * (length - 1)]}; for a
     * co-trained LAM, also its decoder's PSNR for each next frame given the inferred code and given
     * a random one (a LAM whose codes carry nothing scores the same with both). A frozen LAM v2's
     * own figures come from {@code eval lam}.
     */
    private static long[] scoreLam(
            WorldModel model,
            ParameterStore ps,
            NDManager base,
            Batch b,
            Scores scores,
            SplittableRandom random) {
        WorldConfig c = model.config();
        int s = scores.side;
        int fb = scores.frameBytes();
        int length = scores.length;
        try (NDManager sm = base.newSubManager()) {
            NDArray v = Patches.video(sm, b.video(), b.n(), length, s, s, 3);
            NDArray codes =
                    c.lamInput() == WorldConfig.LamInput.TOKENS
                            ? WorldModel.tokenize(model.tokenizer(), ps, v, c.tokenizerWindow())
                            : null;
            NDArray actions = model.actions().infer(ps, v, codes);
            long[] inferred = actions.toLongArray();
            long[] other = new long[inferred.length];
            for (int k = 0; k < other.length; k++) {
                other[k] = random.nextInt(c.actions());
            }
            if (model.lam() == null) {
                return inferred;
            }
            byte[] withInferred =
                    VideoTokenizer.toUint8(model.lam().predict(ps, v, codes, actions))
                            .toByteArray();
            NDArray random0 = sm.create(other, actions.getShape());
            byte[] withRandom =
                    VideoTokenizer.toUint8(model.lam().predict(ps, v, codes, random0))
                            .toByteArray();
            for (int j = 0; j < b.n(); j++) {
                for (int t = 0; t < length - 1; t++) {
                    int real = (j * length + t + 1) * fb;
                    int predicted = (j * (length - 1) + t) * fb;
                    scores.lamInferred +=
                            ImageMetrics.psnr(b.video(), real, withInferred, predicted, fb);
                    scores.lamRandom +=
                            ImageMetrics.psnr(b.video(), real, withRandom, predicted, fb);
                }
            }
            return inferred;
        }
    }

    /**
     * Teacher-forced one-step scores of a batch ({@link Scores#putOneStep}): for each generated
     * step, the dynamics attends to the clip's true tokens {@code codes} of every earlier frame,
     * each reached by its inferred action ({@code inferred}, as in training; the first frame by
     * none), and predicts the step's wholly masked frame under each latent action in turn.
     */
    private static void scoreOneStep(
            WorldModel model,
            ParameterStore ps,
            NDManager base,
            Batch b,
            long[] codes,
            long[] inferred,
            Scores scores) {
        MaskGitDynamics dyn = model.dynamics();
        int n = b.n();
        int per = scores.perFrame;
        int length = scores.length;
        int context = scores.context;
        int actions = model.config().actions();
        int vocab = model.config().codes();
        try (NDManager sm = base.newSubManager();
                KvCache cache = new KvCache(sm, dyn.layers(), model.config().context() - 1)) {
            dyn.fillCache(
                    ps,
                    sm.create(
                            frames(codes, n, length, per, 0, context), new Shape(n, context, per)),
                    sm.create(actionIds(inferred, n, length, 0, context), new Shape(n, context)),
                    cache);
            for (int k = 0; k < scores.horizon; k++) {
                int t = context + k;
                long[] truth = frames(codes, n, length, per, t, 1);
                int[] own = new int[n]; // each clip's inferred action into frame t
                for (int j = 0; j < n; j++) {
                    own[j] = (int) inferred[j * (length - 1) + t - 1];
                }
                double[][] bits = new double[actions][n];
                long[] guess = new long[n * per];
                try (NDManager km = sm.newSubManager()) {
                    NDArray masked = km.full(new Shape(n, per), dyn.maskId(), DataType.INT64);
                    for (int a = 0; a < actions; a++) {
                        NDArray ids = km.full(new Shape(n), 1 + a, DataType.INT64);
                        float[] logp =
                                dyn.head(ps, dyn.stepFeatures(ps, masked, ids, cache, false))
                                        .logSoftmax(-1)
                                        .toFloatArray();
                        for (int j = 0; j < n; j++) {
                            for (int p = 0; p < per; p++) {
                                int row = (j * per + p) * vocab;
                                bits[a][j] -= logp[row + (int) truth[j * per + p]] / Math.log(2);
                                if (own[j] == a) {
                                    guess[j * per + p] = argMax(logp, row, vocab);
                                }
                            }
                        }
                    }
                    dyn.stepFeatures(
                            ps,
                            km.create(truth, new Shape(n, per)),
                            km.create(actionIds(inferred, n, length, t, 1)),
                            cache,
                            true);
                }
                for (int j = 0; j < n; j++) {
                    int clip = b.first() + j;
                    double sum = 0;
                    double best = Double.MAX_VALUE;
                    for (int a = 0; a < actions; a++) {
                        sum += bits[a][j];
                        best = Math.min(best, bits[a][j]);
                    }
                    scores.oneStepBits[clip] += bits[own[j]][j] / scores.horizon;
                    scores.oneStepMeanActionBits[clip] += sum / actions / scores.horizon;
                    scores.oneStepBestActionBits[clip] += best / scores.horizon;
                    for (int p = 0; p < per; p++) {
                        long now = truth[j * per + p];
                        boolean changed = now != codes[((j * length) + t - 1) * per + p];
                        int slot = changed ? 0 : 2;
                        scores.oneStepHits[slot] += guess[j * per + p] == now ? 1 : 0;
                        scores.oneStepHits[slot + 1]++;
                    }
                }
            }
        }
    }

    /** Token ids of frames {@code from..from+count-1} of each of {@code n} clips, back to back. */
    private static long[] frames(long[] codes, int n, int length, int per, int from, int count) {
        long[] out = new long[n * count * per];
        for (int j = 0; j < n; j++) {
            System.arraycopy(codes, (j * length + from) * per, out, j * count * per, count * per);
        }
        return out;
    }

    /**
     * Dynamics action ids of frames {@code from..from+count-1} of each of {@code n} clips: 0 for a
     * clip's first frame, else 1 + the inferred action of the transition into the frame.
     */
    private static long[] actionIds(long[] inferred, int n, int length, int from, int count) {
        long[] out = new long[n * count];
        for (int j = 0; j < n; j++) {
            for (int f = from; f < from + count; f++) {
                out[j * count + f - from] = f == 0 ? 0 : 1 + inferred[j * (length - 1) + f - 1];
            }
        }
        return out;
    }

    private static int argMax(float[] x, int from, int count) {
        int best = 0;
        for (int i = 1; i < count; i++) {
            if (x[from + i] > x[from + best]) {
                best = i;
            }
        }
        return best;
    }

    /** The first {@code context} frames of each clip of a batch, back to back. */
    private static byte[] prompt(Batch b, Scores scores) {
        int fb = scores.frameBytes();
        byte[] prompt = new byte[b.n() * scores.context * fb];
        for (int j = 0; j < b.n(); j++) {
            System.arraycopy(
                    b.video(),
                    j * scores.length * fb,
                    prompt,
                    j * scores.context * fb,
                    scores.context * fb);
        }
        return prompt;
    }

    private static long[] seeds(long seed, Batch b) {
        long[] seeds = new long[b.n()];
        for (int j = 0; j < b.n(); j++) {
            seeds[j] = seed + b.first() + j;
        }
        return seeds;
    }

    /**
     * PSNR and SSIM of each generated frame played with the inferred actions (GenieRedux's
     * protocol), and of the still-frame baseline's.
     */
    private static void scoreRollouts(
            WorldModel model,
            GenieWorld.Options options,
            long seed,
            Batch b,
            long[] inferred,
            byte[] still,
            Scores scores) {
        int fb = scores.frameBytes();
        int s = scores.side;
        int n = b.n();
        int length = scores.length;
        int context = scores.context;
        try (GenieWorld w = new GenieWorld(model, n, options)) {
            w.reset(prompt(b, scores), context, seeds(seed, b));
            for (int k = 0; k < scores.horizon; k++) {
                int[] acts = new int[n];
                for (int j = 0; j < n; j++) {
                    // Transition (context-1+k) -> (context+k) of clip j.
                    acts[j] = (int) inferred[j * (length - 1) + context - 1 + k];
                }
                byte[] frames = w.step(acts);
                for (int j = 0; j < n; j++) {
                    int real = (j * length + context + k) * fb;
                    int clip = b.first() + j;
                    scores.psnrAt[k][clip] = ImageMetrics.psnr(b.video(), real, frames, j * fb, fb);
                    scores.ssimOf[clip] +=
                            ImageMetrics.ssim(b.video(), real, frames, j * fb, s, s)
                                    / scores.horizon;
                    scores.stillAt[k][clip] =
                            Math.min(
                                    STILL_CAP,
                                    ImageMetrics.psnr(
                                            b.video(),
                                            real,
                                            still,
                                            (j * scores.horizon + k) * fb,
                                            fb));
                }
            }
        }
    }

    /**
     * PSNR of each generated frame played with the clips' real actions through the model's action
     * table, from the same prompts and seeds as the inferred-action rollouts.
     */
    private static void scoreRealActions(
            WorldModel model,
            GenieWorld.Options options,
            long seed,
            Batch b,
            List<Clip> clips,
            Scores scores) {
        int fb = scores.frameBytes();
        int n = b.n();
        try (GenieWorld w = new GenieWorld(model, n, options)) {
            w.reset(prompt(b, scores), scores.context, seeds(seed, b));
            for (int k = 0; k < scores.horizon; k++) {
                int[] acts = new int[n];
                for (int j = 0; j < n; j++) {
                    Clip clip = clips.get(b.first() + j);
                    int real = clip.source().action(clip.start() + scores.context - 1 + k);
                    acts[j] = scores.realTable.code(real);
                }
                byte[] frames = w.step(acts);
                for (int j = 0; j < n; j++) {
                    int real = (j * scores.length + scores.context + k) * fb;
                    scores.realAt[k][b.first() + j] =
                            ImageMetrics.psnr(b.video(), real, frames, j * fb, fb);
                }
            }
        }
    }

    /**
     * The real env's ΔtPSNR through the model's tokenizer ({@link GameReference}): the recorded
     * frames and the env's frames under uniformly random actions, each tokenised and decoded after
     * the same prompt, scored at step {@code deltaStep} against the recorded frame.
     */
    private static void scoreGame(
            WorldModel model,
            ParameterStore ps,
            NDManager base,
            Batch b,
            List<Clip> clips,
            int deltaStep,
            SplittableRandom random,
            Scores scores) {
        int fb = scores.frameBytes();
        int n = b.n();
        int length = scores.context + deltaStep;
        byte[] alt;
        try {
            alt =
                    GameReference.randomActionVideo(
                            clips,
                            b.first(),
                            n,
                            scores.context,
                            deltaStep,
                            random,
                            scores.gameEnded);
        } catch (GameReference.ReplayMismatch e) {
            scores.gameSkipped = e.getMessage();
            return;
        }
        byte[] recorded = new byte[n * length * fb];
        for (int j = 0; j < n; j++) {
            System.arraycopy(
                    b.video(), j * scores.length * fb, recorded, j * length * fb, length * fb);
        }
        try (NDManager sm = base.newSubManager()) {
            int s = scores.side;
            byte[] real =
                    tokenizerRollout(
                            model,
                            ps,
                            Patches.video(sm, recorded, n, length, s, s, 3),
                            scores.context);
            byte[] random0 =
                    tokenizerRollout(
                            model, ps, Patches.video(sm, alt, n, length, s, s, 3), scores.context);
            for (int j = 0; j < n; j++) {
                int truth = (j * length + length - 1) * fb;
                int at = (j * deltaStep + deltaStep - 1) * fb;
                scores.gameRealAtDelta[b.first() + j] =
                        Math.min(STILL_CAP, ImageMetrics.psnr(recorded, truth, real, at, fb));
                scores.gameRandomAtDelta[b.first() + j] =
                        Math.min(STILL_CAP, ImageMetrics.psnr(recorded, truth, random0, at, fb));
            }
        }
    }

    /**
     * PSNR of the {@code deltaStep}-th frame generated with uniformly random latent actions from
     * the same prompts and seeds: the other half of ΔtPSNR (Genie §3).
     */
    private static void scoreRandomActions(
            WorldModel model,
            GenieWorld.Options options,
            long seed,
            Batch b,
            int deltaStep,
            SplittableRandom random,
            Scores scores) {
        int fb = scores.frameBytes();
        int n = b.n();
        try (GenieWorld w = new GenieWorld(model, n, options)) {
            w.reset(prompt(b, scores), scores.context, seeds(seed, b));
            byte[] frames = null;
            for (int k = 0; k < deltaStep; k++) {
                int[] acts = new int[n];
                for (int j = 0; j < n; j++) {
                    acts[j] = random.nextInt(model.config().actions());
                }
                frames = w.step(acts);
            }
            for (int j = 0; j < n; j++) {
                int real = (j * scores.length + scores.context + deltaStep - 1) * fb;
                scores.randomAtDelta[b.first() + j] =
                        ImageMetrics.psnr(b.video(), real, frames, j * fb, fb);
            }
        }
    }

    /**
     * How often each latent code co-occurs with each real action, and the mutual information
     * between the two (with a warning when the table is too sparse for the plug-in figure).
     */
    private static void putActionTable(Map<String, Object> json, long[][] table) {
        json.put(
                "latent_real_action_mutual_information_bits",
                round(ImageMetrics.mutualInformationBits(table), 3));
        json.put(
                "latent_real_action_mutual_information_bits_corrected",
                round(ImageMetrics.mutualInformationBitsCorrected(table), 3));
        long labelled = Arrays.stream(table).flatMapToLong(Arrays::stream).sum();
        json.put("latent_real_action_transitions", labelled);
        long cells = (long) table.length * table[0].length;
        if (labelled < 10 * cells) {
            String warning =
                    "only "
                            + labelled
                            + " labelled transitions for a "
                            + table.length
                            + "x"
                            + table[0].length
                            + " code-by-action table: the plug-in mutual information is biased"
                            + " upward; read the corrected figure, and evaluate on more"
                            + " episodes (--all-episodes, --clips) for a stable one";
            json.put("latent_real_action_mutual_information_warning", warning);
            System.err.println("genie4j: warning: " + warning);
        }
        List<List<Long>> rows = new ArrayList<>();
        for (long[] row : table) {
            List<Long> r = new ArrayList<>();
            for (long x : row) {
                r.add(x);
            }
            rows.add(r);
        }
        json.put("latent_by_real_action", rows);
    }

    /**
     * Loads the world model in {@code modelDir} (the shipped one if null) and evaluates it on the
     * validation split of each of {@code data}, split as its training run split it, or on every
     * episode when {@code allEpisodes} (datasets recorded apart from training), all pooled.
     */
    public static Map<String, Object> evaluate(
            Path modelDir,
            List<Path> data,
            boolean allEpisodes,
            int maxClips,
            int batch,
            GenieWorld.Options options,
            long seed)
            throws IOException {
        return compare(modelDir, null, data, allEpisodes, maxClips, batch, options, seed);
    }

    /**
     * {@link #evaluate(Path, List, boolean, int, int, GenieWorld.Options, long)}, and when {@code
     * againstDir} is not null the same for that model on the same clips, prompts and seeds, under
     * {@code "against"}, with the differences (this model minus that one) clip by clip under {@code
     * "difference"}: their bootstrap intervals are paired, so an A/B of two training runs is read
     * at once, narrower than the two models' own intervals suggest.
     */
    public static Map<String, Object> compare(
            Path modelDir,
            Path againstDir,
            List<Path> data,
            boolean allEpisodes,
            int maxClips,
            int batch,
            GenieWorld.Options options,
            long seed)
            throws IOException {
        Map<String, Object> json;
        List<Map<String, Object>> sets = new ArrayList<>();
        List<Clip.Source> split;
        Scores scores;
        try (WorldModel model = WorldModel.load(modelDir)) {
            split = split(model, data, allEpisodes, sets);
            scores = scoreClips(model, split, maxClips, batch, options, seed);
            json = scores.summary(model, options, DELTA_STEP, seed);
            json.put("episodes", split.size());
            json.put("sets", sets);
            if (model.eventHeads() != null && split.stream().anyMatch(e -> e.rewards() != null)) {
                Map<String, Object> events =
                        EventSamples.collect(model, split, CONTEXT, seed, batch)
                                .score(model.eventHeads());
                events.put(
                        "what",
                        "the event heads on each episode's last clip and 2 random ones, weighted"
                                + " to whole episodes");
                json.put("events", events);
            }
            if (againstDir == null) {
                return json;
            }
            int size = model.config().imageSize();
            try (WorldModel other = WorldModel.load(againstDir)) {
                if (other.config().imageSize() != size) {
                    throw new IllegalArgumentException(
                            againstDir
                                    + " makes "
                                    + other.config().imageSize()
                                    + "-pixel frames, the model compared with it "
                                    + size
                                    + "; compare models of one frame size");
                }
                Scores theirs = scoreClips(other, split, maxClips, batch, options, seed);
                Map<String, Object> against = theirs.summary(other, options, DELTA_STEP, seed);
                against.put("model", againstDir.toAbsolutePath().toString());
                json.put("against", against);
                json.put("difference", difference(scores, theirs, DELTA_STEP, seed));
            }
        }
        return json;
    }

    /** The clip-by-clip differences of two models' scores on the same clips, paired. */
    private static Map<String, Object> difference(Scores a, Scores b, int deltaStep, long seed) {
        EpisodeBootstrap boot = a.bootstrap(seed);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put(
                "what",
                "this model minus --against, clip by clip on the same clips, prompts and seeds; 95%"
                        + " intervals from a bootstrap over episodes of the paired differences");
        double[] psnr = minus(a.meanOverSteps(a.psnrAt), b.meanOverSteps(b.psnrAt));
        putMean(d, "rollout_psnr", boot, psnr, 2);
        double[] margin = minus(a.margin(), b.margin());
        putMean(d, "margin_over_still_frame", boot, margin, 2);
        List<Double> curve = new ArrayList<>();
        List<List<Double>> curveCi = new ArrayList<>();
        for (int k = 0; k < a.horizon; k++) {
            double[] m = minus(a.marginAt(k), b.marginAt(k));
            curve.add(round(EpisodeBootstrap.mean(m), 2));
            curveCi.add(ci(boot, m));
        }
        d.put("margin_per_step", curve);
        d.put("margin_per_step_ci95", curveCi);
        double[] delta = minus(a.delta(deltaStep), b.delta(deltaStep));
        putMean(d, "delta_psnr", boot, delta, 2);
        double[] bits = minus(a.oneStepBits, b.oneStepBits);
        putMean(d, "one_step_bits_per_frame", boot, bits, 2);
        double[] info = minus(a.actionInformation(), b.actionInformation());
        putMean(d, "action_information_bits", boot, info, 3);
        return d;
    }

    private static double[] minus(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] - b[i];
        }
        return out;
    }

    /**
     * The episodes {@code model} is evaluated on: each dataset's validation split as the model's
     * training run split it, or all its episodes; {@code sets} gets a line per dataset.
     */
    private static List<Clip.Source> split(
            WorldModel model, List<Path> data, boolean allEpisodes, List<Map<String, Object>> sets)
            throws IOException {
        var train = model.json().path("train_config");
        double fraction = allEpisodes ? 0 : train.path("validationFraction").asDouble(0.05);
        int maxEpisodes = allEpisodes ? 0 : train.path("maxEpisodes").asInt(0);
        List<Clip.Source> split = new ArrayList<>();
        for (Path d : data) {
            VideoDataset ds =
                    VideoDataset.load(d, model.config().imageSize(), fraction, maxEpisodes);
            List<Clip.Source> part = allEpisodes ? ds.train() : ds.validation();
            if (part.isEmpty()) {
                throw new IllegalArgumentException(
                        d + " has no validation episodes; pass --all-episodes");
            }
            split.addAll(part);
            Map<String, Object> set = new LinkedHashMap<>();
            set.put("data", d.toAbsolutePath().toString());
            set.put("episodes", part.size());
            sets.add(set);
        }
        return split;
    }

    /**
     * Frames {@code [n, horizon]} (uint8 bytes) of the still baseline: the tokens of the last of
     * the first {@code context} frames of {@code video}, repeated and decoded after the prompt.
     */
    private static byte[] stillRollout(
            WorldModel model, ParameterStore ps, NDArray video, int context, int horizon) {
        NDArray prompt = video.get(new NDIndex(":, 0:{}", context));
        NDArray codes =
                WorldModel.tokenize(
                        model.tokenizer(), ps, prompt, model.config().tokenizerWindow());
        NDArray last = codes.get(new NDIndex(":, {}:{}", context - 1, context));
        NDList parts = new NDList(codes);
        for (int k = 0; k < horizon; k++) {
            parts.add(last);
        }
        return decodeFrom(model, ps, NDArrays.concat(parts, 1), context);
    }

    /**
     * Frames {@code [n, T - context]} (uint8 bytes) of a perfect dynamics: each of {@code video}'s
     * {@code T} frames tokenised and decoded after the first {@code context}, as the still
     * baseline's are. What the tokenizer lets any world reach.
     */
    private static byte[] tokenizerRollout(
            WorldModel model, ParameterStore ps, NDArray video, int context) {
        return decodeFrom(model, ps, tokens(model, ps, video), context);
    }

    /** The token ids of {@code video [n, T, ...]}, tokenised as the dynamics is trained on them. */
    private static NDArray tokens(WorldModel model, ParameterStore ps, NDArray video) {
        return WorldModel.tokenize(model.tokenizer(), ps, video, model.config().tokenizerWindow());
    }

    /**
     * The share of each generated step's true tokens that differ from the same positions' tokens
     * one frame before: {@code [horizon][n]} from the token ids {@code codes} of {@code n} clips of
     * {@code context + horizon} frames of {@code perFrame} tokens, back to back. What a dynamics
     * must change at each step, where copying the last frame's tokens is right elsewhere.
     */
    static double[][] changedShares(long[] codes, int n, int context, int horizon, int perFrame) {
        int length = context + horizon;
        if (codes.length != (long) n * length * perFrame) {
            throw new IllegalArgumentException(
                    codes.length + " token ids for " + n + " clips of " + length + " frames");
        }
        double[][] out = new double[horizon][n];
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < horizon; k++) {
                int now = (j * length + context + k) * perFrame;
                int changed = 0;
                for (int p = 0; p < perFrame; p++) {
                    if (codes[now + p] != codes[now - perFrame + p]) {
                        changed++;
                    }
                }
                out[k][j] = changed / (double) perFrame;
            }
        }
        return out;
    }

    /**
     * Frames {@code from ..} of token video {@code codes} ({@code [n, T, ...]}) decoded, each after
     * the frames of the decoder's window before it: uint8 bytes {@code [n, T - from]}.
     */
    private static byte[] decodeFrom(WorldModel model, ParameterStore ps, NDArray codes, int from) {
        VideoTokenizer tok = model.tokenizer();
        int window = tok.config().maxFrames();
        int t = (int) codes.getShape().get(1);
        if (t <= window) {
            NDArray frames = tok.decode(ps, codes);
            return VideoTokenizer.toUint8(frames.get(new NDIndex(":, {}:", from))).toByteArray();
        }
        NDList out = new NDList();
        for (int f = from; f < t; f++) {
            int first = Math.max(0, f - window + 1);
            NDArray frames = tok.decode(ps, codes.get(new NDIndex(":, {}:{}", first, f + 1)));
            out.add(frames.get(new NDIndex(":, -1:")));
        }
        return VideoTokenizer.toUint8(NDArrays.concat(out, 1)).toByteArray();
    }

    /** The mean over clips of each step of {@code at [steps][clips]}, rounded. */
    static List<Double> perStep(double[][] at, int digits) {
        List<Double> curve = new ArrayList<>();
        for (double[] step : at) {
            curve.add(round(EpisodeBootstrap.mean(step), digits));
        }
        return curve;
    }

    /**
     * Puts under {@code key} the mean of {@code values} and under {@code key_ci95} its bootstrap
     * 95% interval, both rounded to {@code digits} decimals.
     */
    static void putMean(
            Map<String, Object> json,
            String key,
            EpisodeBootstrap boot,
            double[] values,
            int digits) {
        json.put(key, round(EpisodeBootstrap.mean(values), digits));
        json.put(key + "_ci95", ci(boot, values, digits));
    }

    /** The 95% interval of the mean of {@code values}, rounded to 2 decimals. */
    static List<Double> ci(EpisodeBootstrap boot, double[] values) {
        return ci(boot, values, 2);
    }

    /** The 95% interval of the mean of {@code values}, rounded to {@code digits} decimals. */
    static List<Double> ci(EpisodeBootstrap boot, double[] values, int digits) {
        double[] c = boot.ci95(values);
        return List.of(round(c[0], digits), round(c[1], digits));
    }

    static double round(double x, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(x * f) / f;
    }
}
