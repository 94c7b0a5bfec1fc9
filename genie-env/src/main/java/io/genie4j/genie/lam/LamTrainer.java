package io.genie4j.genie.lam;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genie4j.env.AtomicFiles;
import io.genie4j.genie.data.Clip;
import io.genie4j.genie.data.VideoDataset;
import io.genie4j.genie.metrics.ImageMetrics;
import io.genie4j.genie.nn.Patches;
import io.genie4j.genie.train.AdamW;
import io.genie4j.genie.train.Checkpoints;
import io.genie4j.genie.train.TrainConfig;
import io.genie4j.genie.train.TrainListener;
import io.genie4j.genie.train.TrainLog;
import io.genie4j.genie.train.TrainingLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Trains a {@link ConvLatentActionModel} on the transitions of one or more directories of {@code
 * .npz} episodes (say, random play and expert video). Every checkpoint refits the discrete actions
 * (the quantiser's codes, or k-means over the latents of a fixed sample of training transitions for
 * the continuous bottleneck) and writes a complete, loadable LAM ({@link LatentActions}) with
 * {@code train.csv} and {@code loss.png}; a stopped run resumes exactly.
 */
public final class LamTrainer {
    static final String OPTIMIZER = "optimizer.params";
    static final String[] COLUMNS = {
        "step",
        "seconds",
        "lr",
        "loss",
        "recon_mse",
        "still_mse",
        "label_ce",
        "label_accuracy",
        "grad_norm",
        "transitions_per_s",
        "latent_std",
        "code_perplexity"
    };
    private static final int KMEANS_SAMPLE = 2048;

    private LamTrainer() {}

    /** The training defaults for this machine: 32 transitions a step, 6000 steps. */
    public static TrainConfig defaults() {
        return new TrainConfig(
                32, 3, 1, 5e-4f, 5e-5f, 200, 6000, 0.01f, 1.0f, 1, 250, 25, 100, 0.05, 0, 0f, 0f,
                0f, 0f);
    }

    /**
     * Trains for at most {@code minutes} of wall time in this call (≤ 0 for no limit) or until the
     * config's step count. With {@code resume}, {@code data}, {@code model} and {@code train} are
     * read from the run directory.
     */
    /**
     * The training batches from step {@code step} on. With a small labelled share, a quarter more
     * transitions in each batch come from it, so every step sees some labels (about 1 in 20
     * transitions of a 5% share would otherwise).
     */
    private static Transitions batches(
            LamConfig config, TrainConfig train, Transitions.Sources sources, int step) {
        int b = train.batch();
        boolean switchOn =
                config.objective() == LamConfig.Objective.RECONSTRUCT && config.labelledShare() > 0;
        return new Transitions(
                sources.episodes(),
                sources.labelSource(),
                config.objective() == LamConfig.Objective.LABELS ? 1.0 : config.labelledShare(),
                b,
                switchOn ? Math.max(1, b / 4) : 0,
                train.seed(),
                step);
    }

    /**
     * Without a trained quantiser, the fixed sample k-means fits the actions on at every
     * checkpoint; null with one.
     */
    private static Transitions.Batch kmeansSample(
            LamConfig config, TrainConfig train, Transitions.Sources sources) {
        boolean quantised =
                config.bottleneck() == LamConfig.Bottleneck.VQ
                        && config.objective() == LamConfig.Objective.RECONSTRUCT;
        if (quantised) {
            return null;
        }
        return new Transitions(
                        sources.episodes(),
                        sources.labelSource(),
                        0,
                        KMEANS_SAMPLE,
                        train.seed() + 17,
                        0)
                .next();
    }

    public static TrainingLoop.Result train(
            List<Path> data,
            Path runDir,
            LamConfig model,
            TrainConfig train,
            double minutes,
            boolean resume,
            TrainListener listener)
            throws IOException, InterruptedException {
        TrainingLoop.Start start = TrainingLoop.Start.NEW;
        if (resume) {
            ObjectNode json = Checkpoints.readModelJson(runDir, ConvLatentActionModel.KIND);
            model = Checkpoints.JSON.treeToValue(json.get("config"), LamConfig.class);
            train = Checkpoints.JSON.treeToValue(json.get("train_config"), TrainConfig.class);
            start = TrainingLoop.Start.of(json.path("training"));
            data = new ArrayList<>();
            for (var d : json.path("data").path("dirs")) {
                data.add(Path.of(d.asText()));
            }
        } else if (Files.exists(runDir.resolve("model.json"))) {
            throw new IllegalArgumentException(
                    runDir
                            + " already holds a model; pass --resume to continue it or choose"
                            + " another --out");
        }
        model.validate();
        train.validate();
        if (data.isEmpty()) {
            throw new IllegalArgumentException("no data directories given");
        }
        List<VideoDataset> datasets = new ArrayList<>();
        for (Path d : data) {
            datasets.add(
                    VideoDataset.load(
                            d, model.imageSize(), train.validationFraction(), train.maxEpisodes()));
        }
        Transitions.Sources sources = Transitions.Sources.of(datasets);
        Files.createDirectories(runDir);
        Engine.getInstance().setRandomSeed((int) train.seed());
        TrainConfig trainConfig = train;
        List<Path> dirs = List.copyOf(data);
        Transitions batches = batches(model, train, sources, start.step());
        int rows = batches.batchSize();
        Transitions.Batch kmeansSample = kmeansSample(model, train, sources);
        try (NDManager base = NDManager.newBaseManager()) {
            ConvLatentActionModel lam = new ConvLatentActionModel(model);
            lam.initialize(base);
            AdamW opt = new AdamW(base, lam.getParameters());
            if (resume) {
                restore(runDir, lam, opt, base);
            }
            TrainLog log = new TrainLog(runDir, COLUMNS, start.step());
            Run run =
                    new Run(
                            runDir,
                            lam,
                            opt,
                            new ParameterStore(base, false),
                            base,
                            trainConfig,
                            batches,
                            kmeansSample,
                            dirs,
                            datasets,
                            log);
            TrainingLoop.Result r =
                    TrainingLoop.run(
                            "latent action model",
                            train,
                            batches,
                            log,
                            listener,
                            run,
                            start,
                            minutes,
                            rows);
            opt.close();
            return r;
        }
    }

    /** Loads a stopped run's weights, optimiser state and code counts. */
    private static void restore(Path runDir, ConvLatentActionModel lam, AdamW opt, NDManager base)
            throws IOException {
        try (var in = Files.newInputStream(runDir.resolve(LatentActions.PARAMS))) {
            Checkpoints.loadParameters(
                    lam, base, in, runDir.resolve(LatentActions.PARAMS).toString());
        }
        for (var p : lam.getParameters()) {
            p.getValue().getArray().setRequiresGradient(true);
        }
        opt.decode(Files.readAllBytes(runDir.resolve(OPTIMIZER)));
        long[] counts =
                Checkpoints.counts(
                        Checkpoints.readModelJson(runDir, ConvLatentActionModel.KIND)
                                .path("training"),
                        "code_usage",
                        lam.config().actions());
        if (counts != null && lam.quantizer() != null) {
            lam.quantizer().setUsage(counts);
        }
    }

    /** One LAM run's steps: what a step optimises and logs, and what a checkpoint writes. */
    private static final class Run implements TrainingLoop.Steps<Transitions.Batch> {
        private final Path runDir;
        private final ConvLatentActionModel lam;
        private final AdamW opt;
        private final ParameterStore ps;
        private final NDManager base;
        private final LamConfig config;
        private final TrainConfig train;
        private final Transitions batches;
        private final Transitions.Batch kmeansSample;
        private final List<Path> dirs;
        private final List<VideoDataset> datasets;
        private final TrainLog log;
        private double perplexity;

        Run(
                Path runDir,
                ConvLatentActionModel lam,
                AdamW opt,
                ParameterStore ps,
                NDManager base,
                TrainConfig train,
                Transitions batches,
                Transitions.Batch kmeansSample,
                List<Path> dirs,
                List<VideoDataset> datasets,
                TrainLog log) {
            this.runDir = runDir;
            this.lam = lam;
            this.opt = opt;
            this.ps = ps;
            this.base = base;
            this.config = lam.config();
            this.train = train;
            this.batches = batches;
            this.kmeansSample = kmeansSample;
            this.dirs = dirs;
            this.datasets = datasets;
            this.log = log;
        }

        @Override
        public void afterStep(int step) {
            if (lam.quantizer() != null
                    && train.deadCodeEvery() > 0
                    && step % train.deadCodeEvery() == 0) {
                perplexity = ImageMetrics.perplexity(lam.quantizer().usage());
                lam.quantizer().resetDeadCodes(new Random(train.seed() * 7919L + step));
            }
        }

        @Override
        public TrainingLoop.Figures step(Transitions.Batch batch, float lr, int step) {
            int s = config.imageSize();
            try (NDManager sm = base.newSubManager();
                    NDScope scope = new NDScope()) {
                NDArray clips = Patches.video(sm, batch.frames(), batches.batchSize(), 3, s, s, 3);
                NDArray actions = sm.create(batch.actions());
                NDArray labelled = sm.create(batch.labelled());
                double[] f;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    ConvLatentActionModel.Output o =
                            lam.forward(ps, clips, actions, labelled, true);
                    gc.backward(o.loss());
                    f = figures(o, clips, actions, labelled);
                }
                float norm = opt.step(lr, train.weightDecay(), train.gradClip());
                return new TrainingLoop.Figures(
                        f[0], norm, opt.lastNonFinite(), f[0], f[1], f[2], f[3], f[4], norm, f[5]);
            }
        }

        /**
         * Loss, reconstruction error, the error of predicting no change, label cross-entropy, label
         * accuracy on the labelled rows (0 without any) and the latents' mean spread.
         */
        private static double[] figures(
                ConvLatentActionModel.Output o, NDArray clips, NDArray actions, NDArray labelled) {
            NDArray right = o.logits().argMax(-1).eq(actions).toType(DataType.FLOAT32, false);
            float n = labelled.sum().getFloat();
            double accuracy = n > 0 ? right.mul(labelled).sum().getFloat() / n : 0;
            NDArray z = o.latents();
            double std =
                    z.sub(z.mean(new int[] {0}))
                            .square()
                            .mean(new int[] {0})
                            .sqrt()
                            .mean()
                            .getFloat();
            NDArray f = Patches.toUnit(clips);
            double still = f.get(":, 2").sub(f.get(":, 1")).square().mean().getFloat();
            return new double[] {
                o.loss().getFloat(),
                o.reconLoss().getFloat(),
                still,
                o.labelLoss().getFloat(),
                accuracy,
                std
            };
        }

        @Override
        public double[] row(int step, double elapsed, float lr, double[] m, double fps) {
            return new double[] {
                step, elapsed, lr, m[0], m[1], m[2], m[3], m[4], m[5], fps, m[6], perplexity
            };
        }

        @Override
        public void save(int step, double seconds, long frames) throws IOException {
            Checkpoints.saveParameters(lam, runDir.resolve(LatentActions.PARAMS));
            byte[] state = opt.encode();
            AtomicFiles.write(runDir.resolve(OPTIMIZER), out -> out.write(state));
            ObjectNode json = Checkpoints.newModelJson(ConvLatentActionModel.KIND);
            json.set("config", Checkpoints.JSON.valueToTree(config));
            json.set("train_config", Checkpoints.JSON.valueToTree(train));
            ObjectNode training = json.putObject("training");
            training.put("step", step);
            training.put("steps", train.steps());
            training.put("seconds", Math.round(seconds * 10) / 10.0);
            training.put("frames", frames);
            training.put("parameters", lam.parameterCount());
            training.put("supervised", config.supervised());
            training.put("labelled_share", config.labelledShare());
            training.put("labelled_transitions_available", batches.labelledTransitions());
            if (lam.quantizer() != null) {
                Checkpoints.putCounts(training, "code_usage", lam.quantizer().usage());
            }
            ObjectNode d = json.putObject("data");
            ArrayNode dirsNode = d.putArray("dirs");
            ArrayNode eps = d.putArray("train_episodes");
            ArrayNode trs = d.putArray("train_transitions");
            for (int i = 0; i < dirs.size(); i++) {
                dirsNode.add(dirs.get(i).toAbsolutePath().toString());
                eps.add(datasets.get(i).train().size());
                long n = 0;
                for (Clip.Source c : datasets.get(i).train()) {
                    n += Transitions.count(c);
                }
                trs.add(n);
            }
            LatentActions.putCodebook(json, codebook());
            Checkpoints.writeModelJson(runDir, json);
            log.flush(config.objective() == LamConfig.Objective.LABELS ? 6 : 4);
        }

        /**
         * The discrete actions: the quantiser's codes, which the forward model learned from;
         * k-means clusters of a fixed sample's latents where no quantiser was trained (the
         * continuous bottleneck, the ceiling).
         */
        private ActionCodebook codebook() {
            return kmeansSample == null
                    ? new ActionCodebook(lam.quantizer().unitCodes())
                    : ActionCodebook.fit(
                            sampleLatents(lam, ps, base, kmeansSample.frames()),
                            config.actions(),
                            100,
                            train.seed(),
                            10);
        }
    }

    /** The latents of the k-means sample, 256 transitions at a time. */
    private static float[][] sampleLatents(
            ConvLatentActionModel lam, ParameterStore ps, NDManager base, byte[] frames) {
        int chunk = 256;
        int bytes = frames.length / KMEANS_SAMPLE;
        float[][] out = new float[KMEANS_SAMPLE][];
        for (int i = 0; i < KMEANS_SAMPLE; i += chunk) {
            int n = Math.min(chunk, KMEANS_SAMPLE - i);
            byte[] part = java.util.Arrays.copyOfRange(frames, i * bytes, (i + n) * bytes);
            float[][] z = LatentActions.latents(lam, ps, base, part, n);
            System.arraycopy(z, 0, out, i, n);
        }
        return out;
    }
}
