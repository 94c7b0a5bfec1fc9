/**
 * Envs around envs: {@link io.genie4j.env.wrappers.TimeLimit}, {@link
 * io.genie4j.env.wrappers.FrameStack}, {@link io.genie4j.env.wrappers.RecordEpisodes}.
 */
package io.genie4j.env.wrappers;
