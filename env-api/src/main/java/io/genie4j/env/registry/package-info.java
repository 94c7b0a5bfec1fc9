/**
 * Envs by id: {@link io.genie4j.env.registry.Envs}, their options and registrations, the {@link
 * io.genie4j.env.registry.EnvProvider}s other modules plug in through {@link
 * java.util.ServiceLoader}, prompt sources for world models, and the built-in {@code Corridor-v0}
 * and {@code Noop-v0}.
 */
package io.genie4j.env.registry;
