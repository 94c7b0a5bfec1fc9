/**
 * Agents and policies, supervised and reinforcement-learning trainers, and the episode runner with
 * its evaluation statistics.
 *
 * <p>{@link io.genie4j.agents.CnnPolicy} is an IMPALA CNN over 64×64 frames; {@link
 * io.genie4j.agents.SupervisedTrainer} clones labelled frames into it; {@link
 * io.genie4j.agents.EpisodeRunner} plays any {@link io.genie4j.agents.Agent} in a vector env and
 * returns {@link io.genie4j.agents.EpisodeStats} with 95% confidence intervals. Reinforcement
 * learning trainers are not written yet.
 */
package io.genie4j.agents;
