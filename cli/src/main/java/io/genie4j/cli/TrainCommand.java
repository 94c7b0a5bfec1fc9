package io.genie4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genie4j.env.Json;
import io.genie4j.genie.tokenizer.TokenizerConfig;
import io.genie4j.genie.tokenizer.TokenizerTrainer;
import io.genie4j.genie.train.Checkpoints;
import io.genie4j.genie.train.TrainConfig;
import io.genie4j.genie.train.TrainListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code genie4j train}: trains the world model's parts. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description =
                "Train a world-model part into a run directory (checkpoints, train.csv, loss.png).",
        subcommands = {TrainCommand.Tokenizer.class})
final class TrainCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code genie4j train tokenizer}. */
    @Command(
            name = "tokenizer",
            mixinStandardHelpOptions = true,
            description = {
                "Train the ST-ViViT video tokenizer (VQ-VAE) on a directory of .npz episodes.",
                "Checkpoints every few hundred steps; --resume continues a stopped run exactly;",
                "Ctrl-C stops after writing a checkpoint. Prints a JSON summary at the end."
            })
    static final class Tokenizer implements Callable<Integer> {
        @Option(names = "--data", required = true, description = "Dataset directory of episodes.")
        Path data;

        @Option(names = "--out", required = true, description = "Run directory.")
        Path out;

        @Option(
                names = "--config",
                description = {
                    "JSON file overriding defaults: {\\\"model\\\": {...}, \\\"train\\\": {...}}",
                    "with the field names of model.json's config and train_config."
                })
        Path config;

        @Option(names = "--steps", description = "Total steps (overrides the config).")
        Integer steps;

        @Option(
                names = "--minutes",
                defaultValue = "0",
                description = "Stop after this many minutes in this call (0: no limit).")
        double minutes;

        @Option(names = "--resume", description = "Continue the run in --out.")
        boolean resume;

        @Override
        public Integer call() throws Exception {
            TokenizerConfig model = TokenizerConfig.defaults();
            TrainConfig train = TrainConfig.tokenizerDefaults();
            if (resume && (config != null || steps != null)) {
                throw new IllegalArgumentException(
                        "--resume continues with the run's own config; drop --config and --steps");
            }
            if (config != null) {
                JsonNode user = readConfig(config);
                model = merge(model, user.path("model"), TokenizerConfig.class);
                train = merge(train, user.path("train"), TrainConfig.class);
            }
            if (steps != null) {
                train = train.withSteps(steps);
            }
            CountDownLatch done = new CountDownLatch(1);
            ProgressBar[] bar = new ProgressBar[1];
            StopOnSignal listener =
                    new StopOnSignal() {
                        @Override
                        public void onStart(int fromStep, int total) {
                            bar[0] =
                                    new ProgressBarBuilder()
                                            .setTaskName("train tokenizer")
                                            .setInitialMax(total)
                                            .setStyle(ProgressBarStyle.ASCII)
                                            .setConsumer(
                                                    new me.tongfei.progressbar
                                                            .ConsoleProgressBarConsumer(System.err))
                                            .startsFrom(fromStep, java.time.Duration.ZERO)
                                            .build();
                        }

                        @Override
                        public void onStep(StepInfo info) {
                            bar[0].stepTo(info.step());
                            bar[0].setExtraMessage(
                                    String.format(
                                            Locale.ROOT,
                                            " loss %.4f  %.0f frames/s",
                                            info.loss(),
                                            info.framesPerSecond()));
                        }
                    };
            Thread hook =
                    new Thread(
                            () -> {
                                listener.stop = true;
                                try {
                                    done.await();
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            });
            Runtime.getRuntime().addShutdownHook(hook);
            TokenizerTrainer.Result r;
            try {
                r = TokenizerTrainer.train(data, out, model, train, minutes, resume, listener);
            } finally {
                if (bar[0] != null) {
                    bar[0].close();
                }
                done.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: the JVM exits once we return
                }
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("out", out.toAbsolutePath().toString());
            json.put("step", r.step());
            json.put("seconds", Math.round(r.seconds() * 10) / 10.0);
            json.put("frames", r.frames());
            json.put("frames_per_s", Math.round(r.framesPerSecond() * 10) / 10.0);
            System.out.println(Json.write(json));
            return 0;
        }
    }

    /** A listener that asks the trainer to stop once {@link #stop} is set (by Ctrl-C). */
    abstract static class StopOnSignal implements TrainListener {
        volatile boolean stop;

        @Override
        public boolean stopRequested() {
            return stop;
        }
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
