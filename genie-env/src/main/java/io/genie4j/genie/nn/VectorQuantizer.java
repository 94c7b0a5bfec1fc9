package io.genie4j.genie.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.Random;

/**
 * A vector quantiser (VQ-VAE, van den Oord et al. 2017) with L2-normalised codes (Yu et al.,
 * ViT-VQGAN 2022): inputs and codes are projected onto the unit sphere and each input takes the
 * code of highest cosine similarity. The output passes gradients straight through to the input; the
 * loss is the codebook term plus {@code beta} times the commitment term.
 *
 * <p>It also counts how often each code is chosen. {@link #resetDeadCodes} replaces the codes no
 * input chose since the last reset with recent inputs, the usual remedy for codebook collapse.
 */
public final class VectorQuantizer extends Module {

    private final int codes;
    private final int dim;
    private final float beta;
    private final float entropyWeight;
    private final Parameter codebook;
    private final long[] usage;
    private float[] recent;
    private int recentCount;

    /**
     * A codebook of {@code codes} vectors of {@code dim} features; commitment weight {@code beta}.
     */
    public VectorQuantizer(int codes, int dim, float beta) {
        this(codes, dim, beta, 0f);
    }

    /**
     * As above, plus an entropy term of weight {@code entropyWeight} (as in MAGVIT-v2's lookup-free
     * quantiser, Yu et al. 2023) on soft assignments (cosine similarity / 0.1): it rewards each
     * input being sure of its code and the batch as a whole spreading over all codes. A small
     * codebook whose decoder can do without it (a latent action model early in training) would
     * otherwise collapse onto one code.
     */
    public VectorQuantizer(int codes, int dim, float beta, float entropyWeight) {
        super((byte) 1);
        this.entropyWeight = entropyWeight;
        this.codes = codes;
        this.dim = dim;
        this.beta = beta;
        codebook = param("codebook", Parameter.Type.OTHER, new NormalInitializer(1f), codes, dim);
        usage = new long[codes];
    }

    /** The number of codes. */
    public int codes() {
        return codes;
    }

    /** The code dimension. */
    public int dim() {
        return dim;
    }

    /** The result of quantising: straight-through vectors, code indices and the VQ loss. */
    public record Output(NDArray quantized, NDArray indices, NDArray loss) {}

    /**
     * Quantises {@code z [..., dim]}. In training, usage counts are updated and a sample of the
     * normalised inputs is kept for {@link #resetDeadCodes}.
     */
    public Output quantize(ParameterStore ps, NDArray z, boolean training) {
        Shape s = z.getShape();
        NDArray flat = normalize(z.reshape(-1, dim));
        NDArray cb = normalizedCodebook(ps, flat, training);
        NDArray idx = flat.matMul(cb.transpose()).argMax(1);
        NDArray q = idx.oneHot(codes, DataType.FLOAT32).matMul(cb);
        NDArray loss =
                q.sub(flat.stopGradient())
                        .square()
                        .mean()
                        .add(times(flat.sub(q.stopGradient()).square().mean(), beta));
        if (training && entropyWeight > 0) {
            NDArray p = times(flat.matMul(cb.transpose()), 10f).softmax(-1);
            NDArray perInput = entropy(p).mean();
            NDArray overall = entropy(p.mean(new int[] {0}));
            loss = loss.add(times(perInput.sub(overall), entropyWeight));
        }
        NDArray st = flat.add(q.sub(flat).stopGradient());
        if (training) {
            record(idx, flat);
        }
        Shape outShape = s.slice(0, s.dimension() - 1);
        return new Output(st.reshape(s), idx.reshape(outShape), loss);
    }

    /** The code vectors (normalised) for indices {@code idx [...]}: {@code [..., dim]}. */
    public NDArray lookup(ParameterStore ps, NDArray idx, boolean training) {
        NDArray cb = normalizedCodebook(ps, idx, training);
        return Embedding.embedding(idx, cb, SparseFormat.DENSE).singletonOrThrow();
    }

    /** Every code's vector {@code [codes, dim]} as {@link #lookup} gives it, in {@code manager}. */
    public NDArray vectors(NDManager manager) {
        long[] ids = new long[codes];
        for (int i = 0; i < codes; i++) {
            ids[i] = i;
        }
        NDArray idx = manager.create(ids);
        NDArray out = lookup(new ParameterStore(manager, false), idx, false);
        idx.close();
        return out;
    }

    private NDArray normalizedCodebook(ParameterStore ps, NDArray like, boolean training) {
        NDArray cb = value(ps, codebook, like, training);
        if (!training) {
            // Arrays computed from the parameter belong to the parameter's manager; a copy in
            // the caller's keeps the intermediate ones from piling up there call after call.
            cb = cb.duplicate();
            cb.attach(like.getManager());
            return normalize(cb);
        }
        // In training the gradient must reach the parameter, so no copy: the first and the last
        // of the normalisation's arrays move to the caller's manager, and the ones between are
        // made there because their inputs live there.
        NDArray squares = cb.square();
        squares.attach(like.getManager());
        NDArray n = cb.div(squares.sum(new int[] {-1}, true).add(1e-12f).sqrt());
        n.attach(like.getManager());
        return n;
    }

    /** Entropy (nats) of distributions over the last axis. */
    private static NDArray entropy(NDArray p) {
        return p.mul(p.add(1e-9f).log()).sum(new int[] {-1}).neg();
    }

    private static NDArray normalize(NDArray x) {
        return x.div(x.square().sum(new int[] {-1}, true).add(1e-12f).sqrt());
    }

    private void record(NDArray idx, NDArray flat) {
        long[] ids = idx.toLongArray();
        synchronized (usage) {
            for (long i : ids) {
                usage[(int) i]++;
            }
        }
        // Keep up to 'codes' recent inputs as candidates for reviving dead codes.
        int rows = (int) flat.getShape().get(0);
        int keep = Math.min(rows, codes);
        float[] all = flat.stopGradient().toFloatArray();
        recent = new float[keep * dim];
        int step = rows / keep;
        for (int i = 0; i < keep; i++) {
            System.arraycopy(all, i * step * dim, recent, i * dim, dim);
        }
        recentCount = keep;
    }

    /** Usage counts per code since the last {@link #resetUsage()} or dead-code reset. */
    public long[] usage() {
        synchronized (usage) {
            return usage.clone();
        }
    }

    /** Restores usage counts (when resuming training). */
    public void setUsage(long[] counts) {
        if (counts.length != codes) {
            throw new IllegalArgumentException(
                    counts.length + " usage counts for a codebook of " + codes);
        }
        synchronized (usage) {
            System.arraycopy(counts, 0, usage, 0, codes);
        }
    }

    /** Clears the usage counts. */
    public void resetUsage() {
        synchronized (usage) {
            java.util.Arrays.fill(usage, 0);
        }
    }

    /**
     * Replaces every code unused since the last reset with a recent input vector (plus a little
     * noise so replacements differ), then clears the counts. Returns the number of codes replaced.
     */
    public int resetDeadCodes(Random rng) {
        if (recent == null) {
            return 0;
        }
        NDArray cbArray = codebook.getArray();
        float[] cb = cbArray.toFloatArray();
        int replaced = 0;
        synchronized (usage) {
            for (int c = 0; c < codes; c++) {
                if (usage[c] == 0) {
                    int src = rng.nextInt(recentCount);
                    for (int j = 0; j < dim; j++) {
                        cb[c * dim + j] =
                                recent[src * dim + j] + 0.01f * (float) rng.nextGaussian();
                    }
                    replaced++;
                }
            }
            java.util.Arrays.fill(usage, 0);
        }
        if (replaced > 0) {
            // Copied in natively: NDArray.set(float[]) would make DJL drop its reference to the
            // Java buffer a loaded parameter's memory lives in (while the tensor keeps using it),
            // and the garbage collector would free that memory under the codebook.
            try (NDManager tmp = cbArray.getManager().newSubManager()) {
                cbArray.set(new NDIndex("..."), tmp.create(cb, cbArray.getShape()));
            }
        }
        return replaced;
    }

    /** The code vectors scaled to unit length (as they are compared), {@code [codes][dim]}. */
    public float[][] unitCodes() {
        float[] cb = codebook.getArray().toFloatArray();
        float[][] out = new float[codes][dim];
        for (int c = 0; c < codes; c++) {
            double n = 0;
            for (int j = 0; j < dim; j++) {
                n += cb[c * dim + j] * cb[c * dim + j];
            }
            double inv = 1 / Math.sqrt(n + 1e-12);
            for (int j = 0; j < dim; j++) {
                out[c][j] = (float) (cb[c * dim + j] * inv);
            }
        }
        return out;
    }

    /** Used by tests: an array manager-owned copy of the codebook. */
    NDArray codebookCopy(NDManager manager) {
        return manager.create(codebook.getArray().toFloatArray(), new Shape(codes, dim));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        Output o = quantize(ps, inputs.singletonOrThrow(), training);
        return new NDList(o.quantized(), o.indices(), o.loss());
    }
}
