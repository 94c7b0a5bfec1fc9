package io.genie4j.cli;

import io.genie4j.coinrun.CoinRunBenchmark;
import io.genie4j.env.Json;
import io.genie4j.protocol.ProtocolBenchmark;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code genie4j bench}: benchmarks that print their figures as JSON. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Run a benchmark and print its figures as JSON.",
        subcommands = {
            BenchCommand.Protocol.class,
            BenchCommand.CoinRun.class,
            BenchCommand.Train.class,
            BenchCommand.World.class,
            BenchCommand.Play.class
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
                "Env steps/s in-process and over a loopback EnvServer, and round-trip latency.",
                "Steps/s at several batch sizes, with observations through the socket and through"
                        + " shared memory; latency (p50/p99, microseconds) of single-env steps"
                        + " and pings; and what moving the largest batch's observations from one"
                        + " thread to another through shared memory costs on this machine, which"
                        + " bounds the shared-memory figures."
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
            Checks.eachAtLeast("--batch", batch, 1);
            Checks.positive("--seconds", seconds);
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
            Checks.positive("--seconds", seconds);
            System.out.println(Json.write(CoinRunBenchmark.run(seconds)));
            return 0;
        }
    }

    /** {@code genie4j bench train}. */
    @Command(
            name = "train",
            mixinStandardHelpOptions = true,
            description = {
                "Training frames/s and GFLOP/s of a model at its default size.",
                "GFLOP/s counts matrix products, forward + backward, and is compared with the fp32"
                        + " matmul peak measured in the same run."
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
            Checks.positive("--seconds", seconds);
            System.out.println(
                    Json.write(io.genie4j.genie.train.TrainBenchmark.run(model, seconds)));
            return 0;
        }
    }

    /** {@code genie4j bench world}. */
    @Command(
            name = "world",
            mixinStandardHelpOptions = true,
            description = {
                "Frames/s, GFLOP/s and memory of the world model at several batch sizes.",
                "Frames/s with the key-value cache and with naive recomputation of the window;"
                        + " achieved GFLOP/s and its fraction of the matmul peak measured in the"
                        + " same run; resident memory before and after a long cached run."
            })
    static final class World implements Callable<Integer> {
        @Option(
                names = "--model",
                description = "World model directory (default: the model shipped in genie-env).")
        java.nio.file.Path model;

        @Option(
                names = "--batches",
                split = ",",
                defaultValue = "1,8,32",
                description = "Batch sizes (default: ${DEFAULT-VALUE}).")
        int[] batches;

        @Option(
                names = "--seconds",
                defaultValue = "10",
                description = "Seconds per measurement (default: ${DEFAULT-VALUE}).")
        double seconds;

        @Option(
                names = "--memory-frames",
                defaultValue = "100000",
                description =
                        "Frames generated at the largest batch to measure memory (default:"
                                + " ${DEFAULT-VALUE}; 0 to skip).")
        long memoryFrames;

        @Option(
                names = "--env-batch",
                defaultValue = "64",
                description =
                        "Also measure the Genie-v0 vector env of this many worlds, with random"
                                + " actions (CoinRun's through the model's action table, and its"
                                + " reward and termination heads, when it has them), as an agent"
                                + " trains in it (default: ${DEFAULT-VALUE}; 0 to skip).")
        int envBatch;

        @Mixin SamplingOptions sampling;

        @Option(
                names = "--prompt",
                description =
                        "Prompt image (default: the first frame of CoinRun level 1000000)."
                                + PlayCommands.PROMPT_NOTE)
        java.nio.file.Path prompt;

        @Override
        public Integer call() throws Exception {
            Checks.eachAtLeast("--batches", batches, 1);
            Checks.atLeast("--env-batch", envBatch, 0);
            Checks.positive("--seconds", seconds);
            Checks.atLeast("--memory-frames", memoryFrames, 0);
            try (io.genie4j.genie.world.WorldModel m =
                    io.genie4j.genie.world.WorldModel.load(model)) {
                byte[] prompt = PlayCommands.promptFrame(this.prompt, 1_000_000, m);
                var options = sampling.options();
                Map<String, Object> out =
                        new LinkedHashMap<>(
                                io.genie4j.genie.world.WorldBenchmark.run(
                                        m, prompt, batches, seconds, memoryFrames, options));
                if (envBatch > 0) {
                    out.put(
                            "vector_env",
                            io.genie4j.genie.world.WorldBenchmark.env(
                                    model, m, prompt, envBatch, seconds, options));
                }
                System.out.println(Json.write(out));
            }
            return 0;
        }
    }

    /** {@code genie4j bench play}. */
    @Command(
            name = "play",
            mixinStandardHelpOptions = true,
            description = {
                "Soak the play server: scripted players over its web socket, memory over time.",
                "Starts genie4j play's server on a free loopback port, connects --clients players"
                        + " that run, jump, reset with new seeds and record GIFs for --minutes,"
                        + " and prints steps/s and this process's heap (after GC) and resident"
                        + " memory every --sample seconds, as JSON."
            })
    static final class Play implements Callable<Integer> {
        @Option(
                names = "--minutes",
                defaultValue = "30",
                description = "How long to play (default: ${DEFAULT-VALUE}).")
        double minutes;

        @Option(
                names = "--clients",
                defaultValue = "2",
                description = "Players at once (default: ${DEFAULT-VALUE}).")
        int clients;

        @Option(
                names = "--sample",
                defaultValue = "10",
                description = "Seconds between memory samples (default: ${DEFAULT-VALUE}).")
        double sample;

        @Option(
                names = "--env",
                defaultValue = "CoinRun-v0",
                description = "CoinRun-v0 or Genie-v0 (default: ${DEFAULT-VALUE}).")
        String env;

        @Option(
                names = "--model",
                description = "World model directory (side by side with CoinRun-v0).")
        java.nio.file.Path model;

        @Option(
                names = "--side-by-side",
                description = "CoinRun-v0 beside the shipped world model.")
        boolean sideBySide;

        @Override
        public Integer call() throws Exception {
            Checks.positive("--minutes", minutes);
            Checks.atLeast("--clients", clients, 1);
            Checks.positive("--sample", sample);
            PlayCommand c = new PlayCommand();
            c.env = env;
            c.model = model;
            c.sideBySide = sideBySide;
            c.port = 0;
            c.bind = "127.0.0.1";
            c.idleSeconds = 600;
            c.maxSessions = clients;
            try (PlayServer server = c.start()) {
                java.net.URI ws =
                        java.net.URI.create(
                                "ws://127.0.0.1:" + server.port() + "/ws?token=" + server.token());
                var r =
                        io.genie4j.genie.play.PlaySoak.run(
                                ws,
                                clients,
                                java.time.Duration.ofMillis(Math.round(minutes * 60_000)),
                                java.time.Duration.ofMillis(Math.round(sample * 1000)));
                var out = new java.util.LinkedHashMap<String, Object>();
                out.put("env", env);
                out.put("side_by_side", env.equals("CoinRun-v0") && (sideBySide || model != null));
                out.putAll(r);
                System.out.println(Json.write(out));
                // A player that failed makes the figures meaningless: say so in the exit status.
                return ((java.util.List<?>) r.get("failures")).isEmpty() ? 0 : 1;
            }
        }
    }
}
