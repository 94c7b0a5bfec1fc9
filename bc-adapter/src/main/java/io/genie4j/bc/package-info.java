/**
 * Behaviour cloning from latent actions (Genie §3.3): {@link io.genie4j.bc.LatentLabeler} lets a
 * frozen latent action model label expert video that has no actions; a latent policy (an {@link
 * io.genie4j.agents.CnnPolicy} trained on those labels) picks latent codes from frames; an {@link
 * io.genie4j.bc.ActionMapping} fitted on a few action-labelled transitions turns codes into real
 * actions, either Genie's co-occurrence {@link io.genie4j.bc.DictionaryMapping} or LAPO's {@link
 * io.genie4j.bc.LearnedMapping}; {@link io.genie4j.bc.LatentBcAgent} plays with both.
 */
package io.genie4j.bc;
