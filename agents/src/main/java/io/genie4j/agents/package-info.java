/**
 * Agents and policies, supervised and reinforcement-learning trainers, and the episode runner with
 * its evaluation statistics. Not implemented yet: this package is filled by the behaviour-cloning
 * issue.
 */
package io.genie4j.agents;
