package io.genie4j.genie.tokenizer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genie4j.env.AtomicFiles;
import io.genie4j.genie.data.BatchLoader;
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
import java.util.Random;

/**
 * Trains a {@link VideoTokenizer} on a directory of episodes into a run directory: checkpoints
 * ({@code model.json}, {@code tokenizer.params}, {@code optimizer.params}) every few steps, {@code
 * train.csv} and {@code loss.png}. A run resumes from its last checkpoint and continues exactly as
 * if it had not stopped (same batches, same updates).
 */
public final class TokenizerTrainer {

    /** The run directory's parameter file. */
    public static final String PARAMS = "tokenizer.params";

    static final String OPTIMIZER = "optimizer.params";
    static final String[] COLUMNS = {
        "step",
        "seconds",
        "lr",
        "loss",
        "recon_mse",
        "train_psnr",
        "grad_norm",
        "frames_per_s",
        "codes_used"
    };

    private TokenizerTrainer() {}

    /**
     * Trains for at most {@code minutes} of wall time in this call (≤ 0 for no limit) or until the
     * config's step count. With {@code resume}, {@code model} and {@code train} are ignored and the
     * run directory's own configs are used.
     */
    public static TrainingLoop.Result train(
            Path data,
            Path runDir,
            TokenizerConfig model,
            TrainConfig train,
            double minutes,
            boolean resume,
            TrainListener listener)
            throws IOException, InterruptedException {
        return train(data, runDir, model, train, minutes, resume, null, listener);
    }

    /** As above, training the decoder only of the tokenizer at {@code decoderOf}. */
    public static TrainingLoop.Result train(
            Path data,
            Path runDir,
            TokenizerConfig model,
            TrainConfig train,
            double minutes,
            boolean resume,
            Checkpoints.Source decoderOf,
            TrainListener listener)
            throws IOException, InterruptedException {
        return train(data, runDir, model, train, minutes, resume, decoderOf, true, listener);
    }

    /**
     * As above, starting from the trained tokenizer at {@code from} (a tokenizer directory, or the
     * class-path source of the shipped one) with a fresh optimiser and schedule; {@code model} is
     * then ignored. With {@code decoderOnly} the encoder and codebook stay frozen (no dead-code
     * resets), so every frame keeps its codes and a world model trained on them stays valid, while
     * reconstructions improve; without it the whole tokenizer is fine-tuned (to new frames, say),
     * and frames' codes change.
     */
    public static TrainingLoop.Result train(
            Path data,
            Path runDir,
            TokenizerConfig model,
            TrainConfig train,
            double minutes,
            boolean resume,
            Checkpoints.Source from,
            boolean decoderOnly,
            TrainListener listener)
            throws IOException, InterruptedException {
        if (from == null) {
            decoderOnly = false;
        } else if (!resume) {
            model =
                    Checkpoints.JSON.treeToValue(
                            Checkpoints.readModelJson(from, VideoTokenizer.KIND).get("config"),
                            TokenizerConfig.class);
        }
        TrainingLoop.Start start = TrainingLoop.Start.NEW;
        String startedFrom = from == null ? null : from.where(PARAMS);
        if (resume) {
            ObjectNode json = Checkpoints.readModelJson(runDir, VideoTokenizer.KIND);
            model = Checkpoints.JSON.treeToValue(json.get("config"), TokenizerConfig.class);
            train = Checkpoints.JSON.treeToValue(json.get("train_config"), TrainConfig.class);
            start = TrainingLoop.Start.of(json.path("training"));
            decoderOnly = json.path("training").path("decoder_only").asBoolean(false);
            startedFrom = json.path("training").path("started_from").asText(null);
        } else if (Files.exists(runDir.resolve("model.json"))) {
            throw new IllegalArgumentException(
                    runDir
                            + " already holds a model; pass --resume to continue it or choose"
                            + " another --out");
        }
        model.validate();
        train.validate();
        if (train.clipLength() > model.maxFrames()) {
            throw new IllegalArgumentException(
                    "clips of "
                            + train.clipLength()
                            + " frames exceed the model's maxFrames "
                            + model.maxFrames());
        }
        VideoDataset dataset =
                VideoDataset.load(
                        data, model.imageSize(), train.validationFraction(), train.maxEpisodes());
        Files.createDirectories(runDir);
        Engine.getInstance().setRandomSeed((int) train.seed());
        int b = train.batch();
        int t = train.clipLength();
        long framesPerStep = (long) b * t;
        try (NDManager base = NDManager.newBaseManager();
                BatchLoader loader =
                        new BatchLoader(
                                dataset.train(),
                                b,
                                t,
                                train.frameStride(),
                                train.seed(),
                                start.step())) {
            VideoTokenizer tok = new VideoTokenizer(model);
            tok.initialize(base);
            if (from != null && !resume) {
                Checkpoints.loadParameters(tok, base, from, PARAMS);
                for (var p : tok.getParameters()) {
                    p.getValue().getArray().setRequiresGradient(true);
                }
            }
            if (decoderOnly) {
                tok.freezeParameters(true, p -> !VideoTokenizer.isDecoderParameter(tok, p));
            }
            AdamW opt = new AdamW(base, tok.getParameters());
            if (resume) {
                restore(runDir, tok, opt, base);
            }
            TrainLog log = new TrainLog(runDir, COLUMNS, start.step());
            Run run =
                    new Run(runDir, tok, opt, base, train, dataset, log, decoderOnly, startedFrom);
            TrainingLoop.Result r =
                    TrainingLoop.run(
                            "tokenizer",
                            train,
                            loader,
                            log,
                            listener,
                            run,
                            start,
                            minutes,
                            framesPerStep);
            opt.close();
            return r;
        }
    }

    /** Loads a stopped run's weights, optimiser state and code counts. */
    private static void restore(Path runDir, VideoTokenizer tok, AdamW opt, NDManager base)
            throws IOException {
        try (var in = Files.newInputStream(runDir.resolve(PARAMS))) {
            Checkpoints.loadParameters(tok, base, in, runDir.resolve(PARAMS).toString());
        }
        // Loaded arrays replace the initialised ones and must collect gradients again.
        for (var p : tok.getParameters()) {
            p.getValue().getArray().setRequiresGradient(p.getValue().requiresGradient());
        }
        opt.decode(Files.readAllBytes(runDir.resolve(OPTIMIZER)));
        ObjectNode json = Checkpoints.readModelJson(runDir, VideoTokenizer.KIND);
        long[] counts =
                Checkpoints.counts(json.path("training"), "codebook_usage", tok.config().codes());
        if (counts != null) {
            tok.quantizer().setUsage(counts);
        }
    }

    /** One tokenizer run's steps: what a step optimises and logs, and what a checkpoint writes. */
    private static final class Run implements TrainingLoop.Steps<byte[]> {
        private final Path runDir;
        private final VideoTokenizer tok;
        private final AdamW opt;
        private final NDManager base;
        private final ParameterStore ps;
        private final TrainConfig train;
        private final VideoDataset dataset;
        private final TrainLog log;
        private final boolean decoderOnly;
        private final String startedFrom;
        private int codesUsed;

        Run(
                Path runDir,
                VideoTokenizer tok,
                AdamW opt,
                NDManager base,
                TrainConfig train,
                VideoDataset dataset,
                TrainLog log,
                boolean decoderOnly,
                String startedFrom) {
            this.runDir = runDir;
            this.tok = tok;
            this.opt = opt;
            this.base = base;
            this.ps = new ParameterStore(base, false);
            this.train = train;
            this.dataset = dataset;
            this.log = log;
            this.decoderOnly = decoderOnly;
            this.startedFrom = startedFrom;
        }

        @Override
        public TrainingLoop.Figures step(byte[] batch, float lr, int step) {
            int s = tok.config().imageSize();
            try (NDManager sm = base.newSubManager();
                    NDScope scope = new NDScope()) {
                NDArray video =
                        Patches.video(sm, batch, train.batch(), train.clipLength(), s, s, 3);
                float loss;
                float recon;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    VideoTokenizer.Output o = tok.forward(ps, video, true);
                    gc.backward(o.loss());
                    loss = o.loss().getFloat();
                    recon = o.reconLoss().getFloat();
                }
                float norm = opt.step(lr, train.weightDecay(), train.gradClip());
                return new TrainingLoop.Figures(loss, norm, opt.lastNonFinite(), loss, recon, norm);
            }
        }

        @Override
        public void afterStep(int step) {
            if (!decoderOnly && train.deadCodeEvery() > 0 && step % train.deadCodeEvery() == 0) {
                codesUsed = ImageMetrics.used(tok.quantizer().usage());
                tok.quantizer().resetDeadCodes(new Random(train.seed() * 7919L + step));
            }
        }

        @Override
        public double[] row(int step, double elapsed, float lr, double[] m, double fps) {
            return new double[] {
                step, elapsed, lr, m[0], m[1], 10 * Math.log10(4 / m[1]), m[2], fps, codesUsed
            };
        }

        @Override
        public void save(int step, double seconds, long frames) throws IOException {
            TokenizerTrainer.save(
                    runDir,
                    tok,
                    opt,
                    tok.config(),
                    train,
                    dataset,
                    step,
                    seconds,
                    frames,
                    log,
                    decoderOnly,
                    startedFrom);
        }
    }

    private static void save(
            Path dir,
            VideoTokenizer tok,
            AdamW opt,
            TokenizerConfig model,
            TrainConfig train,
            VideoDataset dataset,
            int step,
            double seconds,
            long frames,
            TrainLog log,
            boolean decoderOnly,
            String startedFrom)
            throws IOException {
        Checkpoints.saveParameters(tok, dir.resolve(PARAMS));
        byte[] state = opt.encode();
        AtomicFiles.write(dir.resolve(OPTIMIZER), out -> out.write(state));
        ObjectNode json =
                Checkpoints.newRunJson(
                        VideoTokenizer.KIND, model, train, step, seconds, frames, dataset);
        ObjectNode training = (ObjectNode) json.get("training");
        training.put("parameters", tok.parameterCount());
        training.put("decoder_only", decoderOnly);
        if (startedFrom != null) {
            training.put("started_from", startedFrom);
        }
        Checkpoints.putCounts(training, "codebook_usage", tok.quantizer().usage());
        var rows = log.rows();
        if (!rows.isEmpty()) {
            double[] last = rows.get(rows.size() - 1);
            ObjectNode m = json.putObject("metrics");
            m.put("train_recon_mse", last[4]);
            m.put("train_psnr", last[5]);
        }
        Checkpoints.writeModelJson(dir, json);
        log.flush(4);
    }
}
