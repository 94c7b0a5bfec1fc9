package io.genie4j.genie;

import io.genie4j.env.registry.EnvProvider;
import io.genie4j.env.registry.EnvRegistration;
import java.util.List;

/** Registers {@code Genie-v0}. */
public final class GenieEnvProvider implements EnvProvider {
    /** Used by {@link java.util.ServiceLoader}. */
    public GenieEnvProvider() {}

    @Override
    public List<EnvRegistration> registrations() {
        return List.of(GenieEnv.registration());
    }
}
