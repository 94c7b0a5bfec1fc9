package io.genie4j.agents;

import io.genie4j.env.AtomicFiles;
import io.genie4j.env.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a PPO run directory says about the run: {@code run.json} holds the env it trains in, its
 * settings and how far it got at the last checkpoint. Beside it a checkpoint holds {@value
 * #NETWORK} (actor and critic), {@value #OPTIMIZER} (Adam's moments) and {@value #POLICY} (the
 * actor alone, a {@link CnnPolicy} file that {@link PolicyAgent} plays); {@code train.csv} and
 * {@code return.png} log the run. {@code run.json} is written last, so it never names progress the
 * files beside it have not reached.
 *
 * @param envId the registry id of the env
 * @param envOptions the options the env was made with
 * @param numEnvs envs stepped together
 * @param config the run's settings
 * @param update updates done at the checkpoint
 * @param step env steps done at the checkpoint
 * @param seconds training seconds up to the checkpoint, over every session
 * @param episodes episodes finished up to the checkpoint
 * @param rewardStats the reward scaler's running statistics {count, mean, variance}
 */
public record PpoRun(
        String envId,
        Map<String, Object> envOptions,
        int numEnvs,
        PpoConfig config,
        int update,
        long step,
        double seconds,
        long episodes,
        double[] rewardStats) {

    /** The run description's file name. */
    public static final String RUN = "run.json";

    /** The actor-critic network's file name. */
    public static final String NETWORK = "actor_critic.bin";

    /** The optimiser state's file name. */
    public static final String OPTIMIZER = "optimizer.bin";

    /** The exported actor's file name: a {@link CnnPolicy}. */
    public static final String POLICY = "policy.bin";

    private static final String FORMAT = "genie4j-ppo-run";
    private static final int VERSION = 1;

    /** Freezes the options. */
    public PpoRun {
        envOptions = Map.copyOf(envOptions);
        rewardStats = rewardStats.clone();
    }

    /** Whether {@code dir} holds a run. */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(RUN));
    }

    /**
     * Reads the run in {@code dir}.
     *
     * @throws IllegalArgumentException if there is none, or it is not a PPO run of this version
     */
    public static PpoRun read(Path dir) throws IOException {
        Path file = dir.resolve(RUN);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    dir + " holds no PPO run (no " + RUN + "); start one without --resume");
        }
        Map<String, Object> m;
        try {
            m = Json.parseObject(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!FORMAT.equals(m.get("format"))) {
            throw new IllegalArgumentException(file + " is not a genie4j PPO run description");
        }
        if (!(m.get("version") instanceof Number v) || v.intValue() != VERSION) {
            throw new IllegalArgumentException(
                    file + " is PPO run version " + m.get("version") + "; this build reads " + 1);
        }
        try {
            Map<String, Object> env = object(m, "env");
            Map<String, Object> progress = object(m, "progress");
            List<?> stats = (List<?>) m.get("reward_stats");
            return new PpoRun(
                    (String) env.get("id"),
                    object(env, "options"),
                    ((Number) env.get("num_envs")).intValue(),
                    PpoConfig.fromMap(object(m, "config"), PpoConfig.defaults(1)),
                    ((Number) progress.get("update")).intValue(),
                    ((Number) progress.get("step")).longValue(),
                    ((Number) progress.get("seconds")).doubleValue(),
                    ((Number) progress.get("episodes")).longValue(),
                    stats.stream().mapToDouble(o -> ((Number) o).doubleValue()).toArray());
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException(file + " is missing or mistypes a field: " + e, e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof Map<?, ?> o)) {
            throw new IllegalArgumentException("field '" + key + "' is not an object");
        }
        return (Map<String, Object>) o;
    }

    /** Writes {@code run.json} into {@code dir} atomically. */
    void write(Path dir) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("version", VERSION);
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("id", envId);
        env.put("options", new java.util.TreeMap<>(envOptions));
        env.put("num_envs", numEnvs);
        m.put("env", env);
        m.put("config", config.toMap());
        Map<String, Object> progress = new LinkedHashMap<>();
        progress.put("update", update);
        progress.put("step", step);
        progress.put("seconds", seconds);
        progress.put("episodes", episodes);
        m.put("progress", progress);
        m.put("reward_stats", rewardStats);
        AtomicFiles.writeString(dir.resolve(RUN), Json.write(m) + "\n");
    }
}
