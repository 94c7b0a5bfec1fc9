package io.genie4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genie4j.env.Json;
import io.genie4j.genie.lam.ConvLatentActionModel;
import io.genie4j.genie.lam.LamConfig;
import io.genie4j.genie.lam.LamTrainer;
import io.genie4j.genie.tokenizer.TokenizerConfig;
import io.genie4j.genie.tokenizer.TokenizerTrainer;
import io.genie4j.genie.tokenizer.VideoTokenizer;
import io.genie4j.genie.train.Checkpoints;
import io.genie4j.genie.train.TrainConfig;
import io.genie4j.genie.train.TrainListener;
import io.genie4j.genie.train.TrainingLoop;
import io.genie4j.genie.world.WorldConfig;
import io.genie4j.genie.world.WorldModel;
import io.genie4j.genie.world.WorldTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code genie4j train}: trains the world model's parts. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description =
                "Train a world-model part or an agent into a run directory (checkpoints,"
                        + " train.csv and a plot).",
        subcommands = {
            TrainCommand.Tokenizer.class,
            TrainCommand.World.class,
            TrainCommand.Lam.class,
            TrainCommand.All.class,
            TrainActionsCommand.class,
            TrainEventsCommand.class,
            AgentCommands.Train.class
        })
final class TrainCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * The tokenizer directory of {@code dir}: {@code dir} itself, or a world model's copy of its
     * tokenizer ({@code dir/tokenizer}) when {@code dir} holds no tokenizer of its own.
     */
    static Path tokenizerDir(Path dir) {
        Path inWorld = dir.resolve(WorldModel.TOKENIZER_DIR);
        return !Files.exists(dir.resolve(TokenizerTrainer.PARAMS))
                        && Files.isRegularFile(inWorld.resolve(TokenizerTrainer.PARAMS))
                ? inWorld
                : dir;
    }

    /** {@code genie4j train tokenizer}. */
    @Command(
            name = "tokenizer",
            mixinStandardHelpOptions = true,
            description = {
                "Train the ST-ViViT video tokenizer (VQ-VAE) on a directory of .npz episodes.",
                "Checkpoints every few hundred steps; --resume continues a stopped run exactly;"
                        + " Ctrl-C stops after writing a checkpoint. Prints a JSON summary at the"
                        + " end."
            })
    static final class Tokenizer implements Callable<Integer> {
        @Mixin RunOptions run;

        @Option(
                names = "--decoder-only",
                description =
                        "Start from a trained tokenizer (--from, default: the shipped one) and"
                                + " train its decoder only: every frame keeps its codes, so world"
                                + " models trained on them stay valid, while reconstructions"
                                + " improve.")
        boolean decoderOnly;

        @Option(
                names = "--from",
                description =
                        "Start from this trained tokenizer (\"shipped\": the one in the jar; a"
                                + " world model's directory: its tokenizer/) with a fresh optimiser"
                                + " and schedule: fine-tunes all of it, or with --decoder-only its"
                                + " decoder (whose default --from is the shipped one). A world"
                                + " takes a decoder-only result in place of its own: copy"
                                + " model.json and tokenizer.params into its tokenizer/.")
        String from;

        @Override
        public Integer call() throws Exception {
            run.check();
            if (from != null && run.resume) {
                throw new IllegalArgumentException(
                        "--resume continues the run from its own weights; drop --from");
            }
            if (from != null && !from.equals("shipped") && !Files.isDirectory(Path.of(from))) {
                throw new IllegalArgumentException(
                        "--from "
                                + from
                                + " is not a directory: give a tokenizer run directory or"
                                + " \"shipped\"");
            }
            Checkpoints.Source start =
                    run.resume || (from == null && !decoderOnly)
                            ? null
                            : from == null || from.equals("shipped")
                                    ? Checkpoints.Source.resource(VideoTokenizer.DEFAULT_RESOURCE)
                                    : Checkpoints.Source.of(tokenizerDir(Path.of(from)));
            TokenizerConfig model = TokenizerConfig.defaults();
            TrainConfig train = TrainConfig.tokenizerDefaults();
            if (run.resume && run.config != null) {
                throw new IllegalArgumentException(
                        "--resume continues with the run's own config; drop --config");
            }
            if (run.resume && run.steps != null) {
                Checkpoints.extendRun(run.out, VideoTokenizer.KIND, run.steps);
            }
            if (run.config != null) {
                JsonNode user = readConfig(run.config);
                model = merge(model, user.path("model"), TokenizerConfig.class);
                train = merge(train, user.path("train"), TrainConfig.class);
            }
            if (run.steps != null) {
                train = train.withSteps(run.steps);
            }
            TokenizerConfig m = model;
            TrainConfig t = train;
            return runWithProgress(
                    "train tokenizer",
                    listener -> {
                        TrainingLoop.Result r =
                                TokenizerTrainer.train(
                                        run.data,
                                        run.out,
                                        m,
                                        t,
                                        run.minutes,
                                        run.resume,
                                        start,
                                        decoderOnly,
                                        listener);
                        return summary(
                                run.out, r.step(), r.seconds(), r.frames(), r.framesPerSecond());
                    });
        }
    }

    /** {@code genie4j train world}. */
    @Command(
            name = "world",
            mixinStandardHelpOptions = true,
            description = {
                "Train the latent action model and the dynamics on a directory of .npz episodes.",
                "The two are co-trained on a frozen tokenizer (Genie §2.2-2.3). The run directory"
                        + " is a complete world model after every checkpoint (it keeps a copy of"
                        + " the tokenizer); --resume continues a stopped run exactly; Ctrl-C stops"
                        + " after a checkpoint. A model saved without optimizer.params (the"
                        + " shipped one, copied into --out) is continued from its weights and step"
                        + " with a fresh optimiser."
            })
    static final class World implements Callable<Integer> {
        @Mixin RunOptions run;

        @Option(
                names = "--tokenizer",
                description =
                        "Tokenizer run directory (default: the tokenizer shipped in the jar).")
        Path tokenizer;

        @Option(
                names = "--lam",
                description =
                        "Train the dynamics on this frozen LAM v2's actions (a train lam run"
                                + " directory) instead of co-training Genie's LAM; the run keeps a"
                                + " copy in lam/.")
        Path lam;

        @Option(
                names = "--action-dropout",
                description =
                        "Share of frames, in [0, 1), whose latent action the dynamics is shown as"
                                + " 'no action', so that sampling can use --guidance (default:"
                                + " the config's, 0). With --resume it changes the run's setting"
                                + " from the next step on.")
        Float actionDropout;

        @Option(
                names = "--changed-boost",
                description =
                        "Extra weight, in [0, 100], on the dynamics' loss at tokens that differ"
                                + " from the previous frame's (weight 1 + B there), so that"
                                + " motion is learned beside the many tokens a copy predicts;"
                                + " the loss is then no longer the likelihood, and the world"
                                + " predicts change where none happens, as under a held key"
                                + " where the game stands still (default: the config's, 0;"
                                + " see docs/world-model.md). With --resume it changes the"
                                + " run's setting from the next step on.")
        Float changedBoost;

        @Option(
                names = "--action-contrast",
                description =
                        "Weight, in [0, 100], of a second loss term that asks each masked frame's"
                                + " true tokens to be likelier under its own latent action than"
                                + " under another drawn at random, so that the world follows its"
                                + " action while its main loss stays the likelihood; each step"
                                + " then runs the dynamics twice, about 1.75 times as long"
                                + " (default: the config's, 0: off). With --resume it changes"
                                + " the run's setting from the next step on.")
        Float actionContrast;

        @Option(
                names = "--visible-frames",
                description =
                        "Share, in [0, 1), of each training clip's frames after the first that the"
                                + " dynamics is given whole (no token masked), so that masked"
                                + " frames often follow a whole frame, as generated frames do"
                                + " when the world is played (default: the config's, 0: every"
                                + " frame masked, as Genie trains). With --resume it changes the"
                                + " run's setting from the next step on.")
        Float visibleFrames;

        @Option(
                names = "--codebook-tie",
                description =
                        "The dynamics also reads each token as its tokenizer code vector and scores"
                                + " each code by its vector, beside its per-code embedding and"
                                + " head (model config codebookTie). With --resume it is added to"
                                + " a run without it: the tie starts at zero, so the model is"
                                + " unchanged until it trains, with a fresh optimiser.")
        boolean codebookTie;

        @Override
        public Integer call() throws Exception {
            run.check();
            if (run.resume && (run.config != null || tokenizer != null || lam != null)) {
                throw new IllegalArgumentException(
                        "--resume continues with the run's own config, tokenizer and LAM; drop"
                                + " --config, --tokenizer and --lam");
            }
            if (actionDropout != null && !(actionDropout >= 0 && actionDropout < 1)) {
                throw new IllegalArgumentException(
                        "--action-dropout must be in [0, 1), got " + Checks.number(actionDropout));
            }
            if (changedBoost != null && !(changedBoost >= 0 && changedBoost <= 100)) {
                throw new IllegalArgumentException(
                        "--changed-boost must be in [0, 100], got " + Checks.number(changedBoost));
            }
            if (actionContrast != null && !(actionContrast >= 0 && actionContrast <= 100)) {
                throw new IllegalArgumentException(
                        "--action-contrast must be in [0, 100], got "
                                + Checks.number(actionContrast));
            }
            if (visibleFrames != null && !(visibleFrames >= 0 && visibleFrames < 1)) {
                throw new IllegalArgumentException(
                        "--visible-frames must be in [0, 1), got " + Checks.number(visibleFrames));
            }
            if (run.resume && run.steps != null) {
                Checkpoints.extendRun(run.out, WorldModel.KIND, run.steps);
            }
            if (run.resume && actionDropout != null) {
                Checkpoints.setTrainField(run.out, WorldModel.KIND, "actionDropout", actionDropout);
            }
            if (run.resume && changedBoost != null) {
                Checkpoints.setTrainField(
                        run.out, WorldModel.KIND, "changedTokenBoost", changedBoost);
            }
            if (run.resume && actionContrast != null) {
                Checkpoints.setTrainField(
                        run.out, WorldModel.KIND, "actionContrast", actionContrast);
            }
            if (run.resume && visibleFrames != null) {
                Checkpoints.setTrainField(
                        run.out, WorldModel.KIND, "visibleFrameShare", visibleFrames);
            }
            if (run.resume && codebookTie) {
                Checkpoints.setConfigField(run.out, WorldModel.KIND, "codebookTie", true);
            }
            WorldConfig model = null;
            TrainConfig train = TrainConfig.worldDefaults();
            JsonNode user = run.config == null ? null : readConfig(run.config);
            if (!run.resume
                    && (codebookTie || (user != null && !user.path("model").isMissingNode()))) {
                Checkpoints.Source src =
                        tokenizer == null
                                ? Checkpoints.Source.resource(VideoTokenizer.DEFAULT_RESOURCE)
                                : Checkpoints.Source.of(tokenizer);
                TokenizerConfig tok =
                        Checkpoints.JSON.treeToValue(
                                Checkpoints.readModelJson(src, VideoTokenizer.KIND).get("config"),
                                TokenizerConfig.class);
                model = WorldConfig.defaults(tok);
                if (user != null) {
                    model = merge(model, user.path("model"), WorldConfig.class);
                }
                if (codebookTie) {
                    model = model.withCodebookTie(true);
                }
            }
            if (user != null) {
                train = merge(train, user.path("train"), TrainConfig.class);
            }
            if (run.steps != null) {
                train = train.withSteps(run.steps);
            }
            if (actionDropout != null) {
                train = train.withActionDropout(actionDropout);
            }
            if (changedBoost != null) {
                train = train.withChangedTokenBoost(changedBoost);
            }
            if (visibleFrames != null) {
                train = train.withVisibleFrameShare(visibleFrames);
            }
            if (actionContrast != null) {
                train = train.withActionContrast(actionContrast);
            }
            WorldConfig m = model;
            TrainConfig t = train;
            return runWithProgress(
                    "train world",
                    listener -> {
                        TrainingLoop.Result r =
                                WorldTrainer.train(
                                        run.data,
                                        run.out,
                                        tokenizer,
                                        lam,
                                        m,
                                        t,
                                        run.minutes,
                                        run.resume,
                                        listener);
                        return summary(
                                run.out, r.step(), r.seconds(), r.frames(), r.framesPerSecond());
                    });
        }
    }

    /** {@code genie4j train lam}. */
    @Command(
            name = "lam",
            mixinStandardHelpOptions = true,
            description = {
                "Train the latent action model v2 on one or more directories of .npz episodes.",
                "An inverse model reads x(t-1), x(t), x(t+1) into a continuous latent; a forward"
                    + " model must predict x(t+1) from x(t-1), x(t) and that latent (after LAPO);"
                    + " k-means over the latents makes the 8 discrete actions. {\"model\":"
                    + " {\"bottleneck\": \"VQ\"}} in --config puts an 8-code quantiser in training"
                    + " instead, as in the shipped world model's LAM. Every checkpoint is a"
                    + " complete LAM for eval lam and bc-eval --lam; --resume continues a stopped"
                    + " run exactly. Label-free unless --labelled-share or --ceiling."
            })
    static final class Lam implements Callable<Integer> {
        @Option(
                names = "--data",
                required = true,
                arity = "1..*",
                description =
                        "Dataset directories of episodes (say, random play then expert video);"
                                + " with --labelled-share, labels come from the first only.")
        List<Path> data;

        @Option(names = "--out", required = true, description = "Run directory.")
        Path out;

        @Option(
                names = "--config",
                description =
                        "JSON file overriding defaults: {\"model\": {...}, \"train\": {...}} with"
                                + " the field names of model.json's config and train_config.")
        Path config;

        @Option(names = "--steps", description = "Total steps, at least 1.")
        Integer steps;

        @Option(
                names = "--minutes",
                defaultValue = "0",
                description = "Stop after this many minutes in this call (0: no limit).")
        double minutes;

        @Option(names = "--resume", description = "Continue the run in --out.")
        boolean resume;

        @Option(
                names = "--labelled-share",
                description =
                        "The small-supervision switch: the share of the first dataset's"
                                + " transitions, in [0, 1], whose real action also trains a label"
                                + " head on the latent (default: 0, label-free).")
        Double labelledShare;

        @Option(
                names = "--ceiling",
                description =
                        "Train the same inverse model with every transition's real action instead"
                                + " (the supervised ceiling eval lam compares against).")
        boolean ceiling;

        @Override
        public Integer call() throws Exception {
            if (steps != null) {
                Checks.atLeast("--steps", steps, 1);
            }
            Checks.atLeast("--minutes", minutes, 0);
            Checks.outputDirectory("--out", out);
            if (conflictsWithResume()) {
                throw new IllegalArgumentException(
                        "--resume continues with the run's own config and data; drop --config,"
                                + " --labelled-share and --ceiling");
            }
            if (resume && steps != null) {
                Checkpoints.extendRun(out, ConvLatentActionModel.KIND, steps);
            }
            LamConfig model = LamConfig.defaults();
            TrainConfig train = LamTrainer.defaults();
            if (config != null) {
                JsonNode user = readConfig(config);
                model = merge(model, user.path("model"), LamConfig.class);
                train = merge(train, user.path("train"), TrainConfig.class);
            }
            if (labelledShare != null) {
                model = model.withLabelledShare(labelledShare);
            }
            if (ceiling) {
                model = model.withObjective(LamConfig.Objective.LABELS);
            }
            model.validate();
            if (steps != null) {
                train = train.withSteps(steps);
            }
            LamConfig m = model;
            TrainConfig t = train;
            return runWithProgress(
                    "train lam",
                    listener -> {
                        TrainingLoop.Result r =
                                LamTrainer.train(data, out, m, t, minutes, resume, listener);
                        return summary(out, r.step(), r.seconds(), r.frames(), r.framesPerSecond());
                    });
        }

        private boolean conflictsWithResume() {
            return resume && (config != null || labelledShare != null || ceiling);
        }
    }

    /** Options every single-part training command takes. */
    static final class RunOptions {
        @Option(names = "--data", required = true, description = "Dataset directory of episodes.")
        Path data;

        @Option(names = "--out", required = true, description = "Run directory.")
        Path out;

        @Option(
                names = "--config",
                description =
                        "JSON file overriding defaults: {\"model\": {...}, \"train\": {...}} with"
                                + " the field names of model.json's config and train_config.")
        Path config;

        @Option(
                names = "--steps",
                description =
                        "Total steps, at least 1 (overrides the config). With --resume, extends a"
                                + " run to this many steps; its learning-rate schedule becomes"
                                + " this longer run's, so it rises again.")
        Integer steps;

        @Option(
                names = "--minutes",
                defaultValue = "0",
                description = "Stop after this many minutes in this call (0: no limit).")
        double minutes;

        @Option(names = "--resume", description = "Continue the run in --out.")
        boolean resume;

        /** Checks the option values and that --out can be written; creates nothing. */
        void check() {
            if (steps != null) {
                Checks.atLeast("--steps", steps, 1);
            }
            Checks.atLeast("--minutes", minutes, 0);
            Checks.outputDirectory("--out", out);
        }
    }

    /** {@code genie4j train all}. */
    @Command(
            name = "all",
            mixinStandardHelpOptions = true,
            description = {
                "Train the tokenizer, then the world model on it, into one directory.",
                "The tokenizer goes to OUT/tokenizer and the world model to OUT/world, with"
                        + " default configs. Run it again to continue: a finished part is skipped"
                        + " and a stopped one resumed."
            })
    static final class All implements Callable<Integer> {
        @Option(names = "--data", required = true, description = "Dataset directory of episodes.")
        Path data;

        @Option(names = "--out", required = true, description = "Directory for both runs.")
        Path out;

        @Option(
                names = "--config",
                description =
                        "JSON file overriding defaults: {\"tokenizer\": {\"model\": ...,"
                                + " \"train\": ...}, \"world\": {\"model\": ..., \"train\":"
                                + " ...}} (used when a part starts).")
        Path config;

        @Override
        public Integer call() throws Exception {
            Checks.outputDirectory("--out", out);
            JsonNode user = config == null ? null : readConfig(config);
            TokenizerConfig tokModel = TokenizerConfig.defaults();
            TrainConfig tokTrain = TrainConfig.tokenizerDefaults();
            TrainConfig worldTrain = TrainConfig.worldDefaults();
            if (user != null) {
                tokModel =
                        merge(
                                tokModel,
                                user.path("tokenizer").path("model"),
                                TokenizerConfig.class);
                tokTrain = merge(tokTrain, user.path("tokenizer").path("train"), TrainConfig.class);
                worldTrain = merge(worldTrain, user.path("world").path("train"), TrainConfig.class);
            }
            TokenizerConfig tm = tokModel;
            TrainConfig tt = tokTrain;
            TrainConfig wt = worldTrain;
            Path tok = out.resolve("tokenizer");
            Path world = out.resolve("world");
            Map<String, Object> json = new LinkedHashMap<>();
            if (!finished(tok, VideoTokenizer.KIND)) {
                boolean resume = Files.exists(tok.resolve("model.json"));
                runWithProgress(
                        "train tokenizer",
                        listener -> {
                            TrainingLoop.Result r =
                                    TokenizerTrainer.train(data, tok, tm, tt, 0, resume, listener);
                            return summary(
                                    tok, r.step(), r.seconds(), r.frames(), r.framesPerSecond());
                        });
                if (!finished(tok, VideoTokenizer.KIND)) {
                    return 130; // stopped by the user; run again to continue
                }
            }
            json.put("tokenizer", tok.toAbsolutePath().toString());
            if (!finished(world, io.genie4j.genie.world.WorldModel.KIND)) {
                boolean resume = Files.exists(world.resolve("model.json"));
                WorldConfig wm =
                        user == null || user.path("world").path("model").isMissingNode()
                                ? null
                                : merge(
                                        WorldConfig.defaults(
                                                Checkpoints.JSON.treeToValue(
                                                        Checkpoints.readModelJson(
                                                                        tok, VideoTokenizer.KIND)
                                                                .get("config"),
                                                        TokenizerConfig.class)),
                                        user.path("world").path("model"),
                                        WorldConfig.class);
                runWithProgress(
                        "train world",
                        listener -> {
                            TrainingLoop.Result r =
                                    WorldTrainer.train(
                                            data,
                                            world,
                                            resume ? null : tok,
                                            wm,
                                            wt,
                                            0,
                                            resume,
                                            listener);
                            return summary(
                                    world, r.step(), r.seconds(), r.frames(), r.framesPerSecond());
                        });
            }
            json.put("world", world.toAbsolutePath().toString());
            json.put("finished", finished(world, io.genie4j.genie.world.WorldModel.KIND));
            System.out.println(Json.write(json));
            return 0;
        }

        /** Whether the run in {@code dir} reached its last step. */
        private static boolean finished(Path dir, String kind) throws IOException {
            if (!Files.exists(dir.resolve("model.json"))) {
                return false;
            }
            ObjectNode json = Checkpoints.readModelJson(dir, kind);
            JsonNode t = json.path("training");
            return t.path("step").asInt() >= t.path("steps").asInt(Integer.MAX_VALUE);
        }
    }

    /** One training run, given a listener; returns the JSON summary to print. */
    interface Run {
        Map<String, Object> run(TrainListener listener) throws Exception;
    }

    /**
     * Runs {@code body} with a progress bar on stderr and a Ctrl-C hook that lets the trainer stop
     * after a checkpoint; prints the summary as JSON.
     */
    static int runWithProgress(String task, Run body) throws Exception {
        Map<String, Object> json;
        try (ConsoleRun console = new ConsoleRun()) {
            json =
                    body.run(
                            new TrainListener() {
                                @Override
                                public void onStart(int fromStep, int total) {
                                    console.startBar(task, fromStep, total);
                                }

                                @Override
                                public void onStep(StepInfo info) {
                                    console.bar().stepTo(info.step());
                                    console.bar()
                                            .setExtraMessage(
                                                    String.format(
                                                            Locale.ROOT,
                                                            " loss %.4f  %.0f frames/s",
                                                            info.loss(),
                                                            info.framesPerSecond()));
                                }

                                @Override
                                public void onNotice(String message) {
                                    System.err.println(message);
                                }

                                @Override
                                public boolean stopRequested() {
                                    return console.stopRequested();
                                }
                            });
        }
        System.out.println(Json.write(json));
        return 0;
    }

    static Map<String, Object> summary(
            Path out, int step, double seconds, long frames, double framesPerSecond) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("out", out.toAbsolutePath().toString());
        json.put("step", step);
        json.put("seconds", Math.round(seconds * 10) / 10.0);
        json.put("frames", frames);
        json.put("frames_per_s", Math.round(framesPerSecond * 10) / 10.0);
        return json;
    }

    static JsonNode readConfig(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("config file " + file + " does not exist");
        }
        try {
            return Checkpoints.JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "config file " + file + " is not valid JSON: " + e.getMessage());
        }
    }

    /** Overrides the fields of {@code defaults} named in {@code overrides}; unknown names fail. */
    static <T> T merge(T defaults, JsonNode overrides, Class<T> type) {
        if (overrides.isMissingNode() || overrides.isNull()) {
            return defaults;
        }
        ObjectNode base = Checkpoints.JSON.valueToTree(defaults);
        var names = overrides.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!base.has(n)) {
                throw new IllegalArgumentException(
                        "unknown "
                                + type.getSimpleName()
                                + " field '"
                                + n
                                + "'; known: "
                                + iterable(base));
            }
            base.set(n, overrides.get(n));
        }
        try {
            return Checkpoints.JSON.treeToValue(base, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "bad " + type.getSimpleName() + " value: " + e.getOriginalMessage());
        }
    }

    private static String iterable(ObjectNode n) {
        StringBuilder sb = new StringBuilder();
        n.fieldNames().forEachRemaining(f -> sb.append(sb.length() == 0 ? "" : ", ").append(f));
        return sb.toString();
    }
}
