package io.genie4j.genie.world;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * MaskGIT (Chang et al., 2022) in one place: the training mask and loss that {@link WorldTrainer}
 * uses with {@link MaskGitDynamics}, and the cosine schedule, confidence noise and Gumbel draws
 * that {@link GenieWorld} samples frames with.
 */
public final class MaskGit {
    private MaskGit() {}

    /**
     * The training mask {@code [b, t, n]} (1 where masked): for each clip a rate drawn from U(0.5,
     * 1), then each token of frames 2..t masked with that probability (the first frame is always
     * given), as Genie trains.
     */
    public static float[] trainingMask(Random rng, int b, int t, int n) {
        return trainingMask(rng, b, t, n, 0);
    }

    /**
     * The training mask with a share {@code visible} of frames 2..t, each drawn independently,
     * given whole; the rest masked as {@link #trainingMask(Random, int, int, int)} masks them. When
     * the world is played, a generated frame follows whole past frames; with every frame masked at
     * 50% or more in training, none ever did.
     */
    public static float[] trainingMask(Random rng, int b, int t, int n, double visible) {
        float[] mask = new float[b * t * n];
        for (int i = 0; i < b; i++) {
            double rate = 0.5 + 0.5 * rng.nextDouble();
            for (int f = 1; f < t; f++) {
                if (visible > 0 && rng.nextDouble() < visible) {
                    continue;
                }
                for (int j = 0; j < n; j++) {
                    if (rng.nextDouble() < rate) {
                        mask[(i * t + f) * n + j] = 1f;
                    }
                }
            }
        }
        return mask;
    }

    /**
     * The loss: mean cross-entropy of the logits {@code [B, T, N, codes]} at the masked positions
     * ({@code mask [B, T, N]}, 1 where masked) against the true tokens {@code [B, T, N]}; and the
     * share of masked tokens predicted right (by arg-max).
     */
    public static NDArray[] loss(NDArray logits, NDArray targets, NDArray mask) {
        return loss(logits, targets, mask, 0f);
    }

    /**
     * As {@link #loss(NDArray, NDArray, NDArray)}, with the cross-entropy at tokens that differ
     * from the same position of the previous frame weighted {@code 1 + changedBoost} (a weighted
     * mean); and a third figure, the share of masked changed tokens predicted right (0 if none).
     */
    public static NDArray[] loss(
            NDArray logits, NDArray targets, NDArray mask, float changedBoost) {
        NDArray logp = logits.logSoftmax(-1);
        NDArray nll = logp.gather(targets.expandDims(-1), -1).squeeze(-1).neg();
        NDArray changed = changed(targets).toType(mask.getDataType(), false).mul(mask);
        NDArray weight = changedBoost > 0 ? mask.add(changed.mul(changedBoost)) : mask;
        NDArray loss = nll.mul(weight).sum().div(weight.sum().maximum(1f));
        NDArray hit = logits.argMax(-1).eq(targets).toType(mask.getDataType(), false);
        NDArray right = hit.mul(mask).sum().div(mask.sum().maximum(1f));
        NDArray changedRight = hit.mul(changed).sum().div(changed.sum().maximum(1f));
        return new NDArray[] {loss, right, changedRight};
    }

    /**
     * The action-contrast term of {@code train world --action-contrast}: how much likelier each
     * frame's true tokens are under its own latent action than under another one. For logits {@code
     * [B, T, N, codes]} predicted with each frame's own action ({@code own}) and with a different
     * action at every frame ({@code other}), Δ is the summed log-likelihood ratio of the true
     * tokens over a frame's masked positions, and a frame's loss is softplus(−Δ), the cross-entropy
     * of telling its own action from the other by the likelihood alone: near zero where the world
     * already follows its action, log 2 where it ignores it. Frames without masked tokens add
     * nothing. Returns the sum over frames divided by the number of masked tokens (so that a weight
     * of 1 puts it on the scale of {@link #loss}'s mean, at a frame whose action is ignored), the
     * mean over those frames of softplus(−Δ), and the share of them with Δ &gt; 0.
     */
    public static NDArray[] actionContrast(
            NDArray own, NDArray other, NDArray targets, NDArray mask) {
        NDArray index = targets.expandDims(-1);
        NDArray ratio =
                own.logSoftmax(-1)
                        .gather(index, -1)
                        .sub(other.logSoftmax(-1).gather(index, -1))
                        .squeeze(-1);
        NDArray delta = ratio.mul(mask).sum(new int[] {2});
        NDArray frames = mask.sum(new int[] {2}).gt(0).toType(mask.getDataType(), false);
        NDArray perFrame = delta.neg().getNDArrayInternal().softPlus().mul(frames);
        NDArray count = frames.sum().maximum(1f);
        NDArray loss = perFrame.sum().div(mask.sum().maximum(1f));
        NDArray mean = perFrame.sum().div(count);
        NDArray right = delta.gt(0).toType(mask.getDataType(), false).mul(frames).sum().div(count);
        return new NDArray[] {loss, mean, right};
    }

    /**
     * Where tokens {@code [B, T, N]} differ from the same position in the previous frame: a boolean
     * {@code [B, T, N]}, false throughout the first frame.
     */
    public static NDArray changed(NDArray tokens) {
        Shape s = tokens.getShape();
        NDArray diff = tokens.get(new NDIndex(":, 1:")).neq(tokens.get(new NDIndex(":, :-1")));
        NDArray first =
                tokens.getManager().zeros(new Shape(s.get(0), 1, s.get(2)), DataType.BOOLEAN);
        return NDArrays.concat(new NDList(first, diff), 1);
    }

    /**
     * The cosine schedule: how many of {@code n} tokens are fixed at each of {@code k} iterations
     * (the i-th leaves ⌊n·cos(π/2·(i+1)/k)⌋ masked; all are fixed after the last).
     */
    public static int[] schedule(int n, int k) {
        int[] out = new int[k];
        int masked = n;
        for (int i = 0; i < k; i++) {
            int remain = i == k - 1 ? 0 : (int) Math.floor(n * Math.cos(Math.PI / 2 * (i + 1) / k));
            out[i] = masked - remain;
            masked = remain;
        }
        return out;
    }

    /**
     * The scale of the Gumbel noise added to the confidences at iteration {@code k} (0-based) of
     * {@code steps}: annealed from the temperature towards 0, never below 1e-3.
     */
    public static double confidenceNoise(float temperature, int k, int steps) {
        return Math.max(1e-3, temperature * (1.0 - (k + 1.0) / steps));
    }

    /** A standard Gumbel draw. */
    public static double gumbel(SplittableRandom rng) {
        return -Math.log(-Math.log(rng.nextDouble() + 1e-300) + 1e-300);
    }
}
