/**
 * The studies that score in real CoinRun: the behaviour-cloning study ({@link
 * io.genie4j.coinrun.eval.BcStudy}: the oracle against latent-action BC, blind and random play).
 */
package io.genie4j.coinrun.eval;
