package io.genie4j.genie.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Multi-head self-attention over the middle axis of {@code [M, L, D]}: M independent sequences of L
 * vectors. With {@code causal}, position i attends only to positions ≤ i.
 */
public final class Attention extends Module {

    private final int dim;
    private final int heads;
    private final Dense qkv;
    private final Dense out;

    /** Attention with {@code heads} heads over {@code dim} features ({@code dim % heads == 0}). */
    public Attention(int dim, int heads, int layers) {
        super((byte) 1);
        if (dim % heads != 0) {
            throw new IllegalArgumentException(
                    "model width " + dim + " is not a multiple of " + heads + " heads");
        }
        this.dim = dim;
        this.heads = heads;
        qkv = child("qkv", new Dense(dim, 3 * dim));
        // GPT-2's scaled init of residual projections keeps deep stacks stable from step 0.
        out = child("out", new Dense(dim, dim, 0.02f / (float) Math.sqrt(2.0 * layers)));
    }

    /** Self-attention of {@code x [M, L, D]}; causal masks the future. */
    public NDArray apply(ParameterStore ps, NDArray x, boolean causal, boolean training) {
        Shape s = x.getShape();
        long m = s.get(0);
        long l = s.get(1);
        int dh = dim / heads;
        // [M, L, 3, H, dh] -> [3, M, H, L, dh]
        NDArray p = qkv.apply(ps, x, training).reshape(m, l, 3, heads, dh).transpose(2, 0, 3, 1, 4);
        NDArray q = p.get(0).mul(1.0f / (float) Math.sqrt(dh));
        NDArray k = p.get(1);
        NDArray v = p.get(2);
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));
        if (causal && l > 1) {
            scores = scores.add(causalMask(x, (int) l));
        }
        NDArray y = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(m, l, dim);
        return out.apply(ps, y, training);
    }

    /** An additive [L, L] mask: 0 on and below the diagonal, a large negative value above. */
    static NDArray causalMask(NDArray like, int l) {
        float[] mask = new float[l * l];
        for (int i = 0; i < l; i++) {
            for (int j = i + 1; j < l; j++) {
                mask[i * l + j] = -1e9f;
            }
        }
        return like.getManager().create(mask, new Shape(l, l));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return list(apply(ps, inputs.singletonOrThrow(), false, training));
    }
}
