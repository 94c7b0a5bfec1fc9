package io.genie4j.genie.world;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;

/**
 * What reads the latent action of each transition of real video, for the dynamics to be trained on,
 * prompted with, or evaluated against: Genie's co-trained {@link LatentActionModel}, or a frozen
 * LAM v2 ({@link io.genie4j.genie.lam.LatentActions}) that the dynamics was trained on.
 */
@FunctionalInterface
public interface ActionInference {
    /**
     * The action code {@code [B, T-1]} (int64) of each transition of clips uint8 {@code [B, T, H,
     * W, 3]} whose tokenizer codes are {@code codes [B, T, h, w]}.
     */
    NDArray infer(ParameterStore ps, NDArray video, NDArray codes);
}
