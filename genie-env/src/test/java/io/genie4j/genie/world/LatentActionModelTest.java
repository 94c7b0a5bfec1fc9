package io.genie4j.genie.world;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genie4j.genie.tokenizer.TokenizerConfig;
import io.genie4j.genie.train.Checkpoints;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatentActionModelTest {

    private static final WorldConfig TINY = WorldConfig.tiny(TokenizerConfig.tiny());

    /** {@code clips} random 16×16 clips of {@code frames} frames. */
    private static byte[] randomClips(int clips, int frames, long seed) {
        byte[] b = new byte[clips * frames * 16 * 16 * 3];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void everyInputVariantRunsAndShapesItsOutputs() {
        for (WorldConfig.LamInput in : WorldConfig.LamInput.values()) {
            for (WorldConfig.LamDecoderInput dec : WorldConfig.LamDecoderInput.values()) {
                WorldConfig c = TINY.withLamInput(in).withLamDecoderInput(dec);
                Engine.getInstance().setRandomSeed(3);
                try (NDManager m = NDManager.newBaseManager()) {
                    LatentActionModel lam = new LatentActionModel(c);
                    lam.initialize(m);
                    ParameterStore ps = new ParameterStore(m, false);
                    NDArray video =
                            m.create(
                                    ByteBuffer.wrap(randomClips(2, 4, 1)),
                                    new Shape(2, 4, 16, 16, 3),
                                    DataType.UINT8);
                    NDArray codes =
                            m.randomInteger(
                                    0,
                                    c.codes(),
                                    new Shape(2, 4, c.grid(), c.grid()),
                                    DataType.INT64);
                    LatentActionModel.Output o = lam.forward(ps, video, codes, true);
                    String what = in + "/" + dec;
                    assertEquals(new Shape(2, 3), o.actions().getShape(), what);
                    assertEquals(new Shape(2, 3, 16, 16, 3), o.predicted().getShape(), what);
                    assertTrue(Float.isFinite(o.loss().getFloat()), what);
                    assertEquals(new Shape(2, 3), lam.infer(ps, video, codes).getShape(), what);
                }
            }
        }
    }

    @Test
    void theChangeInputLamReadsEveryStillTransitionAlikeWhateverThePicture() {
        // Eight clips of two identical frames, each clip a different random picture.
        byte[] still = new byte[8 * 2 * 768];
        byte[] pictures = randomClips(8, 1, 9);
        for (int i = 0; i < 8; i++) {
            System.arraycopy(pictures, i * 768, still, i * 2 * 768, 768);
            System.arraycopy(pictures, i * 768, still, i * 2 * 768 + 768, 768);
        }
        assertEquals(0f, spreadOfStillLatents(WorldConfig.LamInput.PIXEL_CHANGE, still), 1e-6f);
        // Seeing whole frames, the pixel-input LAM tells the pictures apart.
        assertTrue(spreadOfStillLatents(WorldConfig.LamInput.PIXELS, still) > 1e-3f);
    }

    /** The largest difference between the latent of the first clip and those of the others. */
    private static float spreadOfStillLatents(WorldConfig.LamInput in, byte[] clips) {
        Engine.getInstance().setRandomSeed(4);
        try (NDManager m = NDManager.newBaseManager()) {
            LatentActionModel lam = new LatentActionModel(TINY.withLamInput(in));
            lam.initialize(m);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray video =
                    m.create(
                            ByteBuffer.wrap(clips),
                            new Shape(clips.length / 1536, 2, 16, 16, 3),
                            DataType.UINT8);
            NDArray z = lam.latents(ps, video, null, false);
            NDArray first = z.get("0:1");
            return z.sub(first).abs().max().getFloat();
        }
    }

    @Test
    void aModelJsonFromBeforeTheDecoderSettingReadsAsGeniesDecoder() throws Exception {
        ObjectNode json = Checkpoints.JSON.valueToTree(TINY);
        assertEquals("LAST_FRAME", json.get("lamDecoderInput").asText());
        json.remove("lamDecoderInput");
        WorldConfig old = Checkpoints.JSON.treeToValue(json, WorldConfig.class);
        assertEquals(WorldConfig.LamDecoderInput.ALL_PAST, old.lamDecoderInput());
        assertArrayEquals(
                new Object[] {TINY.lamInput(), TINY.actions()},
                new Object[] {old.lamInput(), old.actions()});
    }
}
