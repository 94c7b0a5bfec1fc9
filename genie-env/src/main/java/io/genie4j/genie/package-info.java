/**
 * The Genie world model on DJL: the ST-transformer, the video tokenizer, the latent action model,
 * the MaskGIT dynamics, training, metrics, checkpoints, {@code GenieWorld} inference and the {@code
 * Genie-v0} environment. Not implemented yet: this package is filled by the world-model issues; for
 * now the module carries the DJL PyTorch dependencies and the test that they load offline.
 */
package io.genie4j.genie;
