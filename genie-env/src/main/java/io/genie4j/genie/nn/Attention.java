package io.genie4j.genie.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Multi-head self-attention over the middle axis of {@code [M, L, D]}: M independent sequences of L
 * vectors. With {@code causal}, position i attends only to positions ≤ i.
 *
 * <p>With rotary position embeddings (RoPE, Su et al. 2021) queries and keys are rotated by their
 * absolute positions, so scores depend only on relative positions: keys cached at earlier steps
 * stay valid however far the sequence has moved on, which is what lets a sliding window of cached
 * frames drop its oldest entry without recomputing the rest.
 */
public final class Attention extends Module {

    private final int dim;
    private final int heads;
    private final boolean rope;
    private final Dense qkv;
    private final Dense out;

    /** Attention with {@code heads} heads over {@code dim} features, without RoPE. */
    public Attention(int dim, int heads, int layers) {
        this(dim, heads, layers, false);
    }

    /**
     * Attention with {@code heads} heads over {@code dim} features ({@code dim % heads == 0}) in a
     * stack of {@code layers} blocks; {@code rope} rotates queries and keys by their positions.
     */
    public Attention(int dim, int heads, int layers, boolean rope) {
        super((byte) 1);
        if (dim % heads != 0) {
            throw new IllegalArgumentException(
                    "model width " + dim + " is not a multiple of " + heads + " heads");
        }
        if (rope && (dim / heads) % 2 != 0) {
            throw new IllegalArgumentException("RoPE needs an even head width, got " + dim / heads);
        }
        this.dim = dim;
        this.heads = heads;
        this.rope = rope;
        qkv = child("qkv", new Dense(dim, 3 * dim));
        // GPT-2's scaled init of residual projections keeps deep stacks stable from step 0.
        out = child("out", new Dense(dim, dim, 0.02f / (float) Math.sqrt(2.0 * layers)));
    }

    /** Self-attention of {@code x [M, L, D]}; causal masks the future. */
    public NDArray apply(ParameterStore ps, NDArray x, boolean causal, boolean training) {
        return apply(ps, x, causal, 0, null, training);
    }

    /**
     * Self-attention of {@code x [M, L, D]} whose entries sit at positions {@code first ..
     * first+L-1} (used by RoPE). When {@code kvOut} is given, its two slots receive the keys and
     * values {@code [M, H, L, dh]} (keys already rotated) for a cache.
     */
    public NDArray apply(
            ParameterStore ps,
            NDArray x,
            boolean causal,
            long first,
            NDArray[] kvOut,
            boolean training) {
        Shape s = x.getShape();
        long m = s.get(0);
        long l = s.get(1);
        NDArray[] qkvs = project(ps, x, first, training);
        NDArray scores = qkvs[0].matMul(qkvs[1].transpose(0, 1, 3, 2));
        if (causal && l > 1) {
            scores = scores.add(causalMask(x, (int) l));
        }
        if (kvOut != null) {
            kvOut[0] = qkvs[1];
            kvOut[1] = qkvs[2];
        }
        return merge(ps, scores.softmax(-1).matMul(qkvs[2]), m, l, training);
    }

    /**
     * One new entry per sequence, {@code x [M, 1, D]} at {@code position}, attending to cached keys
     * and values {@code [M, H, t, dh]} (null when there are none) and to itself. {@code kvOut}
     * receives the new entry's keys and values {@code [M, H, 1, dh]}.
     */
    public NDArray applyCached(
            ParameterStore ps,
            NDArray x,
            NDArray pastK,
            NDArray pastV,
            long position,
            NDArray[] kvOut) {
        long m = x.getShape().get(0);
        int dh = dim / heads;
        float scale = 1.0f / (float) Math.sqrt(dh);
        NDArray p;
        if (rope) {
            // At a single position RoPE is a fixed linear map of each head's features, so it is
            // folded, with the queries' scale, into the projection's weights: one matrix product
            // gives rotated queries and keys.
            p = rotatedProjection(ps, x, position, scale);
        } else {
            p = qkv.apply(ps, x, false);
        }
        // [M, 1, 3D] -> [M, 3, H, dh]: with one entry per sequence the heads need no transpose.
        p = p.reshape(m, 3, heads, dh);
        NDArray q = rope ? p.get(":, 0") : p.get(":, 0").mul(scale);
        q = q.expandDims(2);
        NDArray k = p.get(":, 1").expandDims(2);
        NDArray v = p.get(":, 2").expandDims(2);
        kvOut[0] = k;
        kvOut[1] = v;
        if (pastK == null) {
            // Attending to itself alone: all the weight is on its own value.
            return out.apply(ps, v.reshape(m, 1, dim), false);
        }
        // The cached frames and the new entry are scored apart and share one softmax, so the
        // cache is read in place rather than copied onto the new entry at every call.
        NDArray past = q.matMul(pastK.transpose(0, 1, 3, 2));
        NDArray self = q.mul(k).sum(new int[] {-1}, true);
        long t = pastK.getShape().get(2);
        NDArray w = NDArrays.concat(new NDList(past, self), -1).softmax(-1);
        NDArray y =
                w.get(new NDIndex(":, :, :, 0:{}", t))
                        .matMul(pastV)
                        .add(w.get(new NDIndex(":, :, :, {}:", t)).mul(v));
        // [M, H, 1, dh] has the memory layout of [M, 1, H·dh].
        return out.apply(ps, y.reshape(m, 1, dim), false);
    }

    /**
     * The queries, keys and values {@code [M, 1, 3D]} of {@code x [M, 1, D]} at {@code position},
     * queries and keys rotated and queries scaled: the projection {@code x·Wᵀ + b} with the query
     * rows of {@code W} and {@code b} replaced by {@code scale·Rᵀ·W_q} and {@code scale·Rᵀ·b_q},
     * the key rows by {@code Rᵀ·W_k} and {@code Rᵀ·b_k}, where {@code R [D, D]} is the RoPE
     * rotation at that position applied to each head.
     */
    private NDArray rotatedProjection(ParameterStore ps, NDArray x, long position, float scale) {
        NDManager mm = x.getManager();
        int dh = dim / heads;
        float[] r = new float[dh * dh];
        rotation(position, dh, r);
        float[] rt = new float[dim * dim];
        for (int h = 0; h < heads; h++) {
            int o = h * dh;
            for (int i = 0; i < dh; i++) {
                for (int j = 0; j < dh; j++) {
                    rt[(o + i) * dim + o + j] = r[j * dh + i];
                }
            }
        }
        NDArray rT = mm.create(rt, new Shape(dim, dim));
        NDArray rTq = rT.mul(scale);
        // Slices of the parameters belong to the parameters' manager unless moved to this call's.
        NDArray w = qkv.weight(ps, x);
        NDArray b = qkv.bias(ps, x);
        NDArray[] ws = new NDArray[3];
        NDArray[] bs = new NDArray[3];
        for (int i = 0; i < 3; i++) {
            ws[i] = w.get(new NDIndex("{}:{}", i * dim, (i + 1) * dim));
            ws[i].attach(mm);
            bs[i] = b.get(new NDIndex("{}:{}", i * dim, (i + 1) * dim));
            bs[i].attach(mm);
            bs[i] = bs[i].reshape(dim, 1);
        }
        NDArray wq = rTq.matMul(ws[0]);
        NDArray wk = rT.matMul(ws[1]);
        NDArray wv = ws[2];
        NDArray bq = rTq.matMul(bs[0]);
        NDArray bk = rT.matMul(bs[1]);
        NDArray bv = bs[2];
        NDArray weight = NDArrays.concat(new NDList(wq, wk, wv), 0);
        NDArray bias = NDArrays.concat(new NDList(bq, bk, bv), 0).reshape(3 * dim);
        return Linear.linear(x, weight, bias).singletonOrThrow();
    }

    /**
     * Writes the RoPE rotation at {@code position} into {@code r}, a zeroed {@code [dh, dh]}
     * row-major matrix R with {@code rotate(x) = x·R} (rotate-half layout, as {@link #ropeTables}).
     */
    private static void rotation(long position, int dh, float[] r) {
        int half = dh / 2;
        for (int j = 0; j < half; j++) {
            double angle = ropeAngle(position, j, dh);
            float c = (float) Math.cos(angle);
            float sn = (float) Math.sin(angle);
            // y_j = x_j cos - x_{j+half} sin; y_{j+half} = x_{j+half} cos + x_j sin.
            r[j * dh + j] = c;
            r[(j + half) * dh + j] = -sn;
            r[(j + half) * dh + j + half] = c;
            r[j * dh + j + half] = sn;
        }
    }

    /** Scaled queries, keys and values {@code [M, H, L, dh]}, rotated when RoPE is on. */
    private NDArray[] project(ParameterStore ps, NDArray x, long first, boolean training) {
        Shape s = x.getShape();
        long m = s.get(0);
        long l = s.get(1);
        int dh = dim / heads;
        // [M, L, 3, H, dh] -> [3, M, H, L, dh]
        NDArray p = qkv.apply(ps, x, training).reshape(m, l, 3, heads, dh).transpose(2, 0, 3, 1, 4);
        NDArray q = times(p.get(0), 1.0f / (float) Math.sqrt(dh));
        NDArray k = p.get(1);
        NDArray v = p.get(2);
        if (rope) {
            NDArray[] cs = ropeTables(x.getManager(), first, (int) l, dh);
            q = rotate(q, cs);
            k = rotate(k, cs);
        }
        return new NDArray[] {q, k, v};
    }

    private NDArray merge(ParameterStore ps, NDArray y, long m, long l, boolean training) {
        return out.apply(ps, y.transpose(0, 2, 1, 3).reshape(m, l, dim), training);
    }

    /** cos and sin tables {@code [L, dh]} for positions first..first+L-1 (rotate-half layout). */
    static NDArray[] ropeTables(NDManager manager, long first, int l, int dh) {
        int half = dh / 2;
        float[] cos = new float[l * dh];
        float[] sin = new float[l * dh];
        for (int i = 0; i < l; i++) {
            for (int j = 0; j < half; j++) {
                double angle = ropeAngle(first + i, j, dh);
                float c = (float) Math.cos(angle);
                float sn = (float) Math.sin(angle);
                cos[i * dh + j] = c;
                cos[i * dh + j + half] = c;
                sin[i * dh + j] = sn;
                sin[i * dh + j + half] = sn;
            }
        }
        return new NDArray[] {
            manager.create(cos, new Shape(l, dh)), manager.create(sin, new Shape(l, dh))
        };
    }

    /** The angle by which RoPE turns the j-th pair of a head's features at {@code position}. */
    private static double ropeAngle(long position, int j, int dh) {
        return position * Math.pow(10000.0, -2.0 * j / dh);
    }

    /** {@code x·cos + rotateHalf(x)·sin} over the last axis of {@code x [..., L, dh]}. */
    private static NDArray rotate(NDArray x, NDArray[] cs) {
        int last = x.getShape().dimension() - 1;
        long dh = x.getShape().get(last);
        NDList halves = x.split(new long[] {dh / 2}, last);
        NDArray rotated = NDArrays.concat(new NDList(halves.get(1).neg(), halves.get(0)), last);
        return x.mul(cs[0]).add(rotated.mul(cs[1]));
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
