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

/** Tiny world models for tests: 16×16 frames, a 32-code tokenizer, 4 latent actions. */
public final class TinyWorld {

    private TinyWorld() {}

    /** A tiny, untrained but loadable tokenizer directory. */
    public static Path tokenizer(Path dir) throws Exception {
        Engine.getInstance().setRandomSeed(3);
        try (NDManager m = NDManager.newBaseManager()) {
            VideoTokenizer tok = new VideoTokenizer(TokenizerConfig.tiny());
            tok.initialize(m);
            Files.createDirectories(dir);
            Checkpoints.saveParameters(tok, dir.resolve(TokenizerTrainer.PARAMS));
            ObjectNode json = Checkpoints.newModelJson(VideoTokenizer.KIND);
            json.set("config", Checkpoints.JSON.valueToTree(TokenizerConfig.tiny()));
            Checkpoints.writeModelJson(dir, json);
        }
        return dir;
    }

    /** A tiny training config of {@code steps} steps (2 clips of 4 frames). */
    public static TrainConfig train(int steps) {
        return new TrainConfig(2, 4, 1, 2e-3f, 2e-4f, 5, steps, 0.0f, 1.0f, 5, 10, 5, 10, 0.25, 0);
    }

    /** Trains a tiny world model for {@code steps} steps under {@code tmp}; returns its run dir. */
    public static Path world(Path tmp, int steps) throws Exception {
        Path data = tmp.resolve("data");
        TinyVideo.write(data, 16, 4, 24);
        Path tok = tokenizer(tmp.resolve("tok"));
        Path run = tmp.resolve("world");
        WorldTrainer.train(
                data,
                run,
                tok,
                WorldConfig.tiny(TokenizerConfig.tiny()),
                train(steps),
                0,
                false,
                TrainListener.NONE);
        return run;
    }
}
