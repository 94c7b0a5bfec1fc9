package io.genie4j.cli;

import io.genie4j.env.Json;
import io.genie4j.genie.tokenizer.TokenizerEval;
import io.genie4j.genie.world.GenieWorld;
import io.genie4j.genie.world.WorldEval;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code genie4j eval}: quality figures of trained models, as JSON. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = "Evaluate a trained model on held-out episodes and print JSON.",
        subcommands = {EvalCommand.Tokenizer.class, EvalCommand.World.class})
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
                        + " against the real actions taken."
            })
    static final class World implements Callable<Integer> {
        @Option(
                names = "--model",
                description = "World model directory (default: the model shipped in genie-env).")
        Path model;

        @Option(names = "--data", required = true, description = "Dataset directory of episodes.")
        Path data;

        @Option(
                names = "--all-episodes",
                description =
                        "Use every episode of --data (a dataset recorded apart from training),"
                                + " not its validation split.")
        boolean allEpisodes;

        @Option(
                names = "--clips",
                defaultValue = "64",
                description = "Clips of 12 frames to evaluate at most (default: ${DEFAULT-VALUE}).")
        int clips;

        @Option(
                names = "--batch",
                defaultValue = "16",
                description = "Worlds generated together (default: ${DEFAULT-VALUE}).")
        int batch;

        @Mixin SamplingOptions sampling;

        @Option(names = "--seed", defaultValue = "0", description = "Sampling seed.")
        long seed;

        @Override
        public Integer call() throws Exception {
            Checks.atLeast("--clips", clips, 1);
            Checks.atLeast("--batch", batch, 1);
            GenieWorld.Options o = sampling.options();
            Map<String, Object> r =
                    WorldEval.evaluate(model, data, allEpisodes, clips, batch, o, seed);
            System.out.println(Json.write(r));
            return 0;
        }
    }
}
