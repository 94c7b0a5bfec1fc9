package io.genie4j.genie.lam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genie4j.genie.train.TrainConfig;
import io.genie4j.genie.train.TrainListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LamTest {
    private static final int SIZE = 16;

    private static final TrainListener QUIET = TrainListener.NONE;

    /** 600 steps on the steered sprite, a checkpoint at step 300 (where the resume test stops). */
    private static final TrainConfig SPRITE_TRAIN =
            new TrainConfig(
                    32, 3, 1, 2e-3f, 2e-4f, 20, 600, 0.0f, 1.0f, 5, 300, 50, 100, 0, 0, 0f, 0f, 0f,
                    0f);

    /** Steered-sprite video: 40 training episodes of 60 frames and 10 held-out ones of 40. */
    private static void writeSprites(Path data, Path heldOut) throws IOException {
        SteeredSprite.write(data, SIZE, 40, 60, 1);
        SteeredSprite.write(heldOut, SIZE, 10, 40, 2);
    }

    @Test
    void shapesAndTheLatentChangesTheForwardModelsPrediction() {
        try (NDManager m = NDManager.newBaseManager()) {
            ConvLatentActionModel lam = new ConvLatentActionModel(LamConfig.tiny(SIZE));
            lam.initialize(m);
            ParameterStore ps = new ParameterStore(m, false);
            byte[] clips = new byte[2 * 3 * SIZE * SIZE * 3];
            new Random(1).nextBytes(clips);
            NDArray video =
                    m.create(
                            ByteBuffer.wrap(clips), new Shape(2, 3, SIZE, SIZE, 3), DataType.UINT8);
            NDArray z = lam.latents(ps, video);
            assertEquals(new Shape(2, 8), z.getShape());
            ConvLatentActionModel.Output o = lam.forward(ps, video, null, null, false);
            assertEquals(new Shape(2, 3, SIZE, SIZE), o.predicted().getShape());
            float[][] codes = lam.quantizer().unitCodes();
            NDArray z0 = m.create(new float[][] {codes[0], codes[0]});
            NDArray z1 = m.create(new float[][] {codes[1], codes[1]});
            assertEquals(new Shape(2, SIZE, SIZE, 3), lam.predict(ps, video, z0).getShape());
            NDArray a = lam.predictUnit(ps, video, z0);
            NDArray b = lam.predictUnit(ps, video, z1);
            long differing = a.neq(b).sum().getLong();
            assertTrue(
                    differing > a.size() / 2,
                    "another action changed only " + differing + " of " + a.size() + " values");
        }
    }

    @Test
    void kMeansFindsSeparatedClustersAndKeepsEveryActionInUse() {
        Random rng = new Random(3);
        float[][] x = new float[400][2];
        for (int i = 0; i < x.length; i++) {
            int c = i % 4;
            x[i][0] = (c % 2) * 10 + (float) rng.nextGaussian() * 0.3f;
            x[i][1] = (c / 2) * 10 + (float) rng.nextGaussian() * 0.3f;
        }
        ActionCodebook cb = ActionCodebook.fit(x, 4, 50, 7);
        for (int i = 4; i < x.length; i++) {
            assertEquals(cb.action(x[i % 4]), cb.action(x[i]), "point " + i);
        }
        ActionCodebook same = ActionCodebook.fit(new float[][] {{1}, {1}, {1}, {2}}, 3, 10, 1);
        assertEquals(3, same.size());
    }

    @Test
    void theLinearProbeReadsASeparableLabel() {
        Random rng = new Random(4);
        float[][] x = new float[600][3];
        int[] y = new int[600];
        for (int i = 0; i < x.length; i++) {
            y[i] = i % 3;
            x[i][0] = y[i] * 2 + (float) rng.nextGaussian() * 0.2f;
            x[i][1] = (float) rng.nextGaussian();
            x[i][2] = (float) rng.nextGaussian();
        }
        LinearProbe p = LinearProbe.fit(x, y, 3, 200);
        assertTrue(p.accuracy(x, y) > 0.95, "accuracy " + p.accuracy(x, y));
    }

    @Test
    void batchesDependOnlyOnTheSeedAndTheLabelledShareIsFixed(@TempDir Path dir) throws Exception {
        SteeredSprite.write(dir, SIZE, 3, 20, 1);
        var ds = io.genie4j.genie.data.VideoDataset.load(dir, SIZE, 0, 0);
        var src = Transitions.Sources.of(List.of(ds));
        Transitions a = new Transitions(src.episodes(), src.labelSource(), 0.5, 8, 9, 0);
        a.next();
        Transitions.Batch second = a.next();
        Transitions b = new Transitions(src.episodes(), src.labelSource(), 0.5, 8, 9, 1);
        Transitions.Batch resumed = b.next();
        assertArrayEquals(second.frames(), resumed.frames());
        assertArrayEquals(second.actions(), resumed.actions());
        assertArrayEquals(second.labelled(), resumed.labelled());
        assertEquals(54, a.size());
        // The small-supervision switch: extra transitions, all from the labelled share.
        Transitions extra = new Transitions(src.episodes(), src.labelSource(), 0.2, 8, 4, 9, 0);
        assertEquals(12, extra.batchSize());
        assertTrue(extra.labelledTransitions() > 0 && extra.labelledTransitions() < 54);
        for (int k = 0; k < 5; k++) {
            float[] l = extra.next().labelled();
            assertEquals(12, l.length);
            for (int i = 8; i < 12; i++) {
                assertEquals(1f, l[i], "extra transition " + i + " is labelled");
            }
        }
        int in = 0;
        for (int t = 0; t < 10_000; t++) {
            in += Transitions.inShare("ep0.npz", t, 0.1) ? 1 : 0;
        }
        assertTrue(in > 850 && in < 1150, in + " of 10000 in a 10% share");
    }

    @Test
    void aTrainedLamsActionsCarryTheKnownControlsAndAResumedRunIsExact(@TempDir Path dir)
            throws Exception {
        Path data = dir.resolve("data");
        Path heldOut = dir.resolve("held-out");
        writeSprites(data, heldOut);
        Path run = dir.resolve("run");
        LamConfig config = LamConfig.tiny(SIZE);
        LamTrainer.train(List.of(data), run, config, SPRITE_TRAIN, 0, false, QUIET);
        ObjectNode json =
                io.genie4j.genie.train.Checkpoints.readModelJson(run, ConvLatentActionModel.KIND);
        assertEquals(600, json.path("training").path("step").asInt());
        assertFalse(json.path("training").path("supervised").asBoolean());
        System.err.println(Files.readString(run.resolve("train.csv")));
        try (LatentActions lam = LatentActions.load(run)) {
            ObjectNode r = LamEval.evaluate(lam, heldOut, 0, 0);
            double mi = r.at("/mutual_information_bits/actions_15/corrected").asDouble();
            double h = r.at("/mutual_information_bits/actions_15/label_entropy_bits").asDouble();
            // Four equally likely actions: 2 bits at most.
            assertTrue(mi > 0.75 * h, "MI " + mi + " of " + h + " bits: " + r);
            double probe = r.at("/linear_probe/actions_15/accuracy/value").asDouble();
            assertTrue(probe > 0.8, "probe accuracy " + probe);
        }
        // A run stopped after 300 steps and resumed ends exactly where the uninterrupted one did.
        Path split = dir.resolve("split");
        LamTrainer.train(
                List.of(data),
                split,
                config,
                SPRITE_TRAIN,
                0,
                false,
                new TrainListener() {
                    int seen;

                    @Override
                    public void onStep(StepInfo info) {}

                    @Override
                    public boolean stopRequested() {
                        return ++seen == 300;
                    }
                });
        LamTrainer.train(List.of(), split, null, null, 0, true, QUIET);
        assertArrayEquals(
                Files.readAllBytes(run.resolve(LatentActions.PARAMS)),
                Files.readAllBytes(split.resolve(LatentActions.PARAMS)));
    }

    @Test
    void theContinuousBottlenecksKMeansActionsCarryTheKnownControls(@TempDir Path dir)
            throws Exception {
        Path data = dir.resolve("data");
        Path heldOut = dir.resolve("held-out");
        writeSprites(data, heldOut);
        Path run = dir.resolve("run");
        LamConfig config = LamConfig.tiny(SIZE).withBottleneck(LamConfig.Bottleneck.CONTINUOUS);
        LamTrainer.train(List.of(data), run, config, SPRITE_TRAIN, 0, false, QUIET);
        try (LatentActions lam = LatentActions.load(run)) {
            ObjectNode r = LamEval.evaluate(lam, heldOut, 0, 0);
            double mi = r.at("/mutual_information_bits/actions_15/corrected").asDouble();
            double h = r.at("/mutual_information_bits/actions_15/label_entropy_bits").asDouble();
            double probe = r.at("/linear_probe/actions_15/accuracy/value").asDouble();
            // The latent itself names the action; k-means, fitted without labels, need not cut
            // the clusters exactly at the actions' borders, so half of the 2 bits is asked.
            assertTrue(probe > 0.8, "probe accuracy " + probe + ": " + r);
            assertTrue(mi > 0.5 * h, "MI " + mi + " of " + h + " bits: " + r);
        }
    }
}
