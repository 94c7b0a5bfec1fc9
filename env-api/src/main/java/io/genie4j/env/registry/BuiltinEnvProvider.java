package io.genie4j.env.registry;

import java.util.List;

/** Registers the environments that ship with env-api: {@code Corridor-v0} and {@code Noop-v0}. */
public final class BuiltinEnvProvider implements EnvProvider {
    /** Used by {@link java.util.ServiceLoader}. */
    public BuiltinEnvProvider() {}

    @Override
    public List<EnvRegistration> registrations() {
        return List.of(CorridorEnv.registration(), NoopEnv.registration());
    }
}
