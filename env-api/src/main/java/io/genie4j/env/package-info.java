/**
 * The Genie4j environment API, with Gymnasium 1.x semantics. At the root, the core types: {@link
 * io.genie4j.env.Env} with its {@link io.genie4j.env.Step} and {@link io.genie4j.env.Reset}, {@link
 * io.genie4j.env.EnvSpec}, typed {@link io.genie4j.env.Tensor}s, JSON, atomic files and {@link
 * io.genie4j.env.EnvChecker}. Beside them, as Gymnasium splits its own: {@code spaces}, {@code
 * vector} (batches of envs), {@code wrappers}, {@code episodes} (episode files, numpy's formats)
 * and {@code registry} ({@link io.genie4j.env.registry.Envs}, options, providers and the built-in
 * envs). Pure Java; its one dependency is Jackson, for JSON.
 */
package io.genie4j.env;
