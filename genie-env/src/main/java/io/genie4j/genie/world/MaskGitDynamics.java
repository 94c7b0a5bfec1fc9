package io.genie4j.genie.world;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.genie4j.genie.nn.Dense;
import io.genie4j.genie.nn.Embed;
import io.genie4j.genie.nn.KvCache;
import io.genie4j.genie.nn.Module;
import io.genie4j.genie.nn.StTransformer;

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

    /** A freshly constructed (uninitialised) dynamics model. */
    public MaskGitDynamics(WorldConfig config) {
        super((byte) 1);
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
        return head.apply(ps, features(ps, tokenIds, actionIds, training), training);
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
        return head.apply(ps, features, false);
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
        return x.add(actions.apply(ps, actionIds, training).expandDims(2));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return list(logits(ps, inputs.get(0), inputs.get(1), training));
    }
}
