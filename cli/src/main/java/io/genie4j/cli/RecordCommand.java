package io.genie4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genie4j.coinrun.EpisodeRecorder;
import io.genie4j.env.registry.EnvOption;
import io.genie4j.env.registry.EnvRegistration;
import io.genie4j.env.registry.Envs;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code genie4j record}: records episodes of an env into a dataset of .npz files. */
@Command(
        name = "record",
        mixinStandardHelpOptions = true,
        description = {
            "Record episodes of an env into a dataset directory of .npz files.",
            "One episode per seed (for CoinRun-v0, per level seed), with a manifest.json. Resumes"
                    + " into an existing --out, skipping seeds already recorded. Options are"
                    + " checked against the env's own (genie4j envs lists them) before anything is"
                    + " written."
        })
final class RecordCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** CoinRun's options that record sets from each episode's seed. */
    private static final java.util.List<String> LEVEL_OPTIONS =
            java.util.List.of("start_level", "num_levels");

    @Option(
            names = "--env",
            defaultValue = "CoinRun-v0",
            description = "Env id (default: ${DEFAULT-VALUE}).")
    String env;

    @Option(
            names = "--policy",
            defaultValue = "random-no-repeat",
            description =
                    "random, random-no-repeat, random-sticky (each action held 1 to 12 steps) or"
                            + " expert (CoinRun-v0) (default: ${DEFAULT-VALUE}).")
    String policy;

    @Option(
            names = "--episodes",
            required = true,
            description = "Number of seeds to record, at least 1.")
    int episodes;

    @Option(
            names = "--start-seed",
            defaultValue = "0",
            description = "First seed, at least 0 (default: ${DEFAULT-VALUE}).")
    long startSeed;

    @Option(
            names = "--mode",
            description = "CoinRun's distribution mode: ${COMPLETION-CANDIDATES} (default: hard).")
    CoinRunCommand.Mode mode;

    @Option(
            names = "--option",
            paramLabel = "NAME=VALUE",
            description =
                    "Another env option, checked against the env's declared options and their"
                            + " types; may repeat.")
    Map<String, String> extra = new LinkedHashMap<>();

    @Option(names = "--threads", description = "Worker threads (default: the number of cores).")
    Integer threads;

    @Option(names = "--out", required = true, description = "Dataset directory.")
    Path out;

    @Override
    public Integer call() throws Exception {
        Checks.atLeast("--episodes", episodes, 1);
        Checks.atLeast("--start-seed", startSeed, 0);
        if (threads != null) {
            Checks.atLeast("--threads", threads, 1);
        }
        EnvRegistration reg = Envs.registration(env);
        boolean coinrun = env.equals("CoinRun-v0");
        if (!EpisodeRecorder.POLICIES.contains(policy)) {
            throw new IllegalArgumentException(
                    "--policy "
                            + policy
                            + " is not one of "
                            + String.join(", ", EpisodeRecorder.POLICIES));
        }
        if (policy.equals("expert") && !coinrun) {
            throw new IllegalArgumentException(
                    "--policy expert plays CoinRun-v0 only; record " + env + " with random play");
        }
        if (coinrun && startSeed + episodes - 1 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "--start-seed + --episodes - 1 must be <= "
                            + Integer.MAX_VALUE
                            + " (CoinRun level seeds are 32-bit), got "
                            + (startSeed + episodes - 1));
        }
        Map<String, Object> options = new LinkedHashMap<>(extra);
        if (coinrun) {
            for (String level : LEVEL_OPTIONS) {
                if (extra.containsKey(level)) {
                    throw new IllegalArgumentException(
                            "--option "
                                    + level
                                    + " cannot be given: record sets it from each episode's seed."
                                    + " Choose the levels with --start-seed and --episodes");
                }
            }
        }
        if (mode != null) {
            if (reg.options().stream()
                    .map(EnvOption::name)
                    .noneMatch("distribution_mode"::equals)) {
                throw new IllegalArgumentException(
                        "--mode sets CoinRun-v0's distribution_mode; "
                                + env
                                + " has no such option");
            }
            if (extra.containsKey("distribution_mode")) {
                throw new IllegalArgumentException(
                        "--mode and --option distribution_mode set the same thing: give one");
            }
            options.put("distribution_mode", mode.name());
        }
        Checks.outputDirectory("--out", out);
        int workers = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        // Checks the options against the env's declarations and converts them to their types.
        EpisodeRecorder.Config config =
                new EpisodeRecorder.Config(env, options, policy, episodes, startSeed, workers);
        ProgressBar[] bar = new ProgressBar[1];
        EpisodeRecorder.Summary s;
        try {
            // The bar starts once the env has been made and the dataset opened: a bad option
            // leaves neither a dataset nor a progress bar behind.
            s =
                    EpisodeRecorder.record(
                            config,
                            out,
                            () -> bar[0] = ConsoleRun.bar("record " + env, 0, episodes),
                            done -> {
                                ProgressBar b = bar[0];
                                if (b != null) {
                                    b.stepTo(done);
                                }
                            });
        } finally {
            if (bar[0] != null) {
                bar[0].close();
            }
        }
        ObjectNode json = JSON.createObjectNode();
        json.put("recorded", s.recorded());
        json.put("skipped", s.skipped());
        json.put("frames", s.frames());
        json.put("out", out.toString());
        System.out.println(JSON.writeValueAsString(json));
        return 0;
    }
}
