package io.genie4j.cli;

import io.genie4j.env.Json;
import io.genie4j.genie.tokenizer.TokenizerEval;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code genie4j eval}: quality figures of trained models, as JSON. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = "Evaluate a trained model on held-out episodes and print JSON.",
        subcommands = {EvalCommand.Tokenizer.class})
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
                "Reconstruction PSNR/SSIM, codebook use and perplexity of a tokenizer on the",
                "validation episodes of a dataset (split by episode as in training)."
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
            TokenizerEval.Result r = TokenizerEval.evaluate(model, data, allEpisodes, maxFrames);
            System.out.println(Json.write(new java.util.TreeMap<>(r.toJson())));
            return 0;
        }
    }
}
