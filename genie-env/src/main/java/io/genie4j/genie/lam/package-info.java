/**
 * The convolutional latent action model (LAM v2): an inverse model that reads a transition from
 * three full frames into a continuous latent, a forward model that must predict the next frame from
 * the two frames before it and that latent, the eight discrete actions the dynamics model and
 * {@code Genie-v0} use (k-means over the latents), its trainer and its evaluation against real
 * actions.
 */
package io.genie4j.genie.lam;
