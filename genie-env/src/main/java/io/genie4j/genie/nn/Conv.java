package io.genie4j.genie.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * A 2-D convolution over {@code [B, C, H, W]} with square kernels, He-initialised weights (unless
 * told otherwise) and zero bias.
 *
 * <p>Its output channels must be a multiple of {@value #CHANNEL_MULTIPLE}: libtorch 2.7.1's oneDNN
 * convolution computes the gradient with respect to its input from memory it never wrote when they
 * are not (NaN or garbage input gradients on AVX-512 CPUs). A layer that needs fewer outputs (a
 * 3-channel image) computes 16 and keeps the first few, as {@link #applyFirst} does.
 */
public final class Conv extends Module {
    /** Output channels must be a multiple of this (the AVX-512 SIMD width in floats). */
    public static final int CHANNEL_MULTIPLE = 16;

    private final Parameter weight;
    private final Parameter bias;
    private final int stride;
    private final int pad;

    /**
     * A convolution from {@code in} to {@code out} channels with a {@code kernel × kernel} kernel,
     * the given stride and zero padding.
     *
     * @throws IllegalArgumentException if {@code out} is not a multiple of {@value
     *     #CHANNEL_MULTIPLE}
     */
    public Conv(int in, int out, int kernel, int stride, int pad) {
        this(in, out, kernel, stride, pad, (float) Math.sqrt(2.0 / (in * kernel * kernel)));
    }

    /**
     * As above with weights drawn from N(0, std²): a small {@code std} for a layer whose output
     * should start near zero (a residual branch).
     */
    public Conv(int in, int out, int kernel, int stride, int pad, float std) {
        super((byte) 1);
        if (out <= 0 || out % CHANNEL_MULTIPLE != 0) {
            throw new IllegalArgumentException(
                    "a convolution's output channels must be a positive multiple of "
                            + CHANNEL_MULTIPLE
                            + " (libtorch's oneDNN computes wrong input gradients otherwise), got "
                            + out);
        }
        this.stride = stride;
        this.pad = pad;
        weight =
                param(
                        "weight",
                        Parameter.Type.WEIGHT,
                        new NormalInitializer(std),
                        out,
                        in,
                        kernel,
                        kernel);
        bias = param("bias", Parameter.Type.BIAS, Initializer.ZEROS, out);
    }

    /** Applies the convolution. */
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        return Conv2d.conv2d(
                        x,
                        value(ps, weight, x, training),
                        value(ps, bias, x, training),
                        new Shape(stride, stride),
                        new Shape(pad, pad),
                        new Shape(1, 1))
                .singletonOrThrow();
    }

    /** Applies the convolution and keeps its first {@code channels} output channels. */
    public NDArray applyFirst(ParameterStore ps, NDArray x, int channels, boolean training) {
        return apply(ps, x, training).get(":, 0:" + channels);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return list(apply(ps, inputs.singletonOrThrow(), training));
    }
}
