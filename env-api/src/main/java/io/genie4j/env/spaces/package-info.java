/**
 * Observation and action spaces: {@link io.genie4j.env.spaces.Discrete}, {@link
 * io.genie4j.env.spaces.Box}, {@link io.genie4j.env.spaces.MultiDiscrete} and {@link
 * io.genie4j.env.spaces.Dict}, with their JSON form ({@link io.genie4j.env.spaces.Spaces}).
 */
package io.genie4j.env.spaces;
