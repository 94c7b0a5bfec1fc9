package io.genie4j.env;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The description of a registered environment, as Gymnasium's {@code EnvSpec}.
 *
 * @param id the registry id, {@code Name-vN}
 * @param maxEpisodeSteps the step after which an episode is truncated, or {@code null} for none
 * @param renderFps the frame rate at which to show {@link Env#render()} frames to a person
 * @param rewardThreshold the return at which the task counts as solved, or {@code null}
 * @param autoresetMode how vector versions of this env reset ended episodes
 * @param options the options the env was made with (JSON-compatible values)
 */
public record EnvSpec(
        String id,
        Integer maxEpisodeSteps,
        int renderFps,
        Double rewardThreshold,
        AutoresetMode autoresetMode,
        Map<String, Object> options) {

    /** Validates and freezes the spec. */
    public EnvSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(autoresetMode, "autoresetMode");
        if (maxEpisodeSteps != null && maxEpisodeSteps < 1) {
            throw new IllegalArgumentException(
                    "maxEpisodeSteps must be >= 1, got " + maxEpisodeSteps);
        }
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /** A spec with no time limit or threshold, 15 fps, next-step autoreset and no options. */
    public static EnvSpec of(String id) {
        return new EnvSpec(id, null, 15, null, AutoresetMode.NEXT_STEP, Map.of());
    }

    /** This spec with another time limit. */
    public EnvSpec withMaxEpisodeSteps(Integer steps) {
        return new EnvSpec(id, steps, renderFps, rewardThreshold, autoresetMode, options);
    }

    /** This spec with other options. */
    public EnvSpec withOptions(Map<String, Object> newOptions) {
        return new EnvSpec(
                id, maxEpisodeSteps, renderFps, rewardThreshold, autoresetMode, newOptions);
    }

    /**
     * The JSON form: {@code
     * {"id","max_episode_steps","render_fps","reward_threshold","autoreset_mode","options"}}.
     */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("max_episode_steps", maxEpisodeSteps);
        m.put("render_fps", renderFps);
        m.put("reward_threshold", rewardThreshold);
        m.put("autoreset_mode", autoresetMode.wireName());
        m.put("options", options);
        return m;
    }

    /**
     * Reads a spec from its JSON form.
     *
     * @throws IllegalArgumentException naming a missing or malformed field
     */
    @SuppressWarnings("unchecked")
    public static EnvSpec fromJson(Map<String, ?> json) {
        if (!(json.get("id") instanceof String id)) {
            throw new IllegalArgumentException("env spec JSON needs a string \"id\"");
        }
        Object max = json.get("max_episode_steps");
        Object fps = json.get("render_fps");
        Object threshold = json.get("reward_threshold");
        Object mode = json.get("autoreset_mode");
        Object options = json.get("options");
        return new EnvSpec(
                id,
                max instanceof Number n ? Integer.valueOf(n.intValue()) : null,
                fps instanceof Number n ? n.intValue() : 15,
                threshold instanceof Number n ? Double.valueOf(n.doubleValue()) : null,
                mode instanceof String s ? AutoresetMode.fromWireName(s) : AutoresetMode.NEXT_STEP,
                options instanceof Map<?, ?> o ? (Map<String, Object>) o : Map.of());
    }
}
