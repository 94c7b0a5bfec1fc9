package io.genie4j.genie.world;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import io.genie4j.genie.nn.Dense;
import io.genie4j.genie.nn.Embed;
import io.genie4j.genie.nn.Module;
import io.genie4j.genie.nn.Patches;
import io.genie4j.genie.nn.StTransformer;
import io.genie4j.genie.nn.VectorQuantizer;

/**
 * The latent action model of Genie §2.2. Its encoder reads each transition t → t+1 into a
 * continuous latent and quantises it to one of {@code actions} codes; its decoder, an
 * ST-transformer over x_t with the quantised action added as an embedding, must reconstruct
 * x_{t+1}'s pixels (as a change to x_t's, so that the static scene costs nothing): a bottleneck of
 * log₂8 = 3 bits per step forces the codes to carry what changes between frames.
 *
 * <p>The encoder is a transformer with a learned action token. By default ({@link
 * WorldConfig.LamInput#PIXEL_CHANGE}) it sees the change x_{t+1} − x_t as pixel patches; with
 * {@code PIXELS} or {@code TOKENS} it is an ST-transformer over the pair (x_t, x_{t+1}) as pixel
 * patches or tokenizer codes, and reads the second frame's action token.
 *
 * <p>Where we depart from Genie, and why. Genie's encoder sees x₁…x_{t+1} and its decoder x₁…x_t
 * ({@link WorldConfig.LamDecoderInput#ALL_PAST}). Each departure answers a failure of a LAM of our
 * size trained for a few thousand steps on CoinRun: with positions in the clip in view, the codes
 * came to say where in the clip a transition was; with the past in the decoder's view, nearly every
 * transition went to one code (that decoder can extrapolate motion without one); with whole frames
 * in the encoder's view, the codes were spread over the training levels but fell on one code for
 * held-out levels, as if they named the levels' looks (which the quantiser's entropy term rewards
 * and the decoder, seeing x_t, does not need) rather than what moved.
 *
 * <p>Only the encoder and quantiser are needed after training, to label video with actions.
 */
public final class LatentActionModel extends Module {

    private final WorldConfig config;
    private final boolean tokens;
    private final boolean change;
    private final boolean lastFrameOnly;
    private final int patch;
    private final Dense encoderPixels;
    private final Embed encoderTokens;
    private final Parameter actionToken;
    private final StTransformer encoder;
    private final Dense encoderOut;
    private final VectorQuantizer quantizer;
    private final Dense decoderPixels;
    private final Embed decoderTokens;
    private final Dense actionIn;
    private final StTransformer decoder;
    private final Dense decoderOut;

    /** A freshly constructed (uninitialised) LAM. */
    public LatentActionModel(WorldConfig config) {
        super((byte) 1);
        this.config = config.validate();
        this.tokens = config.lamInput() == WorldConfig.LamInput.TOKENS;
        // One-frame inputs (a change, or x_t alone) need no temporal attention.
        this.change = config.lamInput() == WorldConfig.LamInput.PIXEL_CHANGE;
        this.lastFrameOnly = config.lamDecoderInput() == WorldConfig.LamDecoderInput.LAST_FRAME;
        int d = config.lamDim();
        int n = inputTokens();
        // The token-input LAM predicts each token's own pixels; the others, lamPatch-sized patches.
        this.patch = tokens ? config.imageSize() / config.grid() : config.lamPatch();
        int patchValues = patch * patch * 3;
        if (tokens) {
            encoderPixels = null;
            decoderPixels = null;
            encoderTokens = child("encoder_tokens", new Embed(config.codes(), d));
            decoderTokens = child("decoder_tokens", new Embed(config.codes(), d));
        } else {
            encoderTokens = null;
            decoderTokens = null;
            encoderPixels = child("encoder_in", new Dense(patchValues, d));
            decoderPixels = child("decoder_in", new Dense(patchValues, d));
        }
        actionToken = param("action_token", Parameter.Type.OTHER, new NormalInitializer(0.02f), d);
        encoder =
                child(
                        "encoder",
                        new StTransformer(
                                d,
                                config.lamHeads(),
                                config.ffMult(),
                                config.lamEncoderLayers(),
                                n + 1,
                                config.context(),
                                change));
        encoderOut = child("encoder_out", new Dense(d, config.actionDim()));
        quantizer =
                child(
                        "quantizer",
                        new VectorQuantizer(
                                config.actions(),
                                config.actionDim(),
                                config.lamBeta(),
                                config.lamEntropyWeight()));
        actionIn = child("action_in", new Dense(config.actionDim(), d));
        decoder =
                child(
                        "decoder",
                        new StTransformer(
                                d,
                                config.lamHeads(),
                                config.ffMult(),
                                config.lamDecoderLayers(),
                                n,
                                config.context(),
                                lastFrameOnly));
        decoderOut = child("decoder_out", new Dense(d, patchValues));
    }

    private int inputTokens() {
        return tokens ? config.tokensPerFrame() : config.lamTokens();
    }

    /** The quantiser (for usage statistics and dead-code resets). */
    public VectorQuantizer quantizer() {
        return quantizer;
    }

    /**
     * What the LAM made of a clip: the action of each transition {@code [B, T-1]} (int64), the
     * predicted next frames in pixel units {@code [B, T-1, H, W, 3]}, the reconstruction MSE (on
     * [-1, 1] pixels) and the total loss (reconstruction + VQ).
     */
    public record Output(NDArray actions, NDArray predicted, NDArray reconLoss, NDArray loss) {}

    /**
     * Runs the LAM on {@code video [B, T, H, W, 3]} (pixels) and, for the token-input variant,
     * {@code codes [B, T, h, w]} (may be null otherwise).
     */
    public Output forward(ParameterStore ps, NDArray video, NDArray codes, boolean training) {
        long t = video.getShape().get(1);
        if (t < 2) {
            throw new IllegalArgumentException("the LAM needs at least 2 frames, got " + t);
        }
        NDArray patches = pixelPatches(video);
        NDArray target = patches.get(new NDIndex(":, 1:"));
        VectorQuantizer.Output q =
                quantizer.quantize(ps, latentsOf(ps, patches, codes, training), training);
        NDArray y = decode(ps, patches, codes, q.quantized(), training);
        NDArray recon = y.sub(target).square().mean();
        return new Output(q.indices(), toFrames(y), recon, recon.add(q.loss()));
    }

    /** The action code {@code [B, T-1]} of each transition of a clip (inference). */
    public NDArray infer(ParameterStore ps, NDArray video, NDArray codes) {
        return quantizer.quantize(ps, latents(ps, video, codes, false), false).indices();
    }

    /**
     * The decoder's prediction of frames 2..T in pixel units given frames 1..T-1 and chosen action
     * codes {@code [B, T-1]}: what the LAM thinks each action would have done.
     */
    public NDArray predict(ParameterStore ps, NDArray video, NDArray codes, NDArray actions) {
        NDArray q = quantizer.lookup(ps, actions, false);
        return toFrames(decode(ps, pixelPatches(video), codes, q, false));
    }

    /**
     * Continuous latents {@code [B, T-1, actionDim]}, one per transition, each read from that
     * transition alone (its change, or its pair of frames) with nothing that tells where in the
     * clip it was, so a code can only say what changed, not when. Package-private for tests.
     */
    NDArray latents(ParameterStore ps, NDArray video, NDArray codes, boolean training) {
        return latentsOf(ps, pixelPatches(video), codes, training);
    }

    /** {@link #latents} of a clip already cut into pixel patches {@code [B, T, n, values]}. */
    private NDArray latentsOf(ParameterStore ps, NDArray patches, NDArray codes, boolean training) {
        if (change) {
            return changeLatents(ps, patches, training);
        }
        NDArray x = embed(ps, patches, codes, true, training);
        Shape s = x.getShape();
        long b = s.get(0);
        long t = s.get(1);
        long n = s.get(2);
        long d = s.get(3);
        NDArray pairs =
                NDArrays.stack(
                                new NDList(
                                        x.get(new NDIndex(":, 0:{}", t - 1)),
                                        x.get(new NDIndex(":, 1:"))),
                                2)
                        .reshape(b * (t - 1), 2, n, d);
        NDArray token = value(ps, actionToken, x, training).reshape(1, 1, 1, -1);
        token.attach(x.getManager());
        token = token.broadcast(b * (t - 1), 2, 1, d);
        NDArray h = encoder.apply(ps, NDArrays.concat(new NDList(token, pairs), 2), training);
        // The second frame's action token has seen both frames: the latent of the transition.
        NDArray a = h.get(new NDIndex(":, 1, 0")).reshape(b, t - 1, d);
        return encoderOut.apply(ps, a, training);
    }

    /** {@link #latents} of the change-input LAM: one "frame" of change patches per transition. */
    private NDArray changeLatents(ParameterStore ps, NDArray p, boolean training) {
        long t = p.getShape().get(1);
        NDArray diff = p.get(new NDIndex(":, 1:")).sub(p.get(new NDIndex(":, 0:{}", t - 1)));
        NDArray x = encoderPixels.apply(ps, diff, training);
        Shape s = x.getShape();
        long b = s.get(0);
        long n = s.get(2);
        long d = s.get(3);
        NDArray token = value(ps, actionToken, x, training).reshape(1, 1, 1, -1);
        token.attach(x.getManager());
        token = token.broadcast(b * (t - 1), 1, 1, d);
        NDArray h =
                encoder.apply(
                        ps,
                        NDArrays.concat(new NDList(token, x.reshape(b * (t - 1), 1, n, d)), 2),
                        training);
        NDArray a = h.get(new NDIndex(":, 0, 0")).reshape(b, t - 1, d);
        return encoderOut.apply(ps, a, training);
    }

    /**
     * Decodes frames 1..T-1 (as pixel patches) plus actions {@code [B, T-1, actionDim]} into
     * patches of 2..T.
     */
    private NDArray decode(
            ParameterStore ps, NDArray patches, NDArray codes, NDArray q, boolean training) {
        NDArray x = embed(ps, patches, codes, false, training);
        // The decoder predicts the change from x_t; x_t's pixels are added back at the end, so
        // the loss is all about what moved, which only the action code can tell.
        long frames = patches.getShape().get(1);
        NDArray last = patches.get(new NDIndex(":, 0:{}", frames - 1));
        Shape s = x.getShape();
        long b = s.get(0);
        long t = s.get(1);
        long n = s.get(2);
        long d = s.get(3);
        x = x.get(new NDIndex(":, 0:{}", t - 1));
        x = x.add(actionIn.apply(ps, q, training).expandDims(2));
        if (lastFrameOnly) {
            // Each frame on its own: a batch of one-frame clips.
            NDArray y = decoder.apply(ps, x.reshape(b * (t - 1), 1, n, d), training);
            return decoderOut.apply(ps, y.reshape(b, t - 1, n, d), training).add(last);
        }
        return decoderOut.apply(ps, decoder.apply(ps, x, training), training).add(last);
    }

    private NDArray embed(
            ParameterStore ps,
            NDArray patches,
            NDArray codes,
            boolean encoderSide,
            boolean training) {
        if (tokens) {
            if (codes == null) {
                throw new IllegalArgumentException("the token-input LAM needs tokenizer codes");
            }
            Shape s = codes.getShape();
            NDArray ids = codes.reshape(s.get(0), s.get(1), -1);
            return (encoderSide ? encoderTokens : decoderTokens).apply(ps, ids, training);
        }
        return (encoderSide ? encoderPixels : decoderPixels).apply(ps, patches, training);
    }

    private NDArray pixelPatches(NDArray video) {
        return Patches.patchify(Patches.toUnit(video), config.imageSize(), patch);
    }

    private NDArray toFrames(NDArray patches) {
        return Patches.fromUnit(Patches.unpatchify(patches, config.imageSize(), patch));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        Output o = forward(ps, inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, training);
        return new NDList(o.actions(), o.predicted(), o.loss());
    }
}
