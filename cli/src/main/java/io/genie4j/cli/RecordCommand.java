package io.genie4j.cli;

import io.genie4j.coinrun.EpisodeRecorder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code genie4j record}: records episodes of an env into a dataset of .npz files. */
@Command(
        name = "record",
        mixinStandardHelpOptions = true,
        description = {
            "Record one episode per seed (for CoinRun-v0, per level seed) into DIR as episode .npz"
                    + " files",
            "with a manifest.json. Resumes into an existing DIR, skipping seeds already recorded."
        })
final class RecordCommand implements Callable<Integer> {
    @Option(
            names = "--env",
            defaultValue = "CoinRun-v0",
            description = "Env id (default: ${DEFAULT-VALUE}).")
    String env;

    @Option(
            names = "--policy",
            defaultValue = "random-no-repeat",
            description =
                    "random, random-no-repeat or expert (CoinRun-v0) (default: ${DEFAULT-VALUE}).")
    String policy;

    @Option(names = "--episodes", required = true, description = "Number of seeds to record.")
    int episodes;

    @Option(
            names = "--start-seed",
            defaultValue = "0",
            description = "First seed (default: ${DEFAULT-VALUE}).")
    long startSeed;

    @Option(
            names = "--mode",
            description = "CoinRun's distribution mode, easy or hard (default: hard).")
    String mode;

    @Option(
            names = "--option",
            paramLabel = "NAME=VALUE",
            description = "Another env option; may repeat.")
    Map<String, String> extra = new LinkedHashMap<>();

    @Option(names = "--threads", description = "Worker threads (default: the number of cores).")
    Integer threads;

    @Option(names = "--out", required = true, description = "Dataset directory.")
    Path out;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> options = new LinkedHashMap<>(extra);
        if (mode != null) {
            options.put("distribution_mode", mode);
        }
        int workers = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        EpisodeRecorder.Config config =
                new EpisodeRecorder.Config(env, options, policy, episodes, startSeed, workers);
        EpisodeRecorder.Summary s;
        try (ProgressBar bar =
                new ProgressBarBuilder()
                        .setTaskName("record " + env)
                        .setInitialMax(episodes)
                        .setStyle(ProgressBarStyle.ASCII)
                        .setConsumer(
                                new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                        .build()) {
            s = EpisodeRecorder.record(config, out, bar::stepTo);
        }
        System.out.println(
                "{\"recorded\":"
                        + s.recorded()
                        + ",\"skipped\":"
                        + s.skipped()
                        + ",\"frames\":"
                        + s.frames()
                        + ",\"out\":\""
                        + out.toString().replace("\\", "\\\\").replace("\"", "\\\"")
                        + "\"}");
        return 0;
    }
}
