package io.genie4j.genie.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * A stack of {@link StBlock}s over {@code [B, T, N, D]} with learned spatial position embeddings,
 * either learned temporal position embeddings (added on entry; frames at positions below {@code
 * maxFrames}) or rotary temporal embeddings inside the temporal attention (any position; {@code
 * maxFrames} bounds the attention window), and a final layer norm.
 *
 * <p>Besides whole clips it runs one frame at a time against a {@link KvCache} ({@link #prefill},
 * {@link #step}), computing only the new frame's tokens.
 */
public final class StTransformer extends Module {

    /** About how many tokens {@link #fillCache} processes at once. */
    private static final long CHUNK_TOKENS = 4096;

    private final int maxFrames;
    private final boolean rope;
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
        this(dim, heads, ffMult, layers, tokens, maxFrames, spatialOnly, false);
    }

    /** As above; {@code rope} replaces the learned temporal embeddings with rotary ones. */
    public StTransformer(
            int dim,
            int heads,
            int ffMult,
            int layers,
            int tokens,
            int maxFrames,
            boolean spatialOnly,
            boolean rope) {
        super((byte) 1);
        this.maxFrames = maxFrames;
        this.rope = rope;
        spatialPos =
                param(
                        "spatial_pos",
                        Parameter.Type.OTHER,
                        new NormalInitializer(0.02f),
                        tokens,
                        dim);
        temporalPos =
                rope
                        ? null
                        : param(
                                "temporal_pos",
                                Parameter.Type.OTHER,
                                new NormalInitializer(0.02f),
                                maxFrames,
                                1,
                                dim);
        blocks = new StBlock[layers];
        for (int i = 0; i < layers; i++) {
            blocks[i] =
                    child("block" + i, new StBlock(dim, heads, ffMult, layers, spatialOnly, rope));
        }
        finalNorm = child("final_norm", new Norm(dim));
    }

    /** The longest sequence of frames this stack accepts. */
    public int maxFrames() {
        return maxFrames;
    }

    /** The number of blocks. */
    public int layers() {
        return blocks.length;
    }

    /** Applies the stack to {@code x [B, T, N, D]}, frames at positions 0..T-1. */
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        return run(ps, x, 0, null, training);
    }

    /**
     * Applies the stack to {@code x [B, T, N, D]} (frames at positions 0..T-1) and fills {@code
     * cache} with their temporal keys and values, ready for {@link #step}.
     */
    public NDArray prefill(ParameterStore ps, NDArray x, KvCache cache) {
        NDArray[][] kv = new NDArray[blocks.length][2];
        NDArray y = run(ps, x, 0, kv, false);
        cache.fill(kv, 0, (int) x.getShape().get(1));
        return y;
    }

    /**
     * Fills {@code cache} with the temporal keys and values of {@code x [B, T, N, D]} (frames at
     * positions 0..T-1), as {@link #prefill} does, without computing the stack's output. It works
     * through a few thousand tokens of the batch and one block at a time, freeing intermediate
     * arrays as it goes: a restart of a large batch's window then needs tens of MB, not several GB
     * of fresh memory, which costs more to fault in than the arithmetic.
     */
    public void fillCache(ParameterStore ps, NDArray x, KvCache cache) {
        fillCache(ps, x, cache, 0, CHUNK_TOKENS);
    }

    /**
     * As above with the frames at positions {@code first..first+T-1} (rotary temporal positions
     * only: learned ones start at 0), so that they can join a cache that has stepped past T frames
     * ({@link KvCache#copyRows}).
     */
    public void fillCache(ParameterStore ps, NDArray x, KvCache cache, long first) {
        if (first != 0 && !rope) {
            throw new IllegalArgumentException(
                    "frames can start at position " + first + " only with rotary positions");
        }
        fillCache(ps, x, cache, first, CHUNK_TOKENS);
    }

    /** As {@link #fillCache(ParameterStore, NDArray, KvCache)}, {@code chunkTokens} at a time. */
    void fillCacheChunked(ParameterStore ps, NDArray x, KvCache cache, long chunkTokens) {
        fillCache(ps, x, cache, 0, chunkTokens);
    }

    private void fillCache(
            ParameterStore ps, NDArray x, KvCache cache, long first, long chunkTokens) {
        Shape s = x.getShape();
        long b = s.get(0);
        long t = s.get(1);
        long n = s.get(2);
        long chunk = Math.max(1, chunkTokens / (t * n));
        NDManager outer = x.getManager();
        for (long b0 = 0; b0 < b; b0 += chunk) {
            long b1 = Math.min(b, b0 + chunk);
            try (NDManager cm = outer.newSubManager()) {
                NDArray h = x.get(new NDIndex("{}:{}", b0, b1));
                h.attach(cm);
                h = withPositions(ps, h, false);
                for (int i = 0; i < blocks.length; i++) {
                    NDManager bm = cm.newSubManager();
                    h.attach(bm);
                    NDArray[] kv = new NDArray[2];
                    NDArray y = blocks[i].apply(ps, h, first, kv, false);
                    cache.fillRows(i, b * n, b0 * n, kv[0], kv[1]);
                    y.attach(cm);
                    bm.close();
                    h = y;
                }
            }
        }
        cache.filled(first, (int) t);
    }

    /**
     * Applies the stack to one new frame {@code x [B, 1, N, D]} at the cache's next position,
     * attending to the cached frames. With {@code commit} the frame's keys and values join the
     * cache (dropping the oldest frame beyond its window); without, the cache is unchanged, so the
     * same frame may be refined and run again.
     */
    public NDArray step(ParameterStore ps, NDArray x, KvCache cache, boolean commit) {
        long pos = cache.nextPosition();
        x = x.add(value(ps, spatialPos, x, false));
        if (!rope) {
            if (pos >= maxFrames) {
                throw new IllegalStateException(
                        "frame position " + pos + " exceeds the model's maximum of " + maxFrames);
            }
            NDArray tp = value(ps, temporalPos, x, false).get(new NDIndex("{}:{}", pos, pos + 1));
            tp.attach(x.getManager());
            x = x.add(tp);
        }
        NDArray[][] kv = new NDArray[blocks.length][2];
        for (int i = 0; i < blocks.length; i++) {
            NDManager m = x.getManager();
            x = blocks[i].applyCached(ps, x, cache.keys(i, m), cache.values(i, m), pos, kv[i]);
        }
        if (commit) {
            cache.append(kv);
        }
        return finalNorm.apply(ps, x, false);
    }

    private NDArray run(
            ParameterStore ps, NDArray x, long first, NDArray[][] kv, boolean training) {
        x = withPositions(ps, x, training);
        for (int i = 0; i < blocks.length; i++) {
            x = blocks[i].apply(ps, x, first, kv == null ? null : kv[i], training);
        }
        return finalNorm.apply(ps, x, training);
    }

    /**
     * {@code x [B, T, N, D]} (frames at positions 0..T-1) with the spatial position embeddings
     * added, and the learned temporal ones unless temporal positions are rotary.
     */
    private NDArray withPositions(ParameterStore ps, NDArray x, boolean training) {
        long t = x.getShape().get(1);
        if (t > maxFrames) {
            throw new IllegalArgumentException(
                    t + " frames exceed the model's maximum of " + maxFrames);
        }
        x = x.add(value(ps, spatialPos, x, training));
        if (!rope) {
            NDArray tp = value(ps, temporalPos, x, training).get(new NDIndex("0:{}", t));
            tp.attach(x.getManager());
            x = x.add(tp);
        }
        return x;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return list(apply(ps, inputs.singletonOrThrow(), training));
    }
}
