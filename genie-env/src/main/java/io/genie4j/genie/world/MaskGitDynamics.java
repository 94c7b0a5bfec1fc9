package io.genie4j.genie.world;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.genie4j.genie.nn.Dense;
import io.genie4j.genie.nn.Embed;
import io.genie4j.genie.nn.KvCache;
import io.genie4j.genie.nn.Module;
import io.genie4j.genie.nn.StTransformer;
import io.genie4j.genie.nn.VectorQuantizer;
import java.util.HashMap;
import java.util.Map;

/**
 * The dynamics model of Genie §2.3: a causal ST-transformer over the tokens of frames z₁…z_T in
 * which the latent action that led to each frame is added to its tokens as an embedding, and which
 * predicts each frame's tokens (logits over the tokenizer's vocabulary). It is trained as a MaskGIT
 * (Chang et al. 2022): a share of each frame's tokens is replaced by a learned mask token and the
 * model must recover them. Temporal attention uses rotary embeddings, so frames can be stepped one
 * at a time against a sliding {@link KvCache} window.
 *
 * <p>Action ids: 0 is "no action" (the first frame of a clip, or a prompt frame with no known
 * action), 1 + a is latent action a.
 */
public final class MaskGitDynamics extends Module {

    private final WorldConfig config;
    private final Embed tokens;
    private final Embed actions;
    private final StTransformer transformer;
    private final Dense head;
    private final Dense tieIn;
    private final Dense tieOut;
    private final int codeDim;
    private NDArray codebookIn;
    private NDArray codebookOut;

    /**
     * A freshly constructed (uninitialised) dynamics model without the codebook tie.
     *
     * @throws IllegalArgumentException if the config asks for the tie (use the constructor that
     *     takes the codebook's width)
     */
    public MaskGitDynamics(WorldConfig config) {
        this(config, 0);
    }

    /**
     * A freshly constructed (uninitialised) dynamics model; with {@link WorldConfig#codebookTie()}
     * it reads and scores tokens through a codebook of {@code codeDim}-wide vectors as well, which
     * {@link #useCodebook} must supply before it is run. The tie's two layers start at zero, so a
     * model given the tie computes what it computed without it until training moves them.
     */
    public MaskGitDynamics(WorldConfig config, int codeDim) {
        super((byte) 1);
        if (config.codebookTie() && codeDim < 1) {
            throw new IllegalArgumentException(
                    "a dynamics with the codebook tie needs the tokenizer's code width");
        }
        this.config = config.validate();
        int d = config.dim();
        tokens = child("tokens", new Embed(config.codes() + 1, d));
        actions = child("actions", new Embed(config.actions() + 1, d));
        transformer =
                child(
                        "transformer",
                        new StTransformer(
                                d,
                                config.heads(),
                                config.ffMult(),
                                config.layers(),
                                config.tokensPerFrame(),
                                config.context(),
                                false,
                                true));
        head = child("head", new Dense(d, config.codes()));
        this.codeDim = config.codebookTie() ? codeDim : 0;
        tieIn = config.codebookTie() ? child("tie_in", new Dense(codeDim, d, 0f)) : null;
        tieOut = config.codebookTie() ? child("tie_out", new Dense(d, codeDim, 0f)) : null;
    }

    /** Its config. */
    public WorldConfig config() {
        return config;
    }

    /**
     * Copies into this dynamics every parameter of {@code other} (of the same config but for the
     * tie, say an untied one it grows from) that it has under the same name; the rest keep their
     * values. Call before the parameters collect gradients.
     */
    public void takeWeights(MaskGitDynamics other) {
        Map<String, Parameter> theirs = new HashMap<>();
        for (var p : other.getParameters()) {
            theirs.put(p.getKey(), p.getValue());
        }
        for (var p : getParameters()) {
            Parameter from = theirs.get(p.getKey());
            if (from != null) {
                NDArray to = p.getValue().getArray();
                to.setRequiresGradient(false);
                from.getArray().copyTo(to);
            }
        }
    }

    /** Whether this dynamics reads and scores tokens through the tokenizer's codebook too. */
    public boolean tied() {
        return tieIn != null;
    }

    /**
     * Gives a tied dynamics the code vectors of the tokenizer's {@code quantizer} (unit length, as
     * it looks them up), which it keeps, with no gradient (the tokenizer is frozen), in {@code
     * manager}: it must outlive this dynamics' use. An untied dynamics needs none and reads none.
     */
    public void useCodebook(VectorQuantizer quantizer, NDManager manager) {
        if (!tied()) {
            return;
        }
        if (quantizer.codes() != config.codes() || quantizer.dim() != codeDim) {
            throw new IllegalArgumentException(
                    "the codebook has "
                            + quantizer.codes()
                            + " codes of width "
                            + quantizer.dim()
                            + ", the dynamics expects "
                            + config.codes()
                            + " of width "
                            + codeDim);
        }
        NDArray vectors = quantizer.vectors(manager);
        // The mask token reads as the zero vector; the transposed copy scores the real codes.
        codebookIn = NDArrays.concat(new NDList(vectors, manager.zeros(new Shape(1, codeDim))), 0);
        codebookOut = vectors.transpose().duplicate();
    }

    /** The id of the mask token. */
    public int maskId() {
        return config.codes();
    }

    /** The number of ST blocks (for a cache). */
    public int layers() {
        return transformer.layers();
    }

    /**
     * Logits {@code [B, T, N, codes]} for tokens {@code [B, T, N]} (int64; {@link #maskId()} where
     * masked) of frames reached by action ids {@code [B, T]} (0: none, 1 + a: latent action a).
     */
    public NDArray logits(
            ParameterStore ps, NDArray tokenIds, NDArray actionIds, boolean training) {
        return score(ps, features(ps, tokenIds, actionIds, training), training);
    }

    /**
     * The transformer's output features {@code [B, T, N, D]} for tokens and action ids as {@link
     * #logits} takes them; {@link #head} turns features into logits.
     */
    public NDArray features(
            ParameterStore ps, NDArray tokenIds, NDArray actionIds, boolean training) {
        return transformer.apply(ps, embed(ps, tokenIds, actionIds, training), training);
    }

    /** Logits {@code [..., codes]} (inference) of features {@code [..., D]}. */
    public NDArray head(ParameterStore ps, NDArray features) {
        return score(ps, features, false);
    }

    /**
     * The head's logits, plus with the tie each code's score as the similarity of its code vector
     * to the features' projection into code space.
     */
    private NDArray score(ParameterStore ps, NDArray features, boolean training) {
        NDArray logits = head.apply(ps, features, training);
        if (!tied()) {
            return logits;
        }
        checkCodebook();
        return logits.add(tieOut.apply(ps, features, training).matMul(codebookOut));
    }

    private void checkCodebook() {
        if (codebookIn == null) {
            throw new IllegalStateException(
                    "a dynamics with the codebook tie needs useCodebook before it runs");
        }
    }

    /**
     * Fills {@code cache} with the keys and values of the frames' tokens {@code [B, T, N]} reached
     * by action ids {@code [B, T]} (frames at positions 0..T-1), ready for {@link #stepFeatures}.
     */
    public void fillCache(ParameterStore ps, NDArray tokenIds, NDArray actionIds, KvCache cache) {
        fillCache(ps, tokenIds, actionIds, cache, 0);
    }

    /** As above, the frames at positions {@code first..first+T-1}. */
    public void fillCache(
            ParameterStore ps, NDArray tokenIds, NDArray actionIds, KvCache cache, long first) {
        transformer.fillCache(ps, embed(ps, tokenIds, actionIds, false), cache, first);
    }

    /**
     * The features {@code [B, N, D]} ({@link #head} gives their logits) of one new frame's tokens
     * {@code [B, N]} reached by action ids {@code [B]}, attending to the cached frames; {@code
     * commit} adds the frame to the cache.
     */
    public NDArray stepFeatures(
            ParameterStore ps, NDArray tokenIds, NDArray actionIds, KvCache cache, boolean commit) {
        Shape s = tokenIds.getShape();
        NDArray x =
                embed(
                        ps,
                        tokenIds.reshape(s.get(0), 1, s.get(1)),
                        actionIds.reshape(s.get(0), 1),
                        false);
        return transformer.step(ps, x, cache, commit).reshape(s.get(0), s.get(1), -1);
    }

    private NDArray embed(
            ParameterStore ps, NDArray tokenIds, NDArray actionIds, boolean training) {
        NDArray x = tokens.apply(ps, tokenIds, training);
        if (tied()) {
            checkCodebook();
            NDArray vectors =
                    Embedding.embedding(tokenIds, codebookIn, SparseFormat.DENSE)
                            .singletonOrThrow();
            x = x.add(tieIn.apply(ps, vectors, training));
        }
        return x.add(actions.apply(ps, actionIds, training).expandDims(2));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return list(logits(ps, inputs.get(0), inputs.get(1), training));
    }
}
