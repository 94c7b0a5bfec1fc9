package io.genie4j.genie;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genie4j.genie.tokenizer.TokenizerConfig;
import io.genie4j.genie.tokenizer.TokenizerTrainer;
import io.genie4j.genie.tokenizer.VideoTokenizer;
import io.genie4j.genie.train.Checkpoints;
import io.genie4j.genie.train.TrainConfig;
import io.genie4j.genie.train.TrainListener;
import io.genie4j.genie.world.WorldConfig;
import io.genie4j.genie.world.WorldTrainer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tiny world models for tests: 16×16 frames (or any multiple of 4), a 32-code tokenizer, 4 latent
 * actions. Other modules' tests use it through genie-env's test jar.
 */
public final class TinyWorld {

    private TinyWorld() {}

    /** A tiny, untrained but loadable tokenizer directory. */
    public static Path tokenizer(Path dir) throws Exception {
        return tokenizer(dir, TokenizerConfig.tiny());
    }

    /**
     * The tiny tokenizer's sizes for {@code size}×{@code size} frames: patches of a quarter of the
     * side, so frames are still 4×4 tokens.
     */
    public static TokenizerConfig tokenizerConfig(int size) {
        TokenizerConfig t = TokenizerConfig.tiny();
        return new TokenizerConfig(
                        size,
                        size / 4,
                        t.dim(),
                        t.heads(),
                        t.ffMult(),
                        t.encoderLayers(),
                        t.decoderLayers(),
                        t.codes(),
                        t.codeDim(),
                        t.maxFrames(),
                        t.spatialOnly(),
                        t.beta())
                .validate();
    }

    private static Path tokenizer(Path dir, TokenizerConfig config) throws Exception {
        Engine.getInstance().setRandomSeed(3);
        try (NDManager m = NDManager.newBaseManager()) {
            VideoTokenizer tok = new VideoTokenizer(config);
            tok.initialize(m);
            Files.createDirectories(dir);
            Checkpoints.saveParameters(tok, dir.resolve(TokenizerTrainer.PARAMS));
            ObjectNode json = Checkpoints.newModelJson(VideoTokenizer.KIND);
            json.set("config", Checkpoints.JSON.valueToTree(config));
            Checkpoints.writeModelJson(dir, json);
        }
        return dir;
    }

    /**
     * The relative L2 distance ||a - b|| / ||a|| between the parameters of two blocks of the same
     * architecture (0 when they are equal bit for bit). Resumed runs used to end 1e-3 to 7e-2 away
     * from uninterrupted ones in about one run in three, and training now and then met NaN or
     * overflowing gradients with a finite loss. Two memory-lifetime bugs around DJL's PyTorch
     * engine did it: {@code NDArray.set(float[])} swapped a parameter's storage for a Java buffer
     * (the dead-code reset, the optimiser restore), and {@code x.mul(3f)} multiplies by a scalar
     * from a Java buffer that is closed at once although autograd keeps it for the backward pass
     * (see {@code Module.times}). Both let a garbage collection free memory still in use; both are
     * gone, and resumed runs match exactly.
     */
    public static double relativeDistance(ai.djl.nn.Block a, ai.djl.nn.Block b) {
        var pa = a.getParameters();
        var pb = b.getParameters();
        if (pa.size() != pb.size()) {
            throw new IllegalArgumentException(pa.size() + " parameters against " + pb.size());
        }
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < pa.size(); i++) {
            float[] x = pa.get(i).getValue().getArray().toFloatArray();
            float[] y = pb.get(i).getValue().getArray().toFloatArray();
            for (int j = 0; j < x.length; j++) {
                double d = x[j] - y[j];
                diff += d * d;
                norm += (double) x[j] * x[j];
            }
        }
        return Math.sqrt(diff / norm);
    }

    /** A tiny training config of {@code steps} steps (2 clips of 4 frames). */
    public static TrainConfig train(int steps) {
        return new TrainConfig(
                2, 4, 1, 2e-3f, 2e-4f, 5, steps, 0.0f, 1.0f, 5, 10, 5, 10, 0.25, 0, 0f, 0f, 0f, 0f);
    }

    /** Trains a tiny world model for {@code steps} steps under {@code tmp}; returns its run dir. */
    public static Path world(Path tmp, int steps) throws Exception {
        return world(tmp, steps, 16);
    }

    /**
     * Trains a tiny world model for {@code size}×{@code size} frames (64 for code that takes
     * CoinRun's frames as they are) for {@code steps} steps under {@code tmp}; returns its run dir.
     */
    public static Path world(Path tmp, int steps, int size) throws Exception {
        Path data = tmp.resolve("data");
        TinyVideo.write(data, size, 4, 24);
        TokenizerConfig tokConfig = tokenizerConfig(size);
        Path tok = tokenizer(tmp.resolve("tok"), tokConfig);
        Path run = tmp.resolve("world");
        WorldTrainer.train(
                data,
                run,
                tok,
                WorldConfig.tiny(tokConfig),
                train(steps),
                0,
                false,
                TrainListener.NONE);
        return run;
    }
}
