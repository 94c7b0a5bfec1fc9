/**
 * Recorded episodes on disk: the {@code .npz} episode files ({@link
 * io.genie4j.env.episodes.EpisodeWriter}, {@link io.genie4j.env.episodes.EpisodeReader}), datasets
 * of them, and numpy's {@code .npy}/{@code .npz} formats.
 */
package io.genie4j.env.episodes;
