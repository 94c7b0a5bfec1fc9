package io.genie4j.genie.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * A stack of {@link StBlock}s over {@code [B, T, N, D]} with learned spatial and temporal position
 * embeddings (added on entry) and a final layer norm. Frames may number up to {@code maxFrames}.
 */
public final class StTransformer extends Module {

    private final int maxFrames;
    private final Parameter spatialPos;
    private final Parameter temporalPos;
    private final StBlock[] blocks;
    private final Norm finalNorm;

    /**
     * A stack of {@code layers} blocks of width {@code dim} over {@code tokens} tokens per frame
     * and at most {@code maxFrames} frames.
     */
    public StTransformer(
            int dim,
            int heads,
            int ffMult,
            int layers,
            int tokens,
            int maxFrames,
            boolean spatialOnly) {
        super((byte) 1);
        this.maxFrames = maxFrames;
        spatialPos =
                param(
                        "spatial_pos",
                        Parameter.Type.OTHER,
                        new NormalInitializer(0.02f),
                        tokens,
                        dim);
        temporalPos =
                param(
                        "temporal_pos",
                        Parameter.Type.OTHER,
                        new NormalInitializer(0.02f),
                        maxFrames,
                        1,
                        dim);
        blocks = new StBlock[layers];
        for (int i = 0; i < layers; i++) {
            blocks[i] = child("block" + i, new StBlock(dim, heads, ffMult, layers, spatialOnly));
        }
        finalNorm = child("final_norm", new Norm(dim));
    }

    /** The longest sequence of frames this stack accepts. */
    public int maxFrames() {
        return maxFrames;
    }

    /** Applies the stack to {@code x [B, T, N, D]}, frames at positions 0..T-1. */
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        long t = x.getShape().get(1);
        if (t > maxFrames) {
            throw new IllegalArgumentException(
                    t + " frames exceed the model's maximum of " + maxFrames);
        }
        NDArray tp = value(ps, temporalPos, x, training).get(new NDIndex("0:{}", t));
        tp.attach(x.getManager());
        x = x.add(value(ps, spatialPos, x, training)).add(tp);
        for (StBlock b : blocks) {
            x = b.apply(ps, x, training);
        }
        return finalNorm.apply(ps, x, training);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return list(apply(ps, inputs.singletonOrThrow(), training));
    }
}
