package io.genie4j.cli;

import io.genie4j.agents.CnnPolicy;
import io.genie4j.agents.EpisodeStats;
import io.genie4j.agents.PolicyEval;
import io.genie4j.agents.PpoConfig;
import io.genie4j.agents.PpoRun;
import io.genie4j.agents.PpoTrainer;
import io.genie4j.env.Json;
import io.genie4j.env.registry.EnvOption;
import io.genie4j.env.registry.Envs;
import io.genie4j.env.vector.VectorEnv;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code genie4j train agent} and {@code genie4j eval agent}: thin wiring over agents' PPO. */
final class AgentCommands {
    private AgentCommands() {}

    /** {@code genie4j train agent}. */
    @Command(
            name = "agent",
            mixinStandardHelpOptions = true,
            description = {
                "Train a policy with PPO in any env with discrete actions and image observations.",
                "CleanRL's Procgen PPO (clipped objective, GAE, clipped value loss, entropy bonus,"
                        + " reward scaling) with an IMPALA CNN reading frames pooled to 32x32."
                        + " Writes to --out a checkpoint every few updates (network, optimiser,"
                        + " policy.bin for eval agent), train.csv and return.png; --resume"
                        + " continues a stopped run; Ctrl-C stops after a checkpoint. Prints a"
                        + " JSON summary."
            })
    static final class Train implements Callable<Integer> {
        @Option(names = "--env", description = "Env id (see genie4j envs), e.g. CoinRun-v0.")
        String env;

        @Option(
                names = "--option",
                paramLabel = "NAME=VALUE",
                description = "An env option, such as distribution_mode=easy; may repeat.")
        Map<String, String> options = new LinkedHashMap<>();

        @Option(
                names = "--num-envs",
                description = "Envs stepped together (default: 64, as CleanRL's Procgen PPO).")
        Integer numEnvs;

        @Option(
                names = "--threads",
                defaultValue = "1",
                description = "Threads that step the envs (default: ${DEFAULT-VALUE}).")
        int threads;

        @Option(
                names = "--steps",
                description =
                        "Env steps in all (every env's steps count). With --resume, extends the"
                                + " run to this many.")
        Long steps;

        @Option(names = "--out", required = true, description = "Run directory.")
        Path out;

        @Option(names = "--resume", description = "Continue the run in --out.")
        boolean resume;

        @Option(
                names = "--config",
                description =
                        "JSON file overriding PPO settings by name (learning_rate, rollout_steps,"
                                + " gamma, gae_lambda, minibatches, epochs, clip_coef, ent_coef,"
                                + " vf_coef, max_grad_norm, anneal_lr, channels, hidden,"
                                + " downsample, checkpoint_every, seed, ...; see run.json).")
        Path config;

        @Override
        public Integer call() throws Exception {
            Checks.outputDirectory("--out", out);
            Checks.atLeast("--threads", threads, 1);
            if (steps != null) {
                Checks.atLeast("--steps", steps, 1);
            }
            String id;
            Map<String, Object> envOptions;
            int n;
            PpoConfig c;
            if (resume) {
                if (env != null || !options.isEmpty() || numEnvs != null || config != null) {
                    throw new IllegalArgumentException(
                            "--resume continues with the run's own env and settings; drop --env,"
                                    + " --option, --num-envs and --config");
                }
                PpoRun run = PpoRun.read(out);
                id = run.envId();
                envOptions = run.envOptions();
                n = run.numEnvs();
                c = steps != null ? run.config().withSteps(steps) : run.config();
            } else {
                if (env == null || steps == null) {
                    throw new IllegalArgumentException(
                            "a new run needs --env and --steps (or --resume to continue one)");
                }
                id = env;
                envOptions = new LinkedHashMap<>(options);
                n = numEnvs != null ? numEnvs : 64;
                Checks.atLeast("--num-envs", n, 1);
                c = PpoConfig.defaults(steps);
                if (config != null) {
                    c = PpoConfig.fromMap(readObject(config), c).withSteps(steps);
                }
            }
            PpoTrainer.Result r;
            // Ctrl-C asks the trainer to stop after a checkpoint; the JVM waits until it has.
            try (VectorEnv<?, ?> vec = Envs.makeVector(id, n, envOptions, threads);
                    ConsoleRun console = new ConsoleRun()) {
                r = PpoTrainer.train(vec, id, envOptions, out, c, resume, listener(console));
            }
            Map<String, Object> json = new LinkedHashMap<>(r.toMap());
            json.put("env", id);
            json.put("num_envs", n);
            System.out.println(Json.write(json));
            return 0;
        }
    }

    /** {@code genie4j eval agent}. */
    @Command(
            name = "agent",
            mixinStandardHelpOptions = true,
            description = {
                "Score a trained policy (a train agent run) in an env and print JSON.",
                "Success rate with a Wilson 95%% interval, mean return with a Student-t 95%%"
                        + " interval, mean length and env steps per second. --levels A..B plays"
                        + " levels drawn from that range (CoinRun's start_level and num_levels)."
            })
    static final class Eval implements Callable<Integer> {
        @Option(
                names = "--policy",
                required = true,
                description = "A train agent run directory, or a policy file.")
        Path policy;

        @Option(names = "--env", required = true, description = "Env id, e.g. CoinRun-v0.")
        String env;

        @Option(
                names = "--option",
                paramLabel = "NAME=VALUE",
                description = "An env option, such as distribution_mode=easy; may repeat.")
        Map<String, String> options = new LinkedHashMap<>();

        @Option(
                names = "--levels",
                paramLabel = "A..B",
                description =
                        "Play levels A to B (sets the env's start_level and num_levels), e.g."
                                + " 100000..100999 for levels unseen in training on 0..N.")
        String levels;

        @Option(
                names = "--episodes",
                defaultValue = "100",
                description = "Episodes to play (default: ${DEFAULT-VALUE}).")
        int episodes;

        @Option(
                names = "--num-envs",
                defaultValue = "16",
                description = "Envs stepped together (default: ${DEFAULT-VALUE}).")
        int numEnvs;

        @Option(
                names = "--greedy",
                description = "Take the most likely action instead of sampling from the policy.")
        boolean greedy;

        @Option(
                names = "--seed",
                defaultValue = "0",
                description = "Seed of the resets and sampling.")
        long seed;

        @Override
        public Integer call() throws Exception {
            Checks.atLeast("--episodes", episodes, 1);
            Checks.atLeast("--num-envs", numEnvs, 1);
            Map<String, Object> envOptions = new LinkedHashMap<>(options);
            if (levels != null) {
                long[] range = parseLevels(levels);
                for (String o : new String[] {"start_level", "num_levels"}) {
                    if (Envs.registration(env).options().stream()
                            .map(EnvOption::name)
                            .noneMatch(o::equals)) {
                        throw new IllegalArgumentException(
                                "--levels sets the env's " + o + ", and " + env + " has none");
                    }
                    if (options.containsKey(o)) {
                        throw new IllegalArgumentException(
                                "--levels and --option " + o + " set the same thing: give one");
                    }
                }
                envOptions.put("start_level", range[0]);
                envOptions.put("num_levels", range[1] - range[0] + 1);
            }
            Path file = PolicyEval.policyFile(policy);
            EpisodeStats s;
            try (CnnPolicy p = CnnPolicy.load(file);
                    VectorEnv<?, ?> vec = Envs.makeVector(env, numEnvs, envOptions, 1)) {
                ProgressBar bar = ConsoleRun.bar("eval agent", 0, episodes);
                try {
                    s =
                            PolicyEval.evaluate(
                                    p,
                                    vec,
                                    episodes,
                                    seed,
                                    greedy,
                                    (done, total, e) -> bar.stepTo(done));
                } finally {
                    bar.close();
                }
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("policy", file.toAbsolutePath().toString());
            json.put("env", env);
            json.put("options", envOptions);
            if (levels != null) {
                json.put("levels", levels);
            }
            json.putAll(s.toMap());
            json.put(
                    "steps_per_s",
                    s.seconds() > 0 ? Math.round(s.steps() / s.seconds() * 10) / 10.0 : null);
            System.out.println(Json.write(json));
            return 0;
        }
    }

    /** {@code A..B} as {A, B}, 0 <= A <= B. */
    static long[] parseLevels(String text) {
        String[] parts = text.split("\\.\\.", -1);
        try {
            long a = Long.parseLong(parts[0].trim());
            long b = Long.parseLong(parts[parts.length - 1].trim());
            if (parts.length != 2 || a < 0 || b < a || b >= Integer.MAX_VALUE) {
                throw new NumberFormatException();
            }
            return new long[] {a, b};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--levels " + text + " is invalid: expected A..B with 0 <= A <= B");
        }
    }

    private static Map<String, Object> readObject(Path file) throws java.io.IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("config file " + file + " does not exist");
        }
        try {
            return Json.parseObject(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "config file " + file + " is not a JSON object: " + e.getMessage());
        }
    }

    /** A PPO listener that shows progress on {@code console} and stops when it is asked to. */
    private static PpoTrainer.Listener listener(ConsoleRun console) {
        return new PpoTrainer.Listener() {
            @Override
            public void onStart(long step, long total) {
                console.startBar("train agent", step, total);
            }

            @Override
            public void onUpdate(PpoTrainer.Update u) {
                console.bar().stepTo(u.step());
                console.bar()
                        .setExtraMessage(
                                String.format(
                                        Locale.ROOT,
                                        " return %.2f  success %.2f  %.0f steps/s",
                                        u.returnLast100(),
                                        u.successLast100(),
                                        u.stepsPerSecond()));
            }

            @Override
            public boolean stopRequested() {
                return console.stopRequested();
            }
        };
    }
}
