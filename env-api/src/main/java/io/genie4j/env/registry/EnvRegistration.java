package io.genie4j.env.registry;

import io.genie4j.env.Env;
import io.genie4j.env.EnvSpec;
import io.genie4j.env.vector.VectorEnv;
import io.genie4j.env.wrappers.TimeLimit;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * One environment an {@link EnvProvider} contributes to the registry.
 *
 * @param id the id, {@code Name-vN}
 * @param description one line for {@code genie4j envs}
 * @param spec the spec (its options are filled in by {@link Envs#make(String, java.util.Map)})
 * @param options every option the env accepts
 * @param factory builds the env from validated options; it must not wrap the env in a {@link
 *     TimeLimit}, which {@code make} adds from the spec
 * @param vectorFactory builds N copies as one {@link VectorEnv} that steps them together (for envs
 *     that batch their work, such as a neural world model), or null to step N separate envs
 */
public record EnvRegistration(
        String id,
        String description,
        EnvSpec spec,
        List<EnvOption> options,
        Function<EnvOptions, Env<?, ?>> factory,
        VectorFactory vectorFactory) {

    /** Builds a batched {@link VectorEnv} of an env. */
    @FunctionalInterface
    public interface VectorFactory {
        /**
         * Makes {@code n} envs from validated options, truncating episodes after {@code
         * maxEpisodeSteps} steps (null for no limit), with next-step autoreset.
         */
        VectorEnv<?, ?> make(EnvOptions options, int n, Integer maxEpisodeSteps);
    }

    /** A registration without a batched vector version. */
    public EnvRegistration(
            String id,
            String description,
            EnvSpec spec,
            List<EnvOption> options,
            Function<EnvOptions, Env<?, ?>> factory) {
        this(id, description, spec, options, factory, null);
    }

    /** Validates the registration. */
    public EnvRegistration {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(factory, "factory");
        if (!id.matches("[A-Za-z][A-Za-z0-9_.:/-]*-v\\d+")) {
            throw new IllegalArgumentException("env id '" + id + "' is not of the form Name-vN");
        }
        if (!spec.id().equals(id)) {
            throw new IllegalArgumentException("spec id " + spec.id() + " differs from id " + id);
        }
        options = List.copyOf(options);
        description = description == null ? "" : description;
    }
}
