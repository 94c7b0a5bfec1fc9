package io.genie4j.genie.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genie4j.genie.TinyVideo;
import io.genie4j.genie.TinyWorld;
import io.genie4j.genie.data.VideoDataset;
import io.genie4j.genie.train.Checkpoints;
import io.genie4j.genie.train.TrainConfig;
import io.genie4j.genie.train.TrainListener;
import io.genie4j.genie.train.TrainingLoop;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoTokenizerTest {

    @TempDir Path tmp;

    private static TrainConfig tinyTrain(int steps) {
        return new TrainConfig(
                4, 4, 1, 3e-3f, 3e-4f, 10, steps, 0.0f, 1.0f, 7, 20, 5, 50, 0.5, 0, 0f, 0f, 0f, 0f);
    }

    private static NDArray clip(NDManager m, int episode) {
        byte[] b = new byte[4 * 16 * 16 * 3];
        for (int t = 0; t < 4; t++) {
            System.arraycopy(TinyVideo.frame(16, episode, t), 0, b, t * 768, 768);
        }
        return m.create(ByteBuffer.wrap(b), new Shape(1, 4, 16, 16, 3), DataType.UINT8);
    }

    @Test
    void savedParametersLoadBackExactly() throws Exception {
        Engine.getInstance().setRandomSeed(11);
        try (NDManager m = NDManager.newBaseManager()) {
            VideoTokenizer tok = new VideoTokenizer(TokenizerConfig.tiny());
            tok.initialize(m);
            ParameterStore ps = new ParameterStore(m, false);
            Files.createDirectories(tmp.resolve("ck"));
            Checkpoints.saveParameters(tok, tmp.resolve("ck").resolve(TokenizerTrainer.PARAMS));
            ObjectNode json = Checkpoints.newModelJson(VideoTokenizer.KIND);
            json.set("config", Checkpoints.JSON.valueToTree(TokenizerConfig.tiny()));
            Checkpoints.writeModelJson(tmp.resolve("ck"), json);
            Engine.getInstance().setRandomSeed(99);
            VideoTokenizer back = VideoTokenizer.load(tmp.resolve("ck"), m);
            NDArray x = clip(m, 1);
            assertArrayEquals(
                    tok.forward(ps, x, false).frames().toFloatArray(),
                    back.forward(ps, x, false).frames().toFloatArray());
            assertArrayEquals(tok.encode(ps, x).toLongArray(), back.encode(ps, x).toLongArray());
        }
    }

    @Test
    void checkpointOfAnotherShapeIsRejectedWithAClearMessage() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            VideoTokenizer tok = new VideoTokenizer(TokenizerConfig.tiny());
            tok.initialize(m);
            Path dir = tmp.resolve("bad");
            Files.createDirectories(dir);
            Checkpoints.saveParameters(tok, dir.resolve(TokenizerTrainer.PARAMS));
            TokenizerConfig wider =
                    new TokenizerConfig(16, 4, 32, 2, 2, 1, 1, 64, 8, 4, false, 0.25f);
            ObjectNode json = Checkpoints.newModelJson(VideoTokenizer.KIND);
            json.set("config", Checkpoints.JSON.valueToTree(wider));
            Checkpoints.writeModelJson(dir, json);
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> VideoTokenizer.load(dir, m));
            assertTrue(e.getMessage().contains(TokenizerTrainer.PARAMS), e.getMessage());

            json.put("version", 99);
            Checkpoints.writeModelJson(dir, json);
            e = assertThrows(IllegalArgumentException.class, () -> VideoTokenizer.load(dir, m));
            assertTrue(e.getMessage().contains("version 99"), e.getMessage());

            json.put("version", Checkpoints.VERSION);
            json.put("kind", "dynamics");
            Checkpoints.writeModelJson(dir, json);
            e = assertThrows(IllegalArgumentException.class, () -> VideoTokenizer.load(dir, m));
            assertTrue(e.getMessage().contains("not a tokenizer"), e.getMessage());
        }
    }

    @Test
    void tinyTokenizerOverfitsATinyClipAndResumesWhereItStopped() throws Exception {
        // One 4-frame training episode (a single clip) and one validation episode.
        Path data = tmp.resolve("data");
        TinyVideo.write(data, 16, 2, 4);
        VideoDataset ds = VideoDataset.load(data, 16, 0.5, 0);
        assertEquals(1, ds.train().size());
        assertEquals(1, ds.validation().size());

        Path full = tmp.resolve("full");
        TrainingLoop.Result r =
                TokenizerTrainer.train(
                        data,
                        full,
                        TokenizerConfig.tiny(),
                        tinyTrain(200),
                        0,
                        false,
                        TrainListener.NONE);
        assertEquals(200, r.step());
        TokenizerEval.Result before;
        TokenizerEval.Result after;
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(7);
            VideoTokenizer fresh = new VideoTokenizer(TokenizerConfig.tiny());
            fresh.initialize(m);
            before = TokenizerEval.evaluate(fresh, ds.train(), 4, 1, 0);
            after = TokenizerEval.evaluate(VideoTokenizer.load(full, m), ds.train(), 4, 1, 0);
        }
        assertEquals(4, after.frames());
        assertTrue(before.psnr() < 18, "PSNR before training: " + before.psnr());
        assertTrue(after.psnr() > 24, "PSNR after training: " + after.psnr());
        assertTrue(Files.size(full.resolve("loss.png")) > 0);
        assertTrue(Files.readAllLines(full.resolve("train.csv")).size() > 20);

        // Stopping at step 20 and resuming continues the run exactly.
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        TokenizerTrainer.train(
                data, a, TokenizerConfig.tiny(), tinyTrain(40), 0, false, TrainListener.NONE);
        TrainingLoop.Result half =
                TokenizerTrainer.train(
                        data,
                        b,
                        TokenizerConfig.tiny(),
                        tinyTrain(40),
                        0,
                        false,
                        new TrainListener() {
                            private int step;

                            @Override
                            public void onStep(StepInfo info) {
                                step = info.step();
                            }

                            @Override
                            public boolean stopRequested() {
                                return step >= 20;
                            }
                        });
        assertEquals(20, half.step());
        TrainingLoop.Result rest =
                TokenizerTrainer.train(data, b, null, null, 0, true, TrainListener.NONE);
        assertEquals(40, rest.step());
        try (NDManager m = NDManager.newBaseManager()) {
            double d =
                    TinyWorld.relativeDistance(
                            VideoTokenizer.load(a, m), VideoTokenizer.load(b, m));
            System.err.printf("resume: relative parameter distance %.2e%n", d);
            assertEquals(0.0, d, "resumed run strays from the uninterrupted one: " + d);
        }
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        TokenizerTrainer.train(
                                data,
                                b,
                                TokenizerConfig.tiny(),
                                tinyTrain(40),
                                0,
                                false,
                                TrainListener.NONE));
    }

    @Test
    void decoderOnlyFineTuningKeepsEveryCodeAndChangesTheDecoder() throws Exception {
        Path data = tmp.resolve("data");
        TinyVideo.write(data, 16, 2, 8);
        Path base = tmp.resolve("base");
        TokenizerTrainer.train(
                data, base, TokenizerConfig.tiny(), tinyTrain(30), 0, false, TrainListener.NONE);
        Path tuned = tmp.resolve("tuned");
        TokenizerTrainer.train(
                data,
                tuned,
                null,
                tinyTrain(30),
                0,
                false,
                Checkpoints.Source.of(base),
                TrainListener.NONE);
        try (NDManager m = NDManager.newBaseManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            VideoTokenizer a = VideoTokenizer.load(base, m);
            VideoTokenizer b = VideoTokenizer.load(tuned, m);
            for (int e = 0; e < 3; e++) {
                NDArray x = clip(m, e);
                assertArrayEquals(a.encode(ps, x).toLongArray(), b.encode(ps, x).toLongArray());
            }
            NDArray x = clip(m, 0);
            assertFalse(
                    java.util.Arrays.equals(
                            a.forward(ps, x, false).frames().toFloatArray(),
                            b.forward(ps, x, false).frames().toFloatArray()),
                    "the decoder trained");
        }
        assertTrue(
                Checkpoints.readModelJson(tuned, VideoTokenizer.KIND)
                        .path("training")
                        .path("decoder_only")
                        .asBoolean());
    }

    @Test
    void fineTuningStartsFromTheGivenTokenizerAndTrainsAllOfIt() throws Exception {
        Path data = tmp.resolve("data");
        TinyVideo.write(data, 16, 2, 8);
        Path base = tmp.resolve("base");
        TokenizerTrainer.train(
                data, base, TokenizerConfig.tiny(), tinyTrain(60), 0, false, TrainListener.NONE);
        Path tuned = tmp.resolve("tuned");
        TokenizerTrainer.train(
                data,
                tuned,
                null,
                tinyTrain(30),
                0,
                false,
                Checkpoints.Source.of(base),
                false,
                TrainListener.NONE);
        Path scratch = tmp.resolve("scratch");
        TokenizerTrainer.train(
                data, scratch, TokenizerConfig.tiny(), tinyTrain(30), 0, false, TrainListener.NONE);
        VideoDataset ds = VideoDataset.load(data, 16, 0.5, 0);
        try (NDManager m = NDManager.newBaseManager()) {
            VideoTokenizer a = VideoTokenizer.load(base, m);
            VideoTokenizer b = VideoTokenizer.load(tuned, m);
            double tunedPsnr = TokenizerEval.evaluate(b, ds.train(), 4, 1, 0).psnr();
            double scratchPsnr =
                    TokenizerEval.evaluate(VideoTokenizer.load(scratch, m), ds.train(), 4, 1, 0)
                            .psnr();
            assertTrue(
                    tunedPsnr > scratchPsnr + 1,
                    "30 steps from a trained tokenizer: "
                            + tunedPsnr
                            + " dB; from scratch: "
                            + scratchPsnr);
            double d = TinyWorld.relativeDistance(a, b);
            assertTrue(d > 0 && d < 0.5, "fine-tuning moved the weights by " + d);
            boolean encoderMoved = false;
            for (var p : a.getParameters()) {
                if (!VideoTokenizer.isDecoderParameter(a, p.getValue())) {
                    float[] x = p.getValue().getArray().toFloatArray();
                    float[] y = b.getParameters().get(p.getKey()).getArray().toFloatArray();
                    encoderMoved |= !java.util.Arrays.equals(x, y);
                }
            }
            assertTrue(encoderMoved, "the encoder trained too");
        }
        var training = Checkpoints.readModelJson(tuned, VideoTokenizer.KIND).path("training");
        assertFalse(training.path("decoder_only").asBoolean());
        assertTrue(training.path("started_from").asText().contains("base"), training.toString());
    }
}
