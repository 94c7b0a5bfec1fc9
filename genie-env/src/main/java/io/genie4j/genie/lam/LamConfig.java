package io.genie4j.genie.lam;

/**
 * The shape and objective of a {@link ConvLatentActionModel}.
 *
 * @param imageSize frame side in pixels (a multiple of 8)
 * @param width channels of the first convolution; the deeper ones have 2× and 4× (a multiple of 16,
 *     see {@link io.genie4j.genie.nn.Conv})
 * @param hidden width of the inverse model's fully connected layer
 * @param latentDim size of the continuous latent action
 * @param actions discrete actions: the quantiser's codes (Genie's |A| = 8)
 * @param realActions size of the game's action space, for the label head (CoinRun: 15)
 * @param objective what trains the inverse model
 * @param labelledShare with {@link Objective#RECONSTRUCT}, the share of the first dataset's
 *     transitions whose real action also trains a label head on the latent (0: label-free)
 * @param labelWeight weight of the label head's cross-entropy beside the reconstruction loss
 * @param bottleneck how the latent becomes one of {@code actions} discrete actions
 * @param beta the vector quantiser's commitment weight
 * @param entropyWeight the vector quantiser's entropy term (0: none; dead codes are revived
 *     instead)
 */
public record LamConfig(
        int imageSize,
        int width,
        int hidden,
        int latentDim,
        int actions,
        int realActions,
        Objective objective,
        double labelledShare,
        float labelWeight,
        Bottleneck bottleneck,
        float beta,
        float entropyWeight) {

    /** How the continuous latent becomes a discrete action. */
    public enum Bottleneck {
        /**
         * A vector quantiser of {@code actions} codes in training (Genie, LAPO): the forward model
         * sees only the code, so transitions the same action caused must share it. The shipped
         * world model's LAM has one (with labels); label-free on CoinRun, its codes carried less of
         * the action than the continuous latent's clusters on every held-out set.
         */
        VQ,
        /**
         * The default: no quantiser in training, so the forward model sees the whole latent (real
         * capacity); k-means over the latents of a fixed sample makes the {@code actions} discrete
         * actions afterwards. On CoinRun its latent carries more of the action than the
         * quantiser's, with labels and without (docs/world-model.md).
         */
        CONTINUOUS
    }

    /** What trains the inverse model. */
    public enum Objective {
        /**
         * Label-free (LAPO, Genie): the forward model must predict x_{t+1} from x_{t−1}, x_t and
         * the latent, so the latent must carry what the two past frames cannot tell.
         */
        RECONSTRUCT,
        /**
         * The ceiling: the same inverse model trained with every transition's real action
         * (cross-entropy of a linear head on the latent); no forward model loss.
         */
        LABELS
    }

    /**
     * The defaults for this 2-core machine: widths 16/32/64, a 256-wide hidden layer, a
     * 16-dimensional continuous latent, 8 actions by k-means, label-free.
     */
    public static LamConfig defaults() {
        return new LamConfig(
                64,
                16,
                256,
                16,
                8,
                15,
                Objective.RECONSTRUCT,
                0,
                1f,
                Bottleneck.CONTINUOUS,
                0.25f,
                0f);
    }

    /** A tiny configuration for tests. */
    public static LamConfig tiny(int imageSize) {
        return new LamConfig(
                imageSize,
                16,
                32,
                8,
                4,
                15,
                Objective.RECONSTRUCT,
                0,
                1f,
                Bottleneck.VQ,
                0.25f,
                0f);
    }

    /** This config with another objective. */
    public LamConfig withObjective(Objective o) {
        return with(o, labelledShare, bottleneck);
    }

    /** This config with a labelled share (the small-supervision switch). */
    public LamConfig withLabelledShare(double share) {
        return with(objective, share, bottleneck);
    }

    /** This config with another bottleneck. */
    public LamConfig withBottleneck(Bottleneck b) {
        return with(objective, labelledShare, b);
    }

    /** This config with the fields the public withers change. */
    private LamConfig with(Objective o, double share, Bottleneck b) {
        return new LamConfig(
                imageSize,
                width,
                hidden,
                latentDim,
                actions,
                realActions,
                o,
                share,
                labelWeight,
                b,
                beta,
                entropyWeight);
    }

    /** Whether any real action trains this model (the ceiling, or a labelled share above 0). */
    public boolean supervised() {
        return objective == Objective.LABELS || labelledShare > 0;
    }

    /**
     * Checks every field.
     *
     * @return this
     * @throws IllegalArgumentException naming the first bad field and what it must be
     */
    public LamConfig validate() {
        if (imageSize <= 0 || imageSize % 8 != 0) {
            throw new IllegalArgumentException(
                    "imageSize must be a positive multiple of 8, got " + imageSize);
        }
        if (width <= 0 || width % 16 != 0) {
            throw new IllegalArgumentException(
                    "width must be a positive multiple of 16, got " + width);
        }
        positive("hidden", hidden);
        positive("latentDim", latentDim);
        positive("realActions", realActions);
        if (actions < 2) {
            throw new IllegalArgumentException("actions must be at least 2, got " + actions);
        }
        if (objective == null) {
            throw new IllegalArgumentException("objective must be RECONSTRUCT or LABELS");
        }
        if (!(labelledShare >= 0 && labelledShare <= 1)) {
            throw new IllegalArgumentException(
                    "labelledShare must be in [0, 1], got " + labelledShare);
        }
        if (bottleneck == null) {
            throw new IllegalArgumentException("bottleneck must be VQ or CONTINUOUS");
        }
        if (!(beta >= 0) || !(entropyWeight >= 0)) {
            throw new IllegalArgumentException(
                    "beta and entropyWeight must be ≥ 0, got " + beta + " and " + entropyWeight);
        }
        if (!(labelWeight >= 0)) {
            throw new IllegalArgumentException("labelWeight must be ≥ 0, got " + labelWeight);
        }
        return this;
    }

    private static void positive(String name, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + v);
        }
    }
}
