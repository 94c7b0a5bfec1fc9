package io.genie4j.env.registry;

import io.genie4j.env.Env;
import io.genie4j.env.EnvSpec;
import io.genie4j.env.vector.SyncVectorEnv;
import io.genie4j.env.vector.ThreadedVectorEnv;
import io.genie4j.env.vector.VectorEnv;
import io.genie4j.env.wrappers.TimeLimit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The environment registry, as Gymnasium's {@code gymnasium.make}: every {@link EnvProvider} on the
 * class path (found with {@link ServiceLoader}) contributes its environments, so adding a module's
 * jar adds its envs.
 *
 * <p>{@link #make(String, Map)} validates the options against the registration, builds the env and,
 * if its spec has {@link EnvSpec#maxEpisodeSteps()}, wraps it in a {@link TimeLimit}. Every env
 * accepts the extra option {@value #MAX_EPISODE_STEPS} to override that limit.
 */
public final class Envs {
    /** The option every env accepts: overrides the spec's time limit (0 for none). */
    public static final String MAX_EPISODE_STEPS = "max_episode_steps";

    private static volatile Map<String, EnvRegistration> registry;

    private Envs() {}

    private static Map<String, EnvRegistration> registry() {
        Map<String, EnvRegistration> r = registry;
        if (r == null) {
            synchronized (Envs.class) {
                if (registry == null) {
                    registry =
                            load(
                                    ServiceLoader.load(
                                            EnvProvider.class, Envs.class.getClassLoader()));
                }
                r = registry;
            }
        }
        return r;
    }

    static Map<String, EnvRegistration> load(Iterable<EnvProvider> providers) {
        Map<String, EnvRegistration> m = new TreeMap<>();
        Map<String, String> owner = new TreeMap<>();
        for (EnvProvider p : providers) {
            for (EnvRegistration reg : p.registrations()) {
                String by = p.getClass().getName();
                if (m.putIfAbsent(reg.id(), reg) != null) {
                    throw new IllegalStateException(
                            "env id "
                                    + reg.id()
                                    + " is registered by both "
                                    + owner.get(reg.id())
                                    + " and "
                                    + by);
                }
                owner.put(reg.id(), by);
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /** Every registered id, sorted. */
    public static List<String> ids() {
        return new ArrayList<>(registry().keySet());
    }

    /** Every registration, sorted by id. */
    public static List<EnvRegistration> registrations() {
        return new ArrayList<>(registry().values());
    }

    /**
     * The registration of {@code id}.
     *
     * @throws IllegalArgumentException for an unknown id, listing the registered ones
     */
    public static EnvRegistration registration(String id) {
        EnvRegistration reg = registry().get(id);
        if (reg == null) {
            throw new IllegalArgumentException(
                    "unknown env id '"
                            + id
                            + "'; registered ids: "
                            + (registry().isEmpty()
                                    ? "(none)"
                                    : String.join(", ", registry().keySet())));
        }
        return reg;
    }

    /** {@code make(id, Map.of())}. */
    public static Env<?, ?> make(String id) {
        return make(id, Map.of());
    }

    /**
     * Makes an environment.
     *
     * @param id a registered id
     * @param options option values by name; strings are converted to the declared types, so values
     *     parsed from a command line or JSON work as they are
     * @throws IllegalArgumentException for an unknown id or option (listing what exists) or an
     *     ill-typed value
     */
    public static Env<?, ?> make(String id, Map<String, ?> options) {
        EnvRegistration reg = registration(id);
        Map<String, Object> rest = new java.util.LinkedHashMap<>(options);
        Integer limit = timeLimit(reg, rest);
        EnvOptions resolved = EnvOptions.resolve(reg, rest);
        Env<?, ?> env = reg.factory().apply(resolved);
        return limit == null ? env : TimeLimit.wrap(env, limit);
    }

    /**
     * Checks options for {@code id} without making the env: every name must be declared (or be
     * {@value #MAX_EPISODE_STEPS}) and every value must convert to its declared type.
     *
     * @return the given options, each converted to its type (e.g. the string {@code "5"} of an
     *     integer option becomes {@code 5}), in the given order; options not given are left out
     * @throws IllegalArgumentException for an unknown id or option (listing what exists) or an
     *     ill-typed value, naming the option and the type it expects
     */
    public static Map<String, Object> validateOptions(String id, Map<String, ?> options) {
        EnvRegistration reg = registration(id);
        Map<String, Object> rest = new java.util.LinkedHashMap<>(options);
        Integer limit = options.containsKey(MAX_EPISODE_STEPS) ? timeLimit(reg, rest) : null;
        Map<String, Object> resolved = EnvOptions.resolve(reg, rest).asMap();
        Map<String, Object> typed = new java.util.LinkedHashMap<>();
        for (String name : options.keySet()) {
            typed.put(
                    name,
                    name.equals(MAX_EPISODE_STEPS)
                            ? (limit == null ? Integer.valueOf(0) : limit)
                            : resolved.get(name));
        }
        return typed;
    }

    /**
     * Removes max_episode_steps from {@code rest} and returns the limit it sets (or the spec's).
     */
    private static Integer timeLimit(EnvRegistration reg, Map<String, Object> rest) {
        Integer limit = reg.spec().maxEpisodeSteps();
        if (rest.containsKey(MAX_EPISODE_STEPS)) {
            Object v =
                    EnvOption.ofInt(MAX_EPISODE_STEPS, null, "")
                            .coerce(rest.remove(MAX_EPISODE_STEPS));
            int steps = (Integer) v;
            if (steps < 0) {
                throw new IllegalArgumentException(
                        "option "
                                + MAX_EPISODE_STEPS
                                + " = "
                                + steps
                                + " is invalid: expected >= 0");
            }
            limit = steps == 0 ? null : steps;
        }
        return limit;
    }

    /**
     * Makes {@code n} copies of an env as a {@link VectorEnv} with next-step autoreset: the env's
     * own batched version if it registered one (then {@code threads} is ignored), else {@code n}
     * separate envs.
     *
     * @param threads worker threads; 1 steps the copies in the caller's thread ({@link
     *     SyncVectorEnv}), more use a {@link ThreadedVectorEnv}
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static VectorEnv<?, ?> makeVector(
            String id, int n, Map<String, ?> options, int threads) {
        if (n < 1) {
            throw new IllegalArgumentException("a vector env needs at least 1 env, got " + n);
        }
        EnvRegistration reg = registration(id);
        if (reg.vectorFactory() != null) {
            Map<String, Object> rest = new java.util.LinkedHashMap<>(options);
            Integer limit = timeLimit(reg, rest);
            return reg.vectorFactory().make(EnvOptions.resolve(reg, rest), n, limit);
        }
        List<Env> envs = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                envs.add(make(id, options));
            }
        } catch (RuntimeException e) {
            envs.forEach(Env::close);
            throw e;
        }
        List raw = envs;
        return threads <= 1 ? new SyncVectorEnv<>(raw) : new ThreadedVectorEnv<>(raw, threads);
    }
}
