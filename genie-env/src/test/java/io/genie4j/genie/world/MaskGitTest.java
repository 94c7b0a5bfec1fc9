package io.genie4j.genie.world;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MaskGitTest {

    /**
     * One clip of three frames of two tokens over a vocabulary of two. Frame 1 repeats frame 0;
     * frame 2's second token changes. Every masked token is predicted right with probability
     * sigmoid(2) except the changed one, predicted wrong with the same confidence.
     */
    @Test
    void changedTokensAreFoundWeightedAndScoredOnTheirOwn() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray targets = m.create(new long[] {0, 1, 0, 1, 0, 0}, new Shape(1, 3, 2));
            NDArray mask = m.create(new float[] {0, 0, 1, 1, 1, 1}, new Shape(1, 3, 2));
            float[] logits = new float[12];
            long[] t = targets.toLongArray();
            for (int i = 0; i < 6; i++) {
                boolean wrong = i == 5;
                int favoured = (int) (wrong ? 1 - t[i] : t[i]);
                logits[i * 2 + favoured] = 2f;
            }
            NDArray l = m.create(logits, new Shape(1, 3, 2, 2));

            assertArrayEquals(
                    new boolean[] {false, false, false, false, false, true},
                    MaskGit.changed(targets).toBooleanArray());

            double good = Math.log1p(Math.exp(-2)); // −log σ(2)
            double bad = Math.log1p(Math.exp(2)); // −log σ(−2)
            NDArray[] plain = MaskGit.loss(l, targets, mask);
            assertEquals((3 * good + bad) / 4, plain[0].getFloat(), 1e-5);
            assertEquals(0.75, plain[1].getFloat(), 1e-6);
            assertEquals(0.0, plain[2].getFloat(), 1e-6);

            NDArray[] boosted = MaskGit.loss(l, targets, mask, 3f);
            assertEquals((3 * good + 4 * bad) / 7, boosted[0].getFloat(), 1e-5);
            // Accuracy stays unweighted.
            assertEquals(0.75, boosted[1].getFloat(), 1e-6);

            // A changed token that is not masked is neither weighted nor scored.
            NDArray given = m.create(new float[] {0, 0, 1, 1, 1, 0}, new Shape(1, 3, 2));
            NDArray[] g = MaskGit.loss(l, targets, given, 3f);
            assertEquals(good, g[0].getFloat(), 1e-5);
            assertEquals(1.0, g[1].getFloat(), 1e-6);
        }
    }

    /**
     * Two frames of two tokens over a vocabulary of two, frame 0 given. Under its own action the
     * world gives the true tokens logit 2 over 0; under the other action, logit 0 over 2 at one
     * token and the same as its own at the other. Δ is then 2·(log σ(2) − log σ(−2)) / 2 = 2 nats
     * at the frame, and the term is softplus(−Δ) over the masked tokens; swapping the two sides
     * makes Δ negative.
     */
    @Test
    void actionContrastScoresHowMuchLikelierTheTrueTokensAreUnderTheirOwnAction() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray targets = m.create(new long[] {0, 1, 1, 0}, new Shape(1, 2, 2));
            NDArray mask = m.create(new float[] {0, 0, 1, 1}, new Shape(1, 2, 2));
            float[] own = new float[8];
            float[] other = new float[8];
            long[] t = targets.toLongArray();
            for (int i = 0; i < 4; i++) {
                own[i * 2 + (int) t[i]] = 2f;
                boolean misled = i == 2;
                other[i * 2 + (int) (misled ? 1 - t[i] : t[i])] = 2f;
            }
            NDArray a = m.create(own, new Shape(1, 2, 2, 2));
            NDArray b = m.create(other, new Shape(1, 2, 2, 2));
            double delta = Math.log1p(Math.exp(2)) - Math.log1p(Math.exp(-2)); // = 2
            double softplus = Math.log1p(Math.exp(-delta));

            NDArray[] c = MaskGit.actionContrast(a, b, targets, mask);
            assertEquals(softplus / 2, c[0].getFloat(), 1e-5);
            assertEquals(softplus, c[1].getFloat(), 1e-5);
            assertEquals(1.0, c[2].getFloat(), 1e-6);

            NDArray[] swapped = MaskGit.actionContrast(b, a, targets, mask);
            assertEquals(Math.log1p(Math.exp(delta)), swapped[1].getFloat(), 1e-5);
            assertEquals(0.0, swapped[2].getFloat(), 1e-6);

            // The same prediction under both actions: the action is ignored, log 2 a frame.
            NDArray[] same = MaskGit.actionContrast(a, a, targets, mask);
            assertEquals(Math.log(2), same[1].getFloat(), 1e-6);
            assertEquals(0.0, same[2].getFloat(), 1e-6);

            // With nothing masked no frame counts.
            NDArray none = m.zeros(new Shape(1, 2, 2));
            NDArray[] empty = MaskGit.actionContrast(a, b, targets, none);
            assertEquals(0.0, empty[0].getFloat(), 1e-6);
            assertEquals(0.0, empty[1].getFloat(), 1e-6);
        }
    }

    /**
     * Genie's mask covers every frame after the first at the clip's rate of at least a half; with a
     * share of frames given whole, about that share of frames has no masked token and the rest are
     * masked as before. With none given whole the mask is the one Genie's training draws.
     */
    @Test
    void aShareOfFramesIsGivenWholeAndTheRestMaskedAtTheClipsRate() {
        int b = 200;
        int t = 16;
        int n = 64;
        float[] genie = MaskGit.trainingMask(new Random(4), b, t, n);
        assertArrayEquals(genie, MaskGit.trainingMask(new Random(4), b, t, n, 0));
        float[] half = MaskGit.trainingMask(new Random(4), b, t, n, 0.5);
        int whole = 0;
        int frames = 0;
        for (int i = 0; i < b; i++) {
            for (int f = 0; f < t; f++) {
                int masked = 0;
                for (int j = 0; j < n; j++) {
                    masked += (int) half[(i * t + f) * n + j];
                }
                if (f == 0) {
                    assertEquals(0, masked, "the first frame is always given");
                    continue;
                }
                frames++;
                if (masked == 0) {
                    whole++;
                } else {
                    assertTrue(
                            masked >= 16, "a masked frame is masked at a rate of a half or more");
                }
            }
        }
        assertEquals(0.5, (double) whole / frames, 0.03, whole + " of " + frames);
    }
}
