package io.genie4j.bc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.genie4j.env.Tensor;
import io.genie4j.genie.lam.LatentActions;
import io.genie4j.genie.world.WorldConfig;
import io.genie4j.genie.world.WorldModel;
import java.nio.ByteBuffer;

/**
 * Labels video with the latent actions of a frozen latent action model (Genie §3.3): transition
 * {@code t} of an episode, from frame {@code t} to frame {@code t + 1}, gets the LAM's code. The
 * LAM's encoder reads each pair of frames alone, so pairs are labelled in independent batches; for
 * a token-input LAM the pair's tokens are encoded from the pair.
 *
 * <p>With a latent action model v2 ({@link LatentActions}) instead, transition {@code t} gets the
 * code of its inverse model over frames {@code t - 1}, {@code t} and {@code t + 1}.
 *
 * <p>Does not own the model.
 */
public final class LatentLabeler {
    private final WorldModel model;
    private final LatentActions lam;
    private final int batch;

    /**
     * @param model a world model whose LAM labels
     * @param batch pairs per forward
     */
    public LatentLabeler(WorldModel model, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        this.model = model;
        this.lam = null;
        this.batch = batch;
    }

    /**
     * A labeler with a latent action model v2 (its inverse model reads x(t-1), x(t), x(t+1); the
     * first transition of an episode sees its first frame twice).
     *
     * @param lam the LAM
     * @param batch transitions per forward
     */
    public LatentLabeler(LatentActions lam, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        this.model = null;
        this.lam = lam;
        this.batch = batch;
    }

    /** The number of latent actions (codes lie in {@code [0, actions)}). */
    public int actions() {
        return lam != null ? lam.codebook().size() : model.config().actions();
    }

    /**
     * The latent action of every transition of {@code frames}.
     *
     * @param frames uint8 {@code [T, S, S, 3]} with {@code S} the model's image size
     * @return {@code T - 1} codes
     * @throws IllegalArgumentException if the frames do not have the model's size
     */
    public int[] label(Tensor frames) {
        if (lam != null) {
            return lam.label(frames, batch);
        }
        WorldConfig c = model.config();
        int s = c.imageSize();
        int[] shape = frames.shape();
        if (shape.length != 4 || shape[1] != s || shape[2] != s || shape[3] != 3) {
            throw new IllegalArgumentException(
                    "the LAM reads ["
                            + "T, "
                            + s
                            + ", "
                            + s
                            + ", 3] frames, got "
                            + frames.describe());
        }
        int pairs = shape[0] - 1;
        int[] out = new int[Math.max(pairs, 0)];
        if (pairs <= 0) {
            return out;
        }
        byte[] all = frames.toByteArray();
        int fb = s * s * 3;
        try (NDManager base = model.manager().newSubManager()) {
            ParameterStore ps = new ParameterStore(base, false);
            for (int from = 0; from < pairs; from += batch) {
                int n = Math.min(batch, pairs - from);
                ByteBuffer buf = ByteBuffer.allocateDirect(n * 2 * fb);
                for (int j = 0; j < n; j++) {
                    buf.put(all, (from + j) * fb, 2 * fb);
                }
                buf.flip();
                try (NDManager m = base.newSubManager()) {
                    NDArray v = m.create(buf, new Shape(n, 2, s, s, 3), DataType.UINT8);
                    NDArray codes =
                            c.lamInput() == WorldConfig.LamInput.TOKENS
                                    ? WorldModel.tokenize(
                                            model.tokenizer(), ps, v, c.tokenizerWindow())
                                    : null;
                    long[] a = model.actions().infer(ps, v, codes).toLongArray();
                    for (int j = 0; j < n; j++) {
                        out[from + j] = (int) a[j];
                    }
                }
            }
        }
        return out;
    }
}
