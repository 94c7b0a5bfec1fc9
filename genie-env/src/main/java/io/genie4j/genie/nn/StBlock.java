package io.genie4j.genie.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One spatiotemporal transformer block (Genie §2, Fig. 4) over {@code [B, T, N, D]}: spatial
 * self-attention among the N tokens of each frame, then causal temporal self-attention among the T
 * tokens at each spatial position, then a feed-forward layer; each sub-layer pre-normalised and
 * residual. With {@code spatialOnly} the temporal layer is left out (a per-frame ViT block).
 */
public final class StBlock extends Module {

    private final boolean spatialOnly;
    private final Norm spatialNorm;
    private final Attention spatial;
    private final Norm temporalNorm;
    private final Attention temporal;
    private final Norm ffNorm;
    private final Dense ffIn;
    private final Dense ffOut;

    /**
     * A block of width {@code dim} with {@code heads} heads, a feed-forward layer of {@code ffMult
     * × dim} hidden units, in a stack of {@code layers} blocks (for init scaling).
     */
    public StBlock(int dim, int heads, int ffMult, int layers, boolean spatialOnly) {
        this(dim, heads, ffMult, layers, spatialOnly, false);
    }

    /** As above; {@code rope} gives the temporal attention rotary position embeddings. */
    public StBlock(int dim, int heads, int ffMult, int layers, boolean spatialOnly, boolean rope) {
        super((byte) 1);
        this.spatialOnly = spatialOnly;
        spatialNorm = child("spatial_norm", new Norm(dim));
        spatial = child("spatial", new Attention(dim, heads, layers));
        if (spatialOnly) {
            temporalNorm = null;
            temporal = null;
        } else {
            temporalNorm = child("temporal_norm", new Norm(dim));
            temporal = child("temporal", new Attention(dim, heads, layers, rope));
        }
        ffNorm = child("ff_norm", new Norm(dim));
        ffIn = child("ff_in", new Dense(dim, ffMult * dim));
        ffOut =
                child(
                        "ff_out",
                        new Dense(ffMult * dim, dim, 0.02f / (float) Math.sqrt(2.0 * layers)));
    }

    /** Applies the block to {@code x [B, T, N, D]}. */
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        return apply(ps, x, 0, null, training);
    }

    /**
     * Applies the block to {@code x [B, T, N, D]}, frames at positions {@code first..}; {@code
     * kvOut} (if given) receives the temporal keys and values {@code [B*N, H, T, dh]}.
     */
    public NDArray apply(
            ParameterStore ps, NDArray x, long first, NDArray[] kvOut, boolean training) {
        Shape s = x.getShape();
        long b = s.get(0);
        long t = s.get(1);
        long n = s.get(2);
        long d = s.get(3);
        NDArray h = spatialNorm.apply(ps, x, training).reshape(b * t, n, d);
        x = x.add(spatial.apply(ps, h, false, training).reshape(b, t, n, d));
        if (!spatialOnly) {
            h = temporalNorm.apply(ps, x, training).transpose(0, 2, 1, 3).reshape(b * n, t, d);
            h = temporal.apply(ps, h, true, first, kvOut, training);
            x = x.add(h.reshape(b, n, t, d).transpose(0, 2, 1, 3));
        }
        return feedForward(ps, x, training);
    }

    /**
     * Applies the block to one new frame {@code x [B, 1, N, D]} at {@code position}, whose temporal
     * attention sees the cached keys and values of earlier frames ({@code [B*N, H, t, dh]}, null if
     * none); {@code kvOut} receives the new frame's own.
     */
    public NDArray applyCached(
            ParameterStore ps,
            NDArray x,
            NDArray pastK,
            NDArray pastV,
            long position,
            NDArray[] kvOut) {
        Shape s = x.getShape();
        long b = s.get(0);
        long n = s.get(2);
        long d = s.get(3);
        NDArray h = spatialNorm.apply(ps, x, false).reshape(b, n, d);
        x = x.add(spatial.apply(ps, h, false, false).reshape(b, 1, n, d));
        if (!spatialOnly) {
            h = temporalNorm.apply(ps, x, false).reshape(b * n, 1, d);
            h = temporal.applyCached(ps, h, pastK, pastV, position, kvOut);
            x = x.add(h.reshape(b, 1, n, d));
        }
        return feedForward(ps, x, false);
    }

    private NDArray feedForward(ParameterStore ps, NDArray x, boolean training) {
        NDArray h = ffIn.apply(ps, ffNorm.apply(ps, x, training), training);
        return x.add(ffOut.apply(ps, Activation.gelu(h), training));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return list(apply(ps, inputs.singletonOrThrow(), training));
    }
}
