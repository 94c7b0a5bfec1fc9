/**
 * CoinRun, faithful to OpenAI Procgen, as the {@code CoinRun-v0} environment, with its expert,
 * episode recorder and the behaviour-cloning evaluation. Not implemented yet: this package is
 * filled by the CoinRun and behaviour-cloning issues.
 */
package io.genie4j.coinrun;
