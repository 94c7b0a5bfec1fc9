package io.genie4j.genie.lam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.genie4j.genie.nn.Conv;
import io.genie4j.genie.nn.Dense;
import io.genie4j.genie.nn.Module;
import io.genie4j.genie.nn.Patches;
import io.genie4j.genie.nn.VectorQuantizer;

/**
 * The latent action model v2, after LAPO (Schmidt and Jiang, ICLR 2024): two convolutional networks
 * that see whole frames.
 *
 * <ul>
 *   <li>The <b>inverse model</b> reads x_{t−1}, x_t, x_{t+1} (and the two frame differences) into a
 *       continuous latent z_t. Three frames let it tell what the action changed from what inertia
 *       carried over: CoinRun's horizontal velocity persists, so one step's action moves the next
 *       frame by about a pixel, which one frame difference alone cannot separate from the motion
 *       already under way.
 *   <li>The <b>forward model</b>, a small U-Net, predicts x_{t+1} from x_{t−1}, x_t and z_t. Seeing
 *       two past frames, it can extrapolate the motion itself, so z_t only has to carry what the
 *       action changed. It predicts the change from x_t, so the static scene costs nothing.
 * </ul>
 *
 * With the continuous bottleneck (the default) the forward model sees the latent ({@code latentDim}
 * numbers) itself, and the discrete actions the dynamics model uses are made afterwards by k-means
 * over latents ({@link ActionCodebook}); with the VQ bottleneck the latent goes through a vector
 * quantiser of {@code actions} codes first, and those codes are the actions. A linear label head on
 * z_t predicts the real action when the config asks for labels: the ceiling ({@link
 * LamConfig.Objective#LABELS}) or the small-supervision switch.
 *
 * <p>Frames are uint8 {@code [B, 3, H, W, 3]} clips (x_{t−1}, x_t, x_{t+1}); only the inverse model
 * is needed to label video.
 */
public final class ConvLatentActionModel extends Module {
    /** The kind written into {@code model.json}. */
    public static final String KIND = "genie4j-lam";

    private final LamConfig config;
    private final int w;
    private final Conv i1;
    private final Conv i2;
    private final Conv i3;
    private final Conv i4;
    private final Dense iHidden;
    private final Dense iOut;
    private final Conv e1;
    private final Conv e2;
    private final Conv e3;
    private final Conv e4;
    private final Dense zIn;
    private final Conv d3;
    private final Conv d2;
    private final Conv d1;
    private final Conv out;
    private final Dense head;
    private final VectorQuantizer quantizer;

    /** A freshly constructed (uninitialised) model. */
    public ConvLatentActionModel(LamConfig config) {
        super((byte) 1);
        this.config = config.validate();
        w = config.width();
        int s8 = config.imageSize() / 8;
        // Inverse model: 3 frames + 2 differences = 15 channels, down to an 8×8 grid.
        i1 = child("inverse_1", new Conv(15, w, 3, 1, 1));
        i2 = child("inverse_2", new Conv(w, 2 * w, 4, 2, 1));
        i3 = child("inverse_3", new Conv(2 * w, 4 * w, 4, 2, 1));
        i4 = child("inverse_4", new Conv(4 * w, 4 * w, 4, 2, 1));
        iHidden = child("inverse_hidden", new Dense(4 * w * s8 * s8, config.hidden()));
        iOut = child("inverse_out", new Dense(config.hidden(), config.latentDim()));
        // Forward model: 2 frames + their difference = 9 channels; a U-Net with the latent added
        // at every scale.
        e1 = child("forward_1", new Conv(9, w, 3, 1, 1));
        e2 = child("forward_2", new Conv(w, 2 * w, 4, 2, 1));
        e3 = child("forward_3", new Conv(2 * w, 4 * w, 4, 2, 1));
        e4 = child("forward_4", new Conv(4 * w, 4 * w, 4, 2, 1));
        zIn = child("latent_in", new Dense(config.latentDim(), 4 * w + 4 * w + 2 * w + w, 1f));
        d3 = child("up_3", new Conv(8 * w, 4 * w, 3, 1, 1));
        d2 = child("up_2", new Conv(6 * w, 2 * w, 3, 1, 1));
        d1 = child("up_1", new Conv(3 * w, w, 3, 1, 1));
        // Starts near zero: the forward model begins as the still frame and learns the change.
        out = child("forward_out", new Conv(w, Conv.CHANNEL_MULTIPLE, 3, 1, 1, 1e-3f));
        head = child("label_head", new Dense(config.latentDim(), config.realActions()));
        quantizer =
                config.bottleneck() == LamConfig.Bottleneck.VQ
                        ? child(
                                "quantizer",
                                new VectorQuantizer(
                                        config.actions(),
                                        config.latentDim(),
                                        config.beta(),
                                        config.entropyWeight()))
                        : null;
    }

    /** The vector quantiser, or null for the continuous bottleneck. */
    public VectorQuantizer quantizer() {
        return quantizer;
    }

    /** The config. */
    public LamConfig config() {
        return config;
    }

    /**
     * What the model made of a batch: latents {@code [B, latentDim]} (unit length with the VQ
     * bottleneck), the quantiser's codes {@code [B]} (null without one), the forward model's
     * predicted x_{t+1} in [-1, 1] {@code [B, 3, H, W]} (null for the ceiling objective), its mean
     * squared error, the label head's logits {@code [B, realActions]}, its masked cross-entropy (0
     * without labels) and the total loss.
     */
    public record Output(
            NDArray latents,
            NDArray codes,
            NDArray predicted,
            NDArray reconLoss,
            NDArray logits,
            NDArray labelLoss,
            NDArray loss) {}

    /**
     * Runs the model on {@code clips} uint8 {@code [B, 3, H, W, 3]}.
     *
     * @param actions the real action of each transition x_t → x_{t+1}, int64 {@code [B]}, or null
     * @param labelled 1 where that action may train the label head, float {@code [B]}, or null
     */
    public Output forward(
            ParameterStore ps, NDArray clips, NDArray actions, NDArray labelled, boolean training) {
        NDArray f = frames(clips);
        NDArray z = inverse(ps, f, training);
        NDArray logits = head.apply(ps, z, training);
        NDArray labelLoss = z.getManager().zeros(new Shape());
        if (actions != null && labelled != null && config.supervised()) {
            NDArray logp = logits.logSoftmax(-1);
            NDArray ce = logp.mul(actions.oneHot(config.realActions())).sum(new int[] {-1}).neg();
            NDArray mask = labelled.toType(ce.getDataType(), false);
            labelLoss = ce.mul(mask).sum().div(mask.sum().maximum(1f));
        }
        if (config.objective() == LamConfig.Objective.LABELS) {
            return new Output(
                    z, null, null, z.getManager().zeros(new Shape()), logits, labelLoss, labelLoss);
        }
        NDArray action = z;
        NDArray vqLoss = null;
        NDArray codes = null;
        if (quantizer != null) {
            VectorQuantizer.Output q = quantizer.quantize(ps, z, training);
            action = q.quantized();
            vqLoss = q.loss();
            codes = q.indices();
        }
        NDArray predicted = forwardModel(ps, f, action, training);
        NDArray next = f.get(":, 2");
        NDArray recon = predicted.sub(next).square().mean();
        NDArray loss = vqLoss == null ? recon : recon.add(vqLoss);
        if (config.labelledShare() > 0) {
            loss = loss.add(times(labelLoss, config.labelWeight()));
        }
        return new Output(z, codes, predicted, recon, logits, labelLoss, loss);
    }

    /** The latent actions {@code [B, latentDim]} of clips uint8 {@code [B, 3, H, W, 3]}. */
    public NDArray latents(ParameterStore ps, NDArray clips) {
        return inverse(ps, frames(clips), false);
    }

    /** The label head's logits {@code [B, realActions]} for latents {@code [B, latentDim]}. */
    public NDArray labelLogits(ParameterStore ps, NDArray latents) {
        return head.apply(ps, latents, false);
    }

    /**
     * The forward model's x_{t+1} in uint8 pixels {@code [B, H, W, 3]} from clips (whose third
     * frame is ignored) and latents {@code [B, latentDim]}: what the model thinks a latent action
     * does.
     */
    public NDArray predict(ParameterStore ps, NDArray clips, NDArray latents) {
        return Patches.fromUnit(predictUnit(ps, clips, latents).transpose(0, 2, 3, 1));
    }

    /** {@link #predict} in [-1, 1] units, {@code [B, 3, H, W]}. */
    NDArray predictUnit(ParameterStore ps, NDArray clips, NDArray latents) {
        NDArray action =
                quantizer == null ? latents : quantizer.quantize(ps, latents, false).quantized();
        return forwardModel(ps, frames(clips), action, false);
    }

    /** uint8 {@code [B, 3, H, W, 3]} to float {@code [B, 3, 3, H, W]} in [-1, 1]. */
    private static NDArray frames(NDArray clips) {
        return Patches.toUnit(clips).transpose(0, 1, 4, 2, 3);
    }

    private NDArray inverse(ParameterStore ps, NDArray f, boolean training) {
        NDArray a = f.get(":, 0");
        NDArray b = f.get(":, 1");
        NDArray c = f.get(":, 2");
        NDArray x = NDArrays.concat(new NDList(a, b, c, b.sub(a), c.sub(b)), 1);
        x = relu(i1.apply(ps, x, training));
        x = relu(i2.apply(ps, x, training));
        x = relu(i3.apply(ps, x, training));
        x = relu(i4.apply(ps, x, training));
        x = x.reshape(x.getShape().get(0), -1);
        x = relu(iHidden.apply(ps, x, training));
        NDArray z = iOut.apply(ps, x, training);
        if (quantizer == null) {
            return z;
        }
        // The quantiser compares directions (cosine similarity), so the latent is its direction.
        return z.div(z.square().sum(new int[] {-1}, true).add(1e-12f).sqrt());
    }

    private NDArray forwardModel(ParameterStore ps, NDArray f, NDArray z, boolean training) {
        NDArray a = f.get(":, 0");
        NDArray b = f.get(":, 1");
        NDArray x = NDArrays.concat(new NDList(a, b, b.sub(a)), 1);
        NDArray zb = zIn.apply(ps, z, training).expandDims(2).expandDims(3);
        int w4 = 4 * w;
        NDArray z4 = zb.get(":, 0:" + w4);
        NDArray z3 = zb.get(":, " + w4 + ":" + 2 * w4);
        NDArray z2 = zb.get(":, " + 2 * w4 + ":" + (2 * w4 + 2 * w));
        NDArray z1 = zb.get(":, " + (2 * w4 + 2 * w) + ":");
        NDArray h1 = relu(e1.apply(ps, x, training));
        NDArray h2 = relu(e2.apply(ps, h1, training));
        NDArray h3 = relu(e3.apply(ps, h2, training));
        NDArray h4 = relu(e4.apply(ps, h3, training).add(z4));
        NDArray u = up(h4);
        u = relu(d3.apply(ps, NDArrays.concat(new NDList(u, h3.add(z3)), 1), training));
        u = up(u);
        u = relu(d2.apply(ps, NDArrays.concat(new NDList(u, h2.add(z2)), 1), training));
        u = up(u);
        u = relu(d1.apply(ps, NDArrays.concat(new NDList(u, h1.add(z1)), 1), training));
        return out.applyFirst(ps, u, 3, training).add(b);
    }

    /**
     * A leaky ReLU: with a plain one, the forward model's units died early in training and it
     * settled on predicting the still frame (zero change, vanishing gradients).
     */
    private static NDArray relu(NDArray x) {
        return Activation.leakyRelu(x, 0.05f);
    }

    /** Nearest-neighbour ×2 upsampling of {@code [B, C, H, W]}. */
    private static NDArray up(NDArray x) {
        return x.repeat(2, 2).repeat(3, 2);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        Output o = forward(ps, inputs.get(0), null, null, training);
        return new NDList(o.latents(), o.loss());
    }
}
