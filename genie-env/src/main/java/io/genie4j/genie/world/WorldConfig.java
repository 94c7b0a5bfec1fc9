package io.genie4j.genie.world;

import io.genie4j.genie.tokenizer.TokenizerConfig;

/**
 * Every hyper-parameter of a world model (latent action model and dynamics); saved in a
 * checkpoint's {@code model.json}. The frame size, tokens per frame and vocabulary come from the
 * tokenizer the world model was trained on and are checked against it when loading.
 *
 * @param imageSize frame side in pixels (the tokenizer's)
 * @param grid tokens per frame side (the tokenizer's)
 * @param codes the tokenizer's vocabulary size
 * @param tokenizerWindow frames the tokenizer encodes and decodes together (its training clip
 *     length; longer videos are tokenized in windows of this many frames)
 * @param lamInput what the latent action model sees: {@code PIXELS} (Genie's choice), their {@code
 *     PIXEL_CHANGE} x_{t+1} − x_t, or the tokenizer's {@code TOKENS} (the ablation of Genie's Table
 *     2)
 * @param lamDecoderInput what the LAM decoder sees besides the latent action: {@code LAST_FRAME}
 *     x_t (the default) or {@code ALL_PAST} x₁…x_t (Genie §2.2); null in a model.json written
 *     before this setting existed, read as {@code ALL_PAST}
 * @param lamPatch the LAM's patch side in pixels (the token-input LAM works on each token's own
 *     pixels instead)
 * @param lamDim LAM transformer width
 * @param lamHeads LAM attention heads
 * @param lamEncoderLayers ST blocks in the LAM encoder
 * @param lamDecoderLayers ST blocks in the LAM decoder
 * @param actions latent action vocabulary size (Genie: 8)
 * @param actionDim latent action code dimension
 * @param lamBeta the LAM quantiser's commitment weight
 * @param lamEntropyWeight weight of the LAM quantiser's entropy term, which keeps every latent
 *     action in use (see {@link io.genie4j.genie.nn.VectorQuantizer})
 * @param dim dynamics transformer width
 * @param heads dynamics attention heads
 * @param layers dynamics ST blocks
 * @param ffMult feed-forward width as a multiple of the model width (LAM and dynamics)
 * @param context frames the dynamics attends to (its training clip length and sliding window)
 * @param codebookTie whether the dynamics also sees each token as its tokenizer code vector and
 *     scores each candidate code by its code vector (beside its own embedding and head, both
 *     learned per code id). A changed token's new code is most often a near neighbour of its old
 *     one in the codebook (holding RIGHT on 256 held-out CoinRun levels, 71% are among the old
 *     code's 10 nearest of 1024: {@code eval controls}' {@code changed_new_code_near_old}), which
 *     per-id embeddings have to learn code by code; false in a model.json written before this
 *     setting existed
 */
public record WorldConfig(
        int imageSize,
        int grid,
        int codes,
        int tokenizerWindow,
        LamInput lamInput,
        LamDecoderInput lamDecoderInput,
        int lamPatch,
        int lamDim,
        int lamHeads,
        int lamEncoderLayers,
        int lamDecoderLayers,
        int actions,
        int actionDim,
        float lamBeta,
        float lamEntropyWeight,
        int dim,
        int heads,
        int layers,
        int ffMult,
        int context,
        boolean codebookTie) {

    /** What the latent action model takes as input. */
    public enum LamInput {
        /** Frame pixels, as patches (Genie §2.2). */
        PIXELS,
        /**
         * The change x_{t+1} − x_t in pixels, as patches: the encoder sees what changed, not what
         * the frame looks like. (In our 600-step probes on CoinRun, a pair-input LAM spread its
         * codes over the training levels yet put most held-out transitions on one code, with no
         * link to the real action, as if the codes named the levels' looks; the change-input LAM
         * used all 8 on held-out levels and one of them came to mean "jump".)
         */
        PIXEL_CHANGE,
        /** The tokenizer's codes. */
        TOKENS
    }

    /** What the latent action model's decoder sees besides the latent action. */
    public enum LamDecoderInput {
        /**
         * The last frame x_t only. The code must then carry everything that changed between x_t and
         * x_{t+1}, motion included, which keeps it from collapsing: with the whole past in view the
         * decoder can extrapolate motion itself, and our CPU-sized LAMs then learned to ignore the
         * code (one code for nearly every CoinRun transition).
         */
        LAST_FRAME,
        /** Every frame x₁…x_t through a causal ST-transformer (Genie §2.2). */
        ALL_PAST
    }

    /** Reads a model.json written before {@code lamDecoderInput} existed as {@code ALL_PAST}. */
    public WorldConfig {
        if (lamDecoderInput == null) {
            lamDecoderInput = LamDecoderInput.ALL_PAST;
        }
    }

    /**
     * The default for {@code tok}, sized for a 2-core CPU: a LAM over 16×16-pixel patches of width
     * 128 with 4+4 blocks and 8 latent actions, whose encoder sees each frame's change and whose
     * decoder sees the frame before; dynamics of width 128 with 6 ST blocks over a 16-frame
     * context.
     */
    public static WorldConfig defaults(TokenizerConfig tok) {
        return new WorldConfig(
                tok.imageSize(),
                tok.grid(),
                tok.codes(),
                8,
                LamInput.PIXEL_CHANGE,
                LamDecoderInput.LAST_FRAME,
                16,
                128,
                4,
                4,
                4,
                8,
                32,
                0.25f,
                0.1f,
                128,
                4,
                6,
                4,
                16,
                false);
    }

    /** A tiny configuration for tests, for the tiny tokenizer. */
    public static WorldConfig tiny(TokenizerConfig tok) {
        return new WorldConfig(
                tok.imageSize(),
                tok.grid(),
                tok.codes(),
                4,
                LamInput.PIXEL_CHANGE,
                LamDecoderInput.LAST_FRAME,
                8,
                32,
                2,
                1,
                1,
                4,
                8,
                0.25f,
                0.1f,
                32,
                2,
                2,
                2,
                4,
                false);
    }

    /** A copy whose LAM takes {@code input}. */
    public WorldConfig withLamInput(LamInput input) {
        return with(input, lamDecoderInput, codebookTie);
    }

    /** A copy whose LAM decoder sees {@code input}. */
    public WorldConfig withLamDecoderInput(LamDecoderInput input) {
        return with(lamInput, input, codebookTie);
    }

    /**
     * A copy whose dynamics reads and predicts tokens through the tokenizer's codebook as well (see
     * {@code codebookTie}).
     */
    public WorldConfig withCodebookTie(boolean on) {
        return with(lamInput, lamDecoderInput, on);
    }

    private WorldConfig with(LamInput input, LamDecoderInput decoderInput, boolean tie) {
        return new WorldConfig(
                imageSize,
                grid,
                codes,
                tokenizerWindow,
                input,
                decoderInput,
                lamPatch,
                lamDim,
                lamHeads,
                lamEncoderLayers,
                lamDecoderLayers,
                actions,
                actionDim,
                lamBeta,
                lamEntropyWeight,
                dim,
                heads,
                layers,
                ffMult,
                context,
                tie);
    }

    /** Checks that the numbers fit together; throws {@link IllegalArgumentException} if not. */
    public WorldConfig validate() {
        int[] values = {
            imageSize,
            grid,
            codes,
            tokenizerWindow,
            lamPatch,
            lamDim,
            lamHeads,
            lamEncoderLayers,
            lamDecoderLayers,
            actions,
            actionDim,
            dim,
            heads,
            layers,
            ffMult,
            context
        };
        String[] names = {
            "imageSize",
            "grid",
            "codes",
            "tokenizerWindow",
            "lamPatch",
            "lamDim",
            "lamHeads",
            "lamEncoderLayers",
            "lamDecoderLayers",
            "actions",
            "actionDim",
            "dim",
            "heads",
            "layers",
            "ffMult",
            "context"
        };
        for (int i = 0; i < values.length; i++) {
            if (values[i] <= 0) {
                throw new IllegalArgumentException(
                        names[i] + " must be positive, got " + values[i]);
            }
        }
        if (lamInput == null) {
            throw new IllegalArgumentException("lamInput must be PIXELS or TOKENS");
        }
        if (imageSize % lamPatch != 0) {
            throw new IllegalArgumentException(
                    "imageSize " + imageSize + " is not a multiple of lamPatch " + lamPatch);
        }
        if (lamDim % lamHeads != 0 || dim % heads != 0 || (dim / heads) % 2 != 0) {
            throw new IllegalArgumentException(
                    "widths must divide into heads (dynamics heads of even width): lamDim "
                            + lamDim
                            + "/"
                            + lamHeads
                            + ", dim "
                            + dim
                            + "/"
                            + heads);
        }
        if (context < 2) {
            throw new IllegalArgumentException("context must be at least 2 frames");
        }
        if (!(lamEntropyWeight >= 0)) {
            throw new IllegalArgumentException(
                    "lamEntropyWeight must be ≥ 0, got " + lamEntropyWeight);
        }
        if (!(lamBeta >= 0)) {
            throw new IllegalArgumentException("lamBeta must be ≥ 0, got " + lamBeta);
        }
        return this;
    }

    /** Checks that this world model fits {@code tok}. */
    public void checkTokenizer(TokenizerConfig tok) {
        if (tok.imageSize() != imageSize || tok.grid() != grid || tok.codes() != codes) {
            throw new IllegalArgumentException(
                    "the world model expects a tokenizer of "
                            + imageSize
                            + "px frames, "
                            + grid
                            + "×"
                            + grid
                            + " tokens and "
                            + codes
                            + " codes; this one has "
                            + tok.imageSize()
                            + "px, "
                            + tok.grid()
                            + "×"
                            + tok.grid()
                            + " and "
                            + tok.codes());
        }
    }

    /** Tokens per frame. */
    public int tokensPerFrame() {
        return grid * grid;
    }

    /** LAM patches per frame. */
    public int lamTokens() {
        int g = imageSize / lamPatch;
        return g * g;
    }
}
