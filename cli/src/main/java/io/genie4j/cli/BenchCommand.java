package io.genie4j.cli;

import io.genie4j.env.Json;
import io.genie4j.protocol.ProtocolBenchmark;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code genie4j bench}: benchmarks that print their figures as JSON. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Run a benchmark and print its figures as JSON.",
        subcommands = {
            BenchCommand.Protocol.class,
            BenchCommand.CoinRun.class,
            BenchCommand.Train.class
        })
final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code genie4j bench protocol}. */
    @Command(
            name = "protocol",
            mixinStandardHelpOptions = true,
            description = {
                "Env steps/s in-process vs over a loopback EnvServer at several batch sizes,",
                "and round-trip latency (p50/p99, microseconds) of single-env steps and pings."
            })
    static final class Protocol implements Callable<Integer> {
        @Option(
                names = "--envs",
                split = ",",
                defaultValue = "CoinRun-v0,Noop-v0",
                description = "Env ids to measure (default: ${DEFAULT-VALUE}).")
        List<String> envs;

        @Option(
                names = "--batch",
                split = ",",
                defaultValue = "1,16,64",
                description = "Envs per session (default: ${DEFAULT-VALUE}).")
        int[] batch;

        @Option(
                names = "--seconds",
                defaultValue = "3",
                description = "Seconds per measurement (default: ${DEFAULT-VALUE}).")
        double seconds;

        @Override
        public Integer call() {
            System.out.println(Json.write(ProtocolBenchmark.run(envs, batch, seconds)));
            return 0;
        }
    }

    /** {@code genie4j bench coinrun}. */
    @Command(
            name = "coinrun",
            mixinStandardHelpOptions = true,
            description =
                    "Single-thread CoinRun steps/s, easy and hard, with and without rendering,"
                            + " resets included.")
    static final class CoinRun implements Callable<Integer> {
        @Option(
                names = "--seconds",
                defaultValue = "3",
                description = "Seconds per measurement (default: ${DEFAULT-VALUE}).")
        double seconds;

        @Override
        public Integer call() {
            System.out.println(Json.write(io.genie4j.coinrun.CoinRunBenchmark.run(seconds)));
            return 0;
        }
    }

    /** {@code genie4j bench train}. */
    @Command(
            name = "train",
            mixinStandardHelpOptions = true,
            description = {
                "Training frames/s of a model at its default size, the model GFLOP/s achieved",
                "(matrix products, forward + backward) and its fraction of the fp32 matmul peak",
                "measured in the same run."
            })
    static final class Train implements Callable<Integer> {
        @Option(
                names = "--model",
                defaultValue = "tokenizer",
                description = "Model to train: tokenizer (default: ${DEFAULT-VALUE}).")
        String model;

        @Option(
                names = "--seconds",
                defaultValue = "30",
                description = "Seconds of timed training (default: ${DEFAULT-VALUE}).")
        double seconds;

        @Override
        public Integer call() {
            System.out.println(
                    Json.write(io.genie4j.genie.train.TrainBenchmark.run(model, seconds)));
            return 0;
        }
    }
}
