package io.genie4j.coinrun;

import io.genie4j.env.registry.EnvProvider;
import io.genie4j.env.registry.EnvRegistration;
import java.util.List;

/** Registers {@code CoinRun-v0}. */
public final class CoinRunEnvProvider implements EnvProvider {
    /** Used by {@link java.util.ServiceLoader}. */
    public CoinRunEnvProvider() {}

    @Override
    public List<EnvRegistration> registrations() {
        return List.of(CoinRunEnv.registration());
    }
}
