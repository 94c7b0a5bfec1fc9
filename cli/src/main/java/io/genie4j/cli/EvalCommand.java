package io.genie4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genie4j.env.Json;
import io.genie4j.genie.lam.ConvLatentActionModel;
import io.genie4j.genie.lam.LamEval;
import io.genie4j.genie.lam.LatentActions;
import io.genie4j.genie.tokenizer.TokenizerEval;
import io.genie4j.genie.train.Checkpoints;
import io.genie4j.genie.world.ControlsEval;
import io.genie4j.genie.world.GenieWorld;
import io.genie4j.genie.world.WorldEval;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code genie4j eval}: quality figures of trained models, as JSON. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = "Evaluate a trained model or agent and print JSON.",
        subcommands = {
            EvalCommand.Tokenizer.class,
            EvalCommand.World.class,
            EvalCommand.Controls.class,
            EvalCommand.Lam.class,
            AgentCommands.Eval.class
        })
final class EvalCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code genie4j eval tokenizer}. */
    @Command(
            name = "tokenizer",
            mixinStandardHelpOptions = true,
            description = {
                "Reconstruction quality and codebook use of a tokenizer, as JSON.",
                "PSNR/SSIM, codebook use and perplexity on the validation episodes of a dataset"
                        + " (split by episode as in training)."
            })
    static final class Tokenizer implements Callable<Integer> {
        @Option(
                names = "--model",
                description = "Run directory (default: the tokenizer shipped in genie-env).")
        Path model;

        @Option(names = "--data", required = true, description = "Dataset directory of episodes.")
        Path data;

        @Option(
                names = "--max-frames",
                defaultValue = "4096",
                description = "Frames to evaluate at most (default: ${DEFAULT-VALUE}; 0: all).")
        long maxFrames;

        @Option(
                names = "--all-episodes",
                description =
                        "Use every episode of --data (a dataset recorded apart from training),"
                                + " not its validation split.")
        boolean allEpisodes;

        @Override
        public Integer call() throws Exception {
            Checks.atLeast("--max-frames", maxFrames, 0);
            TokenizerEval.Result r = TokenizerEval.evaluate(model, data, allEpisodes, maxFrames);
            System.out.println(Json.write(new java.util.TreeMap<>(r.toJson())));
            return 0;
        }
    }

    /** {@code genie4j eval world}. */
    @Command(
            name = "world",
            mixinStandardHelpOptions = true,
            description = {
                "Quality of a world model on held-out clips, as JSON.",
                "Rollout PSNR/SSIM of 10 frames generated from 2 real ones with the actions the"
                        + " LAM infers from the real video, and of the baseline that holds the last"
                        + " real frame's tokens still; ΔtPSNR at t=4 (inferred minus random latent"
                        + " actions); latent action use; for CoinRun data, a table of latent codes"
                        + " against the real actions taken. Every figure has a 95%% bootstrap"
                        + " interval over episodes; the margin over the still frame is given per"
                        + " step.",
                "Beside them, the ceilings: a perfect dynamics (the clips' own frames through"
                        + " the tokenizer) and the real env's own ΔtPSNR (each clip played again"
                        + " in its env with random actions; needs data recorded by genie4j record,"
                        + " which stores the env options).",
                "And one step at a time (one_step): each generated frame predicted from the"
                        + " true frames before it under every latent action, the cross-entropy of"
                        + " its true tokens in bits and how much of it the inferred action saves"
                        + " (action_information_bits)."
            })
    static final class World implements Callable<Integer> {
        @Option(
                names = "--model",
                description = "World model directory (default: the model shipped in genie-env).")
        Path model;

        @Option(
                names = "--data",
                required = true,
                arity = "1..*",
                description =
                        "Dataset directories of episodes, pooled (say, held-out levels from two"
                                + " disjoint seed ranges).")
        List<Path> data;

        @Option(
                names = "--all-episodes",
                description =
                        "Use every episode of --data (datasets recorded apart from training),"
                                + " not their validation splits.")
        boolean allEpisodes;

        @Option(
                names = "--clips",
                defaultValue = "512",
                description =
                        "Clips of 12 frames to evaluate at most, spread evenly over the episodes"
                                + " and along each (default: ${DEFAULT-VALUE}).")
        int clips;

        @Option(
                names = "--batch",
                defaultValue = "16",
                description = "Worlds generated together (default: ${DEFAULT-VALUE}).")
        int batch;

        @Mixin SamplingOptions sampling;

        @Option(
                names = "--against",
                description =
                        "Another world model directory to score on the same clips, prompts and"
                                + " seeds: its figures under \"against\", and this model's minus"
                                + " its, clip by clip with paired 95%% intervals, under"
                                + " \"difference\" (for A/B runs).")
        Path against;

        @Option(names = "--seed", defaultValue = "0", description = "Sampling seed.")
        long seed;

        @Override
        public Integer call() throws Exception {
            Checks.atLeast("--clips", clips, 1);
            Checks.atLeast("--batch", batch, 1);
            GenieWorld.Options o = sampling.options();
            Map<String, Object> r =
                    WorldEval.compare(model, against, data, allEpisodes, clips, batch, o, seed);
            System.out.println(Json.write(r));
            return 0;
        }
    }

    /** {@code genie4j eval controls}. */
    @Command(
            name = "controls",
            mixinStandardHelpOptions = true,
            description = {
                "Whether a world model obeys CoinRun's controls, as JSON.",
                "From the first frame of each level, LEFT, NOOP and RIGHT are each held for"
                        + " --steps steps in CoinRun and in the world (through the model's action"
                        + " table); every generated frame is compared with the real frames of all"
                        + " three actions and with the prompt held still. Prints the PSNR matrix,"
                        + " each action's margin over the still frame and how much closer the"
                        + " world's frames are to their own action's real frames than to the"
                        + " others' (0 for a world that ignores its actions), with 95%% bootstrap"
                        + " intervals over levels. Under teacher_forced, the dynamics' one-step"
                        + " prediction of the real frames: how many tokens each action changes and"
                        + " how many of those it predicts with the action's code and with NOOP's."
            })
    static final class Controls implements Callable<Integer> {
        @Option(
                names = "--model",
                description = "World model directory (default: the model shipped in genie-env).")
        Path model;

        @Option(
                names = "--levels",
                defaultValue = "1000000..1000255",
                description =
                        "CoinRun levels A..B to start from, held out from training (default:"
                                + " ${DEFAULT-VALUE}).")
        String levels;

        @Option(
                names = "--steps",
                defaultValue = "12",
                description = "Steps each action is held (default: ${DEFAULT-VALUE}).")
        int steps;

        @Option(
                names = "--batch",
                defaultValue = "48",
                description = "Worlds generated together (default: ${DEFAULT-VALUE}).")
        int batch;

        @Mixin SamplingOptions sampling;

        @Option(names = "--seed", defaultValue = "0", description = "Sampling seed.")
        long seed;

        @Override
        public Integer call() throws Exception {
            long[] range = AgentCommands.parseLevels(levels);
            Checks.atLeast("--steps", steps, 1);
            Checks.atLeast("--batch", batch, 1);
            GenieWorld.Options o = sampling.options();
            System.out.println(
                    Json.write(
                            ControlsEval.evaluate(
                                    model,
                                    range[0],
                                    (int) (range[1] - range[0] + 1),
                                    steps,
                                    batch,
                                    o,
                                    seed)));
            return 0;
        }
    }

    /** {@code genie4j eval lam}. */
    @Command(
            name = "lam",
            mixinStandardHelpOptions = true,
            description = {
                "How much a latent action model's actions say about the real ones, as JSON.",
                "On each action-labelled dataset (say, held-out random play, then expert"
                    + " demonstrations): the mutual information between its 8 discrete actions and"
                    + " the real action, 15-way and over the 6 classes {left, none, right} x {jump,"
                    + " no jump}, plug-in and Miller-Madow corrected with a bootstrap 95%% interval"
                    + " over episodes; a linear probe of the real action from the continuous latent"
                    + " (fitted on even, scored on odd episodes) beside the majority class; with"
                    + " --ceiling, the same figures for the inverse model trained with real labels,"
                    + " and the probe ratio."
            })
    static final class Lam implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "LAM run directory.")
        Path model;

        @Option(
                names = "--data",
                required = true,
                arity = "1..*",
                description = "Action-labelled dataset directories, each evaluated in full.")
        List<Path> data;

        @Option(
                names = "--ceiling",
                description = "A LAM trained with real labels (train lam --ceiling) to compare.")
        Path ceiling;

        @Option(
                names = "--max-episodes",
                defaultValue = "0",
                description = "Episodes per dataset at most, in file order (default: 0, all).")
        int maxEpisodes;

        @Option(names = "--seed", defaultValue = "0", description = "Bootstrap seed.")
        long seed;

        @Override
        public Integer call() throws Exception {
            Checks.atLeast("--max-episodes", maxEpisodes, 0);
            ObjectNode out = Checkpoints.JSON.createObjectNode();
            out.set("model", describe(model));
            ArrayNode sets = out.putArray("sets");
            try (LatentActions lam = LatentActions.load(model)) {
                for (Path d : data) {
                    sets.add(LamEval.evaluate(lam, d, maxEpisodes, seed));
                }
            }
            if (ceiling != null) {
                out.set("ceiling_model", describe(ceiling));
                ArrayNode cs = out.putArray("ceiling_sets");
                try (LatentActions lam = LatentActions.load(ceiling)) {
                    for (Path d : data) {
                        cs.add(LamEval.evaluate(lam, d, maxEpisodes, seed));
                    }
                }
                ArrayNode ratios = out.putArray("probe_accuracy_over_ceiling_6");
                for (int i = 0; i < data.size(); i++) {
                    double a = sets.get(i).at("/linear_probe/classes_6/accuracy/value").asDouble();
                    double c = cs.get(i).at("/linear_probe/classes_6/accuracy/value").asDouble();
                    ratios.add(Math.round(a / c * 1000) / 1000.0);
                }
            }
            System.out.println(
                    Checkpoints.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
            return 0;
        }

        private static ObjectNode describe(Path dir) throws IOException {
            ObjectNode json = Checkpoints.readModelJson(dir, ConvLatentActionModel.KIND);
            ObjectNode o = Checkpoints.JSON.createObjectNode();
            o.put("dir", dir.toAbsolutePath().toString());
            o.put("step", json.path("training").path("step").asInt());
            o.put("supervised", json.path("training").path("supervised").asBoolean());
            o.put("labelled_share", json.path("training").path("labelled_share").asDouble());
            o.put("objective", json.path("config").path("objective").asText());
            return o;
        }
    }
}
