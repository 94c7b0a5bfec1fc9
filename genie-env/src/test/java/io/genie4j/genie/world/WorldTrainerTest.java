package io.genie4j.genie.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genie4j.genie.TinyVideo;
import io.genie4j.genie.TinyWorld;
import io.genie4j.genie.tokenizer.TokenizerConfig;
import io.genie4j.genie.train.Checkpoints;
import io.genie4j.genie.train.TrainListener;
import io.genie4j.genie.train.TrainingLoop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorldTrainerTest {

    @TempDir Path tmp;

    @Test
    void trainsALoadableWorldModelAndResumesWhereItStopped() throws Exception {
        Path data = tmp.resolve("data");
        TinyVideo.write(data, 16, 4, 24);
        Path tok = TinyWorld.tokenizer(tmp.resolve("tok"));
        WorldConfig config = WorldConfig.tiny(TokenizerConfig.tiny());
        Path straight = tmp.resolve("straight");
        TrainingLoop.Result r =
                WorldTrainer.train(
                        data,
                        straight,
                        tok,
                        config,
                        TinyWorld.train(40),
                        0,
                        false,
                        TrainListener.NONE);
        assertEquals(40, r.step());
        Path split = tmp.resolve("split");
        WorldTrainer.train(
                data,
                split,
                tok,
                config,
                TinyWorld.train(40),
                0,
                false,
                new TrainListener() {
                    @Override
                    public void onStep(StepInfo info) {}

                    int seen;

                    @Override
                    public boolean stopRequested() {
                        return ++seen == 20;
                    }
                });
        WorldTrainer.train(data, split, null, null, null, 0, true, TrainListener.NONE);
        // A resumed run continues the same run: same step count and the uninterrupted run's
        // parameters, bit for bit.
        try (WorldModel x = WorldModel.load(straight);
                WorldModel y = WorldModel.load(split)) {
            assertEquals(config, x.config());
            assertEquals(40, x.json().path("training").path("step").asInt());
            assertEquals(40, y.json().path("training").path("step").asInt());
            double lam = TinyWorld.relativeDistance(x.lam(), y.lam());
            double dyn = TinyWorld.relativeDistance(x.dynamics(), y.dynamics());
            System.err.printf(
                    "resume: relative parameter distance lam %.2e dynamics %.2e%n", lam, dyn);
            assertEquals(0.0, lam, "lam");
            assertEquals(0.0, dyn, "dynamics");
        }

        List<String> csv = Files.readAllLines(straight.resolve("train.csv"));
        double firstCe = Double.parseDouble(csv.get(1).split(",")[6]);
        double lastCe = Double.parseDouble(csv.get(csv.size() - 1).split(",")[6]);
        assertTrue(lastCe < firstCe, "dynamics cross-entropy fell: " + firstCe + " -> " + lastCe);
        assertTrue(csv.get(0).endsWith(",action_perplexity"), csv.get(0));
        for (String row : csv.subList(1, csv.size())) {
            String[] f = row.split(",");
            double perplexity = Double.parseDouble(f[f.length - 1]);
            assertTrue(perplexity >= 1 && perplexity <= 4 + 1e-9, row);
        }
    }

    @Test
    void aModelWithoutOptimiserStateContinuesFromItsWeightsWithAFreshOptimiser() throws Exception {
        // As when the shipped model is copied out and extended: no optimizer.params beside it.
        Path run = TinyWorld.world(tmp, 10);
        Files.delete(run.resolve(WorldTrainer.OPTIMIZER));
        Checkpoints.extendRun(run, WorldModel.KIND, 14);
        List<String> notices = new java.util.ArrayList<>();
        TrainingLoop.Result r =
                WorldTrainer.train(
                        tmp.resolve("data"),
                        run,
                        null,
                        null,
                        null,
                        0,
                        true,
                        new TrainListener() {
                            @Override
                            public void onStep(StepInfo info) {}

                            @Override
                            public void onNotice(String message) {
                                notices.add(message);
                            }
                        });
        assertEquals(14, r.step());
        assertEquals(1, notices.size(), notices.toString());
        assertTrue(notices.get(0).contains("at step 10 with a fresh optimiser"), notices.get(0));
        assertTrue(Files.exists(run.resolve(WorldTrainer.OPTIMIZER)), "saved with the run");
        try (WorldModel m = WorldModel.load(run)) {
            assertEquals(14, m.json().path("training").path("step").asInt());
        }
    }

    @Test
    void loadingAMismatchedCheckpointFailsClearly() throws Exception {
        Path run = TinyWorld.world(tmp, 2);
        ObjectNode json = Checkpoints.readModelJson(run, WorldModel.KIND);
        WorldConfig wide =
                WorldConfig.tiny(TokenizerConfig.tiny()).withLamInput(WorldConfig.LamInput.TOKENS);
        json.set("config", Checkpoints.JSON.valueToTree(wide));
        Checkpoints.writeModelJson(run, json);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> WorldModel.load(run));
        assertTrue(e.getMessage().contains(WorldModel.LAM_PARAMS), e.getMessage());

        json.put("version", 7);
        Checkpoints.writeModelJson(run, json);
        e = assertThrows(IllegalArgumentException.class, () -> WorldModel.load(run));
        assertTrue(e.getMessage().contains("version 7"), e.getMessage());

        json.put("version", Checkpoints.VERSION);
        json.put("kind", "tokenizer");
        Checkpoints.writeModelJson(run, json);
        e = assertThrows(IllegalArgumentException.class, () -> WorldModel.load(run));
        assertTrue(e.getMessage().contains("not a world"), e.getMessage());

        assertThrows(
                IllegalArgumentException.class,
                () ->
                        WorldTrainer.train(
                                tmp.resolve("data"),
                                run,
                                null,
                                null,
                                TinyWorld.train(2),
                                0,
                                false,
                                TrainListener.NONE),
                "a run directory that holds a model is not overwritten");
    }
}
