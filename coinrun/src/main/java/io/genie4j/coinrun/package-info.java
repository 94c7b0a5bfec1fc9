/**
 * CoinRun, reimplemented from OpenAI Procgen 0.10's source (MIT licence) to play the same levels
 * and the same episodes: Procgen's random generator ({@link io.genie4j.coinrun.ProcgenRandom}),
 * level generation ({@link io.genie4j.coinrun.CoinRunLevel}), physics ({@link
 * io.genie4j.coinrun.CoinRunGame}), the {@code CoinRun-v0} environment ({@link
 * io.genie4j.coinrun.CoinRunEnv}) with its own renderer, the expert ({@link
 * io.genie4j.coinrun.CoinRunExpert}) and its demonstrations, the episode recorder, and the
 * inspection and benchmark code behind {@code genie4j coinrun level|trace} and {@code genie4j bench
 * coinrun}. Pure Java: this module depends on {@code env-api} alone.
 */
package io.genie4j.coinrun;
