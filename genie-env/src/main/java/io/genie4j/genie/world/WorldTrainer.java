package io.genie4j.genie.world;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genie4j.env.AtomicFiles;
import io.genie4j.genie.data.BatchLoader;
import io.genie4j.genie.data.VideoDataset;
import io.genie4j.genie.lam.LatentActions;
import io.genie4j.genie.metrics.ImageMetrics;
import io.genie4j.genie.nn.Patches;
import io.genie4j.genie.tokenizer.TokenizerTrainer;
import io.genie4j.genie.tokenizer.VideoTokenizer;
import io.genie4j.genie.train.AdamW;
import io.genie4j.genie.train.Checkpoints;
import io.genie4j.genie.train.TrainConfig;
import io.genie4j.genie.train.TrainListener;
import io.genie4j.genie.train.TrainLog;
import io.genie4j.genie.train.TrainingLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Co-trains the latent action model and the MaskGIT dynamics on top of a frozen tokenizer, as Genie
 * does: each step the LAM labels a batch of clips with latent actions and learns to reconstruct
 * their next frames, while the dynamics learns to fill in masked tokens of the same clips given
 * those actions (with gradients stopped between the two). The run directory holds a complete,
 * loadable world model ({@link WorldModel}) after every checkpoint, plus the optimiser state; a
 * stopped run resumes exactly.
 */
public final class WorldTrainer {

    static final String OPTIMIZER = "optimizer.params";
    static final String[] COLUMNS = {
        "step",
        "seconds",
        "lr",
        "loss",
        "lam_recon_mse",
        "lam_psnr",
        "dynamics_ce",
        "dynamics_accuracy",
        "changed_accuracy",
        "grad_norm",
        "frames_per_s",
        "action_perplexity",
        "contrast_loss",
        "contrast_accuracy"
    };

    private WorldTrainer() {}

    /**
     * Trains for at most {@code minutes} of wall time in this call (≤ 0 for no limit) or until the
     * config's step count, on the tokenizer in {@code tokenizerDir} (the shipped one if null). With
     * {@code resume}, the run directory's own configs and tokenizer are used and the other
     * arguments ignored; {@code model} may be null for the defaults for the tokenizer.
     */
    public static TrainingLoop.Result train(
            Path data,
            Path runDir,
            Path tokenizerDir,
            WorldConfig model,
            TrainConfig train,
            double minutes,
            boolean resume,
            TrainListener listener)
            throws IOException, InterruptedException {
        return train(data, runDir, tokenizerDir, null, model, train, minutes, resume, listener);
    }

    /**
     * As above; with {@code lamDir} (a {@code genie4j train lam} run) the dynamics is trained on
     * that frozen LAM v2's actions instead of co-training Genie's LAM, and the run keeps a copy of
     * it in {@link WorldModel#LAM_DIR}. A resumed run uses the LAM it started with.
     */
    public static TrainingLoop.Result train(
            Path data,
            Path runDir,
            Path tokenizerDir,
            Path lamDir,
            WorldConfig model,
            TrainConfig train,
            double minutes,
            boolean resume,
            TrainListener listener)
            throws IOException, InterruptedException {
        TrainingLoop.Start start = TrainingLoop.Start.NEW;
        ObjectNode resumed = null;
        if (resume) {
            resumed = Checkpoints.readModelJson(runDir, WorldModel.KIND);
            model = WorldModel.config(resumed, runDir.resolve("model.json").toString());
            train = Checkpoints.JSON.treeToValue(resumed.get("train_config"), TrainConfig.class);
            start = TrainingLoop.Start.of(resumed.path("training"));
        } else if (Files.exists(runDir.resolve("model.json"))) {
            throw new IllegalArgumentException(
                    runDir
                            + " already holds a model; pass --resume to continue it or choose"
                            + " another --out");
        }
        train.validate();
        try (NDManager base = NDManager.newBaseManager()) {
            Checkpoints.Source tokSource =
                    resume
                            ? Checkpoints.Source.of(runDir.resolve(WorldModel.TOKENIZER_DIR))
                            : tokenizerDir == null
                                    ? Checkpoints.Source.resource(VideoTokenizer.DEFAULT_RESOURCE)
                                    : Checkpoints.Source.of(tokenizerDir);
            VideoTokenizer tok = VideoTokenizer.load(tokSource, base);
            model = checkedConfig(model, train, tok);
            VideoDataset dataset =
                    VideoDataset.load(
                            data,
                            model.imageSize(),
                            train.validationFraction(),
                            train.maxEpisodes());
            Files.createDirectories(runDir);
            Path frozenDir = runDir.resolve(WorldModel.LAM_DIR);
            if (!resume) {
                copyParts(tokSource, lamDir, model, runDir);
            }
            Engine.getInstance().setRandomSeed((int) train.seed());
            boolean coTrained = !Files.exists(frozenDir.resolve("model.json"));
            LatentActionModel lam = coTrained ? new LatentActionModel(model) : null;
            MaskGitDynamics dyn = new MaskGitDynamics(model, tok.quantizer().dim());
            PairList<String, Parameter> params = new PairList<>();
            if (coTrained) {
                lam.initialize(base);
                params.addAll(lam.getParameters());
            }
            dyn.initialize(base);
            dyn.useCodebook(tok.quantizer(), base);
            params.addAll(dyn.getParameters());
            AdamW opt = new AdamW(base, params);
            // The action counts over the whole run when the LAM is frozen (a co-trained LAM's
            // quantiser keeps its own).
            long[] usage = new long[model.actions()];
            if (resume) {
                restore(runDir, resumed, lam, dyn, params, opt, usage, base, start, listener);
            }
            try (LatentActions frozen = coTrained ? null : LatentActions.load(frozenDir)) {
                if (frozen != null) {
                    WorldModel.checkLam(frozen, model, frozenDir.toString());
                }
                try (BatchLoader loader =
                        new BatchLoader(
                                dataset.train(),
                                train.batch(),
                                train.clipLength(),
                                train.frameStride(),
                                train.seed(),
                                start.step())) {
                    TrainLog log = new TrainLog(runDir, COLUMNS, start.step());
                    Run run =
                            new Run(
                                    runDir, tok, lam, frozen, usage, dyn, opt, model, train,
                                    dataset, base, log);
                    TrainingLoop.Result r =
                            TrainingLoop.run(
                                    "world model",
                                    train,
                                    loader,
                                    log,
                                    listener,
                                    run,
                                    start,
                                    minutes,
                                    (long) train.batch() * train.clipLength());
                    opt.close();
                    return r;
                }
            }
        }
    }

    /**
     * {@code model} (or the defaults for {@code tok} when null), checked against the tokenizer and
     * the training clips.
     */
    private static WorldConfig checkedConfig(
            WorldConfig model, TrainConfig train, VideoTokenizer tok) {
        if (model == null) {
            model = WorldConfig.defaults(tok.config());
        }
        model.validate();
        model.checkTokenizer(tok.config());
        if (train.actionContrast() > 0 && model.actions() < 2) {
            throw new IllegalArgumentException(
                    "actionContrast needs a world with at least 2 latent actions, this one has "
                            + model.actions()
                            + "; train without --action-contrast (or with --action-contrast 0)");
        }
        if (train.clipLength() > model.context() || train.clipLength() < 2) {
            throw new IllegalArgumentException(
                    "clips of "
                            + train.clipLength()
                            + " frames must be between 2 and the context of "
                            + model.context());
        }
        return model;
    }

    /**
     * A new run's copies of its tokenizer and, when the dynamics trains on a frozen LAM v2, of that
     * LAM (checked against {@code model} first).
     */
    private static void copyParts(
            Checkpoints.Source tokSource, Path lamDir, WorldConfig model, Path runDir)
            throws IOException {
        if (lamDir != null) {
            try (LatentActions check = LatentActions.load(lamDir)) {
                WorldModel.checkLam(check, model, lamDir.toString());
            }
        }
        Checkpoints.copy(
                tokSource,
                runDir.resolve(WorldModel.TOKENIZER_DIR),
                "model.json",
                TokenizerTrainer.PARAMS);
        if (lamDir != null) {
            Checkpoints.copy(
                    Checkpoints.Source.of(lamDir),
                    runDir.resolve(WorldModel.LAM_DIR),
                    "model.json",
                    LatentActions.PARAMS);
        }
    }

    /**
     * Loads a stopped run's weights, optimiser state (if saved) and action counts; {@code lam} is
     * null when the LAM is frozen, whose counts go to {@code usage}.
     */
    private static void restore(
            Path runDir,
            ObjectNode resumed,
            LatentActionModel lam,
            MaskGitDynamics dyn,
            PairList<String, Parameter> params,
            AdamW opt,
            long[] usage,
            NDManager base,
            TrainingLoop.Start start,
            TrainListener listener)
            throws IOException {
        if (lam != null) {
            Checkpoints.loadParameters(
                    lam, base, Checkpoints.Source.of(runDir), WorldModel.LAM_PARAMS);
        }
        boolean tieAdded = loadDynamics(runDir, dyn, base);
        // Loaded arrays replace the initialised ones and must collect gradients again.
        for (var p : params) {
            p.getValue().getArray().setRequiresGradient(true);
        }
        Path optimizer = runDir.resolve(OPTIMIZER);
        if (tieAdded) {
            listener.onNotice(
                    "the codebook tie is new to this run: continuing from its weights at step "
                            + start.step()
                            + " with the tie at zero and a fresh optimiser");
        } else if (Files.exists(optimizer)) {
            opt.decode(Files.readAllBytes(optimizer));
        } else {
            // A model saved without its optimiser (the shipped one, copied out, say): training
            // goes on from its weights and step with fresh moment estimates.
            listener.onNotice(
                    "no "
                            + OPTIMIZER
                            + " in "
                            + runDir
                            + ": continuing from the model's weights at step "
                            + start.step()
                            + " with a fresh optimiser");
        }
        long[] counts = Checkpoints.counts(resumed.path("training"), "action_usage", usage.length);
        if (counts != null && lam != null) {
            lam.quantizer().setUsage(counts);
        } else if (counts != null) {
            System.arraycopy(counts, 0, usage, 0, usage.length);
        }
    }

    /**
     * Loads the run's dynamics into {@code dyn}. A tied dynamics whose run was saved before the tie
     * was switched on ({@code train world --resume --codebook-tie}) takes the saved weights, and
     * its tie keeps its zero start; returns whether that happened.
     */
    private static boolean loadDynamics(Path runDir, MaskGitDynamics dyn, NDManager base)
            throws IOException {
        Checkpoints.Source source = Checkpoints.Source.of(runDir);
        try {
            Checkpoints.loadParameters(dyn, base, source, WorldModel.DYNAMICS_PARAMS);
            return false;
        } catch (IllegalArgumentException tiedFailed) {
            if (!dyn.tied()) {
                throw tiedFailed;
            }
            MaskGitDynamics untied = new MaskGitDynamics(dyn.config().withCodebookTie(false));
            untied.initialize(base);
            try {
                Checkpoints.loadParameters(untied, base, source, WorldModel.DYNAMICS_PARAMS);
            } catch (IllegalArgumentException e) {
                throw tiedFailed;
            }
            dyn.takeWeights(untied);
            return true;
        }
    }

    /**
     * One world-model run's steps: what a step optimises and logs, and what a checkpoint writes.
     */
    private static final class Run implements TrainingLoop.Steps<byte[]> {
        private final Path runDir;
        private final VideoTokenizer tok;
        private final LatentActionModel lam;
        private final LatentActions frozen;
        private final long[] usage;
        private final MaskGitDynamics dyn;
        private final AdamW opt;
        private final WorldConfig model;
        private final TrainConfig train;
        private final VideoDataset dataset;
        private final NDManager base;
        private final TrainLog log;
        private final ParameterStore ps;
        // The perplexity of the codes the LAM chose in each logging window: 1 when it has
        // collapsed onto one code, 8 when it spreads over all. (Counting the codes used since the
        // last dead-code reset hid a collapse: each reset revives the unused codes onto recent
        // inputs, so each catches a few.)
        private final long[] windowCodes;

        Run(
                Path runDir,
                VideoTokenizer tok,
                LatentActionModel lam,
                LatentActions frozen,
                long[] usage,
                MaskGitDynamics dyn,
                AdamW opt,
                WorldConfig model,
                TrainConfig train,
                VideoDataset dataset,
                NDManager base,
                TrainLog log) {
            this.runDir = runDir;
            this.tok = tok;
            this.lam = lam;
            this.frozen = frozen;
            this.usage = usage;
            this.dyn = dyn;
            this.opt = opt;
            this.model = model;
            this.train = train;
            this.dataset = dataset;
            this.base = base;
            this.log = log;
            this.ps = new ParameterStore(base, false);
            this.windowCodes = new long[model.actions()];
        }

        @Override
        public TrainingLoop.Figures step(byte[] batch, float lr, int step) {
            int b = train.batch();
            int t = train.clipLength();
            int s = model.imageSize();
            int n = model.tokensPerFrame();
            try (NDManager sm = base.newSubManager();
                    NDScope scope = new NDScope()) {
                NDArray video = Patches.video(sm, batch, b, t, s, s, 3);
                NDArray codes = WorldModel.tokenize(tok, ps, video, model.tokenizerWindow());
                NDArray targets = codes.reshape(b, t, n);
                NDArray mask =
                        sm.create(
                                MaskGit.trainingMask(
                                        new Random(train.seed() * 31L + step),
                                        b,
                                        t,
                                        n,
                                        train.visibleFrameShare()),
                                new Shape(b, t, n));
                NDArray maskLong = mask.toType(DataType.INT64, false);
                NDArray input = targets.mul(maskLong.neg().add(1)).add(maskLong.mul(dyn.maskId()));
                float[] figures;
                NDArray frozenActions = frozen == null ? null : frozen.infer(video);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    LatentActionModel.Output o =
                            lam == null ? null : lam.forward(ps, video, codes, true);
                    NDArray actions = o == null ? frozenActions : o.actions();
                    NDArray actionIds =
                            NDArrays.concat(
                                    new NDList(
                                            sm.zeros(new Shape(b, 1), DataType.INT64),
                                            actions.add(1)),
                                    1);
                    if (train.actionDropout() > 0) {
                        actionIds = actionIds.mul(keptActions(sm, step, b, t));
                    }
                    NDArray logits = dyn.logits(ps, input, actionIds, true);
                    NDArray[] ce = MaskGit.loss(logits, targets, mask, train.changedTokenBoost());
                    NDArray loss = o == null ? ce[0] : o.loss().add(ce[0]);
                    NDArray[] contrast = null;
                    if (train.actionContrast() > 0) {
                        NDArray others = otherActions(sm, step, actionIds, model.actions());
                        NDArray otherLogits = dyn.logits(ps, input, others, true);
                        contrast = MaskGit.actionContrast(logits, otherLogits, targets, mask);
                        loss = loss.add(contrast[0].mul(train.actionContrast()));
                    }
                    for (long a : actions.toLongArray()) {
                        windowCodes[(int) a]++;
                        usage[(int) a]++;
                    }
                    gc.backward(loss);
                    figures =
                            new float[] {
                                loss.getFloat(),
                                o == null ? Float.NaN : o.reconLoss().getFloat(),
                                ce[0].getFloat(),
                                ce[1].getFloat(),
                                ce[2].getFloat(),
                                contrast == null ? Float.NaN : contrast[1].getFloat(),
                                contrast == null ? Float.NaN : contrast[2].getFloat()
                            };
                }
                float norm = opt.step(lr, train.weightDecay(), train.gradClip());
                return new TrainingLoop.Figures(
                        figures[0],
                        norm,
                        opt.lastNonFinite(),
                        figures[0],
                        figures[1],
                        figures[2],
                        figures[3],
                        figures[4],
                        norm,
                        figures[5],
                        figures[6]);
            }
        }

        /**
         * Action ids {@code [b, t]} like {@code ids} (0 for "no action", else 1 + code) with every
         * frame that has an action given another of the {@code actions} codes, uniformly, from a
         * generator seeded by the step so a resumed run draws the same.
         */
        private NDArray otherActions(NDManager sm, int step, NDArray ids, int actions) {
            Random rng = new Random(train.seed() * 524287L + step);
            long[] id = ids.toLongArray();
            for (int i = 0; i < id.length; i++) {
                if (id[i] > 0) {
                    id[i] = 1 + (id[i] - 1 + 1 + rng.nextInt(actions - 1)) % actions;
                }
            }
            return sm.create(id, ids.getShape());
        }

        /**
         * A {@code [b, t]} int64 mask, 0 where a frame's action is dropped (shown as "no action"),
         * each frame independently with probability {@code actionDropout}, from a generator seeded
         * by the step so a resumed run drops the same.
         */
        private NDArray keptActions(NDManager sm, int step, int b, int t) {
            Random rng = new Random(train.seed() * 8191L + step);
            long[] keep = new long[b * t];
            for (int i = 0; i < keep.length; i++) {
                keep[i] = rng.nextDouble() < train.actionDropout() ? 0 : 1;
            }
            return sm.create(keep, new Shape(b, t));
        }

        @Override
        public void afterStep(int step) {
            if (lam != null && train.deadCodeEvery() > 0 && step % train.deadCodeEvery() == 0) {
                lam.quantizer().resetDeadCodes(new Random(train.seed() * 7919L + step));
            }
        }

        @Override
        public double[] row(int step, double elapsed, float lr, double[] m, double fps) {
            double perplexity = ImageMetrics.perplexity(windowCodes);
            Arrays.fill(windowCodes, 0);
            return new double[] {
                step,
                elapsed,
                lr,
                m[0],
                m[1],
                10 * Math.log10(4 / m[1]),
                m[2],
                m[3],
                m[4],
                m[5],
                fps,
                perplexity,
                m[6],
                m[7]
            };
        }

        @Override
        public void save(int step, double seconds, long frames) throws IOException {
            if (lam != null) {
                Checkpoints.saveParameters(lam, runDir.resolve(WorldModel.LAM_PARAMS));
            }
            Checkpoints.saveParameters(dyn, runDir.resolve(WorldModel.DYNAMICS_PARAMS));
            byte[] state = opt.encode();
            AtomicFiles.write(runDir.resolve(OPTIMIZER), out -> out.write(state));
            ObjectNode json =
                    Checkpoints.newRunJson(
                            WorldModel.KIND, model, train, step, seconds, frames, dataset);
            ObjectNode training = (ObjectNode) json.get("training");
            if (lam != null) {
                training.put("lam", "co-trained");
                training.put("lam_parameters", lam.parameterCount());
            } else {
                training.put("lam", "frozen LAM v2 in " + WorldModel.LAM_DIR + "/");
                JsonNode lt = frozen.json().path("training");
                training.put("lam_supervised", lt.path("supervised").asBoolean(false));
                training.put("lam_labelled_share", lt.path("labelled_share").asDouble(0));
            }
            training.put("dynamics_parameters", dyn.parameterCount());
            Checkpoints.putCounts(
                    training, "action_usage", lam != null ? lam.quantizer().usage() : usage);
            var rows = log.rows();
            if (!rows.isEmpty()) {
                double[] last = rows.get(rows.size() - 1);
                ObjectNode m = json.putObject("metrics");
                if (lam != null) {
                    m.put("train_lam_psnr", last[5]);
                }
                m.put("train_dynamics_ce", last[6]);
                m.put("train_dynamics_accuracy", last[7]);
                if (Double.isFinite(last[8])) {
                    m.put("train_dynamics_changed_accuracy", last[8]);
                }
                if (Double.isFinite(last[13])) {
                    m.put("train_action_contrast_accuracy", last[13]);
                }
            }
            Checkpoints.writeModelJson(runDir, json);
            log.flush(3);
            // A real-action table and event heads were fitted to the old weights: they go, and
            // are fitted again on a finished run (genie4j train actions, train events).
            for (String stale : new String[] {ActionTable.FILE, EventHeads.FILE}) {
                if (java.nio.file.Files.deleteIfExists(runDir.resolve(stale))) {
                    System.err.println(
                            "genie4j: "
                                    + runDir.resolve(stale)
                                    + " was fitted to earlier weights and is removed; fit it"
                                    + " again when training ends");
                }
            }
        }
    }
}
