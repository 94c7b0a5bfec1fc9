/**
 * CoinRun, faithful to OpenAI Procgen. So far: Procgen's random generator ({@link
 * io.genie4j.coinrun.ProcgenRandom}) and level generation ({@link
 * io.genie4j.coinrun.CoinRunLevel}), inspectable with {@code genie4j coinrun level}. The game's
 * physics, the {@code CoinRun-v0} environment, its renderer, expert and recorder are not written
 * yet.
 */
package io.genie4j.coinrun;
