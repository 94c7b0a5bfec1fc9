/**
 * The Genie4j environment API: {@link io.genie4j.env.Env} with Gymnasium 1.x semantics, spaces,
 * typed tensors, vector envs, wrappers, the registry ({@link io.genie4j.env.Envs}), episode files
 * and {@link io.genie4j.env.EnvChecker}. Pure Java, no dependencies.
 */
package io.genie4j.env;
