package io.genie4j.genie.train;

import io.genie4j.genie.tokenizer.TokenizerConfig;

/**
 * Analytic FLOP counts (a multiply-add is 2 FLOPs) of the models' forward passes, counting matrix
 * products only: the standard way to state a model's compute (Kaplan et al. 2020). Training costs
 * about three times the forward pass.
 */
public final class Flops {

    private Flops() {}

    /** Forward FLOPs of one ST block per frame, for n tokens per frame in clips of t frames. */
    public static double stBlockPerFrame(int n, int t, int d, int ffMult, boolean spatialOnly) {
        double spatial = 2.0 * n * 4 * d * d + 4.0 * n * n * d;
        // Causal temporal attention: position i attends to i + 1 frames, (t + 1) / 2 on average.
        double temporal = spatialOnly ? 0 : 2.0 * n * 4 * d * d + 4.0 * n * d * (t + 1) / 2.0;
        double ff = 2.0 * n * 2 * ffMult * d * d;
        return spatial + temporal + ff;
    }

    /** Forward FLOPs per frame of a video tokenizer (encoder, quantiser, decoder). */
    public static double tokenizerForwardPerFrame(TokenizerConfig c, int t) {
        int n = c.tokensPerFrame();
        int d = c.dim();
        double blocks =
                (c.encoderLayers() + c.decoderLayers())
                        * stBlockPerFrame(n, t, d, c.ffMult(), c.spatialOnly());
        double io = 2.0 * n * (2.0 * c.patchValues() * d + 2.0 * d * c.codeDim());
        double vq = 2.0 * n * 2.0 * c.codes() * c.codeDim();
        return blocks + io + vq;
    }

    /**
     * Forward FLOPs of one cached dynamics pass over a new frame that attends to {@code past}
     * earlier frames (projections, attention, feed-forward and the output head).
     */
    public static double dynamicsPassPerFrame(io.genie4j.genie.world.WorldConfig c, int past) {
        int n = c.tokensPerFrame();
        int d = c.dim();
        double block =
                2.0 * n * 4 * d * d * 2
                        + 4.0 * n * n * d
                        + 4.0 * n * d * (past + 1)
                        + 2.0 * n * 2 * c.ffMult() * d * d;
        return c.layers() * block + 2.0 * n * d * c.codes();
    }

    /** Forward FLOPs of decoding one frame with a cached tokenizer decoder. */
    public static double tokenizerDecodeStepPerFrame(TokenizerConfig c, int past) {
        int n = c.tokensPerFrame();
        int d = c.dim();
        double block =
                2.0 * n * 4 * d * d * 2
                        + 4.0 * n * n * d
                        + 4.0 * n * d * (past + 1)
                        + 2.0 * n * 2 * c.ffMult() * d * d;
        return c.decoderLayers() * block + 2.0 * n * (c.patchValues() * d + c.codeDim() * d);
    }
}
