/**
 * Behaviour cloning from latent actions: the frozen latent action model labels expert video, a
 * latent policy learns those labels, and a mapping learned from a few action-labelled samples turns
 * latent actions into real ones. Not implemented yet: this package is filled by the
 * behaviour-cloning issue.
 */
package io.genie4j.bc;
