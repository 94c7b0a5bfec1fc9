package io.genie4j.agents;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import java.util.Arrays;
import java.util.List;

/**
 * The IMPALA convolutional network (Espeholt et al. 2018, "IMPALA", Fig. 3), the usual policy body
 * in Procgen work (Cobbe et al. 2020): for each of a few stages, a 3×3 convolution, a 3×3 max-pool
 * with stride 2 and two residual blocks of (ReLU, 3×3 conv, ReLU, 3×3 conv); then ReLU, a dense
 * hidden layer with ReLU and a dense output layer. No normalisation layers, so a forward is the
 * same in training and evaluation.
 *
 * <p>{@code downsample} > 1 average-pools the input by that factor first: at 2 a 64×64 frame costs
 * a quarter of the FLOPs, which is what lets the BC study train ten policies on two cores.
 *
 * <p>{@code stack} > 1 reads that many consecutive frames at once, stacked on the channel axis
 * (oldest first), as Atari agents since DQN (Mnih et al. 2015) read four: one frame shows where
 * things are, two also show how they move. Only the first convolution grows.
 *
 * @param channels channels of each stage, such as {@code [16, 32, 32]}; each a multiple of {@link
 *     #CHANNEL_MULTIPLE}
 * @param hidden width of the dense hidden layer
 * @param outputs number of logits (actions or latent codes)
 * @param downsample input average-pooling factor (1 for none)
 * @param stack consecutive frames per input (1 for a single frame)
 */
public record ImpalaCnn(int[] channels, int hidden, int outputs, int downsample, int stack) {

    /**
     * Every stage's channel count is a multiple of this. libtorch 2.7.1's CPU convolution (oneDNN)
     * computes the gradient with respect to a convolution's input from memory it never wrote when
     * the convolution has fewer output channels than, or not a multiple of, the SIMD width: 16
     * floats with AVX-512 (8 with AVX2). Such gradients come back with NaN or garbage in a varying
     * share of their elements, in about one training step in ten. Widths that are multiples of 16
     * are exact on every instruction set, so the network only allows those.
     */
    public static final int CHANNEL_MULTIPLE = 16;

    /** Checks the sizes. */
    public ImpalaCnn {
        if (downsample < 1) {
            throw new IllegalArgumentException("downsample must be >= 1, got " + downsample);
        }
        if (stack < 1 || stack > 16) {
            throw new IllegalArgumentException("stack must be in 1..16 frames, got " + stack);
        }
        if (channels.length == 0 || Arrays.stream(channels).anyMatch(c -> c < 1)) {
            throw new IllegalArgumentException(
                    "channels must be non-empty and positive, got " + Arrays.toString(channels));
        }
        if (Arrays.stream(channels).anyMatch(c -> c % CHANNEL_MULTIPLE != 0)) {
            throw new IllegalArgumentException(
                    "each stage's channels must be a multiple of "
                            + CHANNEL_MULTIPLE
                            + ", got "
                            + Arrays.toString(channels)
                            + ": libtorch's CPU convolution (oneDNN) returns NaN gradients for"
                            + " other widths on AVX-512 machines; use 16, 32, 48, ...");
        }
        if (hidden < 1 || outputs < 1) {
            throw new IllegalArgumentException(
                    "hidden and outputs must be >= 1, got " + hidden + " and " + outputs);
        }
        channels = channels.clone();
    }

    /** A network that reads single frames, average-pooled by {@code downsample}. */
    public ImpalaCnn(int[] channels, int hidden, int outputs, int downsample) {
        this(channels, hidden, outputs, downsample, 1);
    }

    /** A network that reads single frames at full resolution. */
    public ImpalaCnn(int[] channels, int hidden, int outputs) {
        this(channels, hidden, outputs, 1, 1);
    }

    /** IMPALA's sizes: stages of 16, 32 and 32 channels and 256 hidden units, full resolution. */
    public static ImpalaCnn standard(int outputs) {
        return new ImpalaCnn(new int[] {16, 32, 32}, 256, outputs);
    }

    @Override
    public int[] channels() {
        return channels.clone();
    }

    /** The same network reading its input average-pooled by {@code factor}. */
    public ImpalaCnn withDownsample(int factor) {
        return new ImpalaCnn(channels, hidden, outputs, factor, stack);
    }

    /** The same network reading {@code frames} consecutive frames per input. */
    public ImpalaCnn withStack(int frames) {
        return new ImpalaCnn(channels, hidden, outputs, downsample, frames);
    }

    /**
     * A new, uninitialised network reading {@code [N, 3 × stack, H, W]} floats in [0, 1], H and W
     * multiples of {@link #downsample()}.
     */
    public Block build() {
        SequentialBlock net = new SequentialBlock();
        if (downsample > 1) {
            Shape k = new Shape(downsample, downsample);
            net.add(Pool.avgPool2dBlock(k, k));
        }
        for (int c : channels) {
            net.add(conv(c));
            net.add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1)));
            net.add(residual(c));
            net.add(residual(c));
        }
        net.add(Activation.reluBlock());
        net.add(Blocks.batchFlattenBlock());
        net.add(Linear.builder().setUnits(hidden).build());
        net.add(Activation.reluBlock());
        net.add(Linear.builder().setUnits(outputs).build());
        return net;
    }

    private static Block conv(int filters) {
        return Conv2d.builder()
                .setKernelShape(new Shape(3, 3))
                .optPadding(new Shape(1, 1))
                .setFilters(filters)
                .build();
    }

    private static Block residual(int filters) {
        SequentialBlock branch =
                new SequentialBlock()
                        .add(Activation.reluBlock())
                        .add(conv(filters))
                        .add(Activation.reluBlock())
                        .add(conv(filters));
        return new ParallelBlock(
                (List<NDList> outs) ->
                        new NDList(
                                outs.get(0).singletonOrThrow().add(outs.get(1).singletonOrThrow())),
                List.of(branch, Blocks.identityBlock()));
    }

    /**
     * Forward FLOPs (multiply-adds × 2) of one input ({@link #stack()} frames of {@code size²}).
     */
    public double flopsPerFrame(int size) {
        double flops = downsample > 1 ? 3.0 * stack * size * size : 0;
        int in = 3 * stack;
        int s = size / downsample;
        for (int c : channels) {
            flops += 2.0 * s * s * c * in * 9;
            s = (s + 1) / 2;
            flops += 4 * 2.0 * s * s * c * c * 9;
            in = c;
        }
        flops += 2.0 * s * s * in * hidden + 2.0 * hidden * outputs;
        return flops;
    }

    /** The side of the last stage's feature map for {@code size × size} input. */
    int featureSide(int size) {
        int s = size / downsample;
        for (int ignored : channels) {
            s = (s + 1) / 2;
        }
        return s;
    }
}
