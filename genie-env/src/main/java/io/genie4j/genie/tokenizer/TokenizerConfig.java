package io.genie4j.genie.tokenizer;

/**
 * Every hyper-parameter of a {@link VideoTokenizer}; saved in a checkpoint's {@code model.json}.
 *
 * @param imageSize frame height and width in pixels (frames are square, RGB)
 * @param patch patch side in pixels; a frame becomes {@code (imageSize/patch)²} tokens
 * @param dim transformer width
 * @param heads attention heads
 * @param ffMult feed-forward hidden units as a multiple of {@code dim}
 * @param encoderLayers ST blocks in the encoder
 * @param decoderLayers ST blocks in the decoder
 * @param codes codebook size
 * @param codeDim code vector dimension
 * @param maxFrames longest clip the temporal embeddings cover
 * @param spatialOnly true for the per-frame ViT tokenizer of Genie's ablation (Table 3), false for
 *     the ST-ViViT tokenizer whose tokens may draw on past frames
 * @param beta commitment loss weight
 */
public record TokenizerConfig(
        int imageSize,
        int patch,
        int dim,
        int heads,
        int ffMult,
        int encoderLayers,
        int decoderLayers,
        int codes,
        int codeDim,
        int maxFrames,
        boolean spatialOnly,
        float beta) {

    /**
     * The default, sized for a 2-core CPU: 8×8-pixel patches (64 tokens per 64×64 frame), width
     * 128, four ST blocks each side, Genie's codebook of 1024 codes of dimension 32.
     */
    public static TokenizerConfig defaults() {
        return new TokenizerConfig(64, 8, 128, 4, 4, 4, 4, 1024, 32, 16, false, 0.25f);
    }

    /** A tiny configuration for tests. */
    public static TokenizerConfig tiny() {
        return new TokenizerConfig(16, 4, 32, 2, 2, 1, 1, 32, 8, 4, false, 0.25f);
    }

    /** Checks that the numbers fit together; throws {@link IllegalArgumentException} if not. */
    public TokenizerConfig validate() {
        positive("imageSize", imageSize);
        positive("patch", patch);
        positive("dim", dim);
        positive("heads", heads);
        positive("ffMult", ffMult);
        positive("encoderLayers", encoderLayers);
        positive("decoderLayers", decoderLayers);
        positive("codes", codes);
        positive("codeDim", codeDim);
        positive("maxFrames", maxFrames);
        if (imageSize % patch != 0) {
            throw new IllegalArgumentException(
                    "imageSize " + imageSize + " is not a multiple of patch " + patch);
        }
        if (dim % heads != 0) {
            throw new IllegalArgumentException(
                    "dim " + dim + " is not a multiple of heads " + heads);
        }
        if (!(beta >= 0)) {
            throw new IllegalArgumentException("beta must be ≥ 0, got " + beta);
        }
        return this;
    }

    /** Tokens per frame side. */
    public int grid() {
        return imageSize / patch;
    }

    /** Tokens per frame. */
    public int tokensPerFrame() {
        return grid() * grid();
    }

    /** Values in one patch. */
    public int patchValues() {
        return patch * patch * 3;
    }

    private static void positive(String name, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + v);
        }
    }
}
