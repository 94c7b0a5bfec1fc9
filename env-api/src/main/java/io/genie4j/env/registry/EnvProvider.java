package io.genie4j.env.registry;

import java.util.List;

/**
 * The service through which a module contributes environments to {@link Envs}. Implementations are
 * found with {@link java.util.ServiceLoader}: list the class in {@code
 * META-INF/services/io.genie4j.env.registry.EnvProvider} and give it a public no-argument
 * constructor.
 */
public interface EnvProvider {
    /** The environments this provider contributes. Ids must be unique across all providers. */
    List<EnvRegistration> registrations();
}
