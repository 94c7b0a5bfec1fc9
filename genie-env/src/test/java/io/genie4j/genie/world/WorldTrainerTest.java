package io.genie4j.genie.world;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genie4j.genie.TinyVideo;
import io.genie4j.genie.TinyWorld;
import io.genie4j.genie.lam.LamConfig;
import io.genie4j.genie.lam.LamTrainer;
import io.genie4j.genie.lam.LatentActions;
import io.genie4j.genie.tokenizer.TokenizerConfig;
import io.genie4j.genie.train.Checkpoints;
import io.genie4j.genie.train.TrainConfig;
import io.genie4j.genie.train.TrainListener;
import io.genie4j.genie.train.TrainingLoop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
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
        int column = List.of(csv.get(0).split(",")).indexOf("action_perplexity");
        assertTrue(column > 0, csv.get(0));
        for (String row : csv.subList(1, csv.size())) {
            String[] f = row.split(",");
            double perplexity = Double.parseDouble(f[column]);
            assertTrue(perplexity >= 1 && perplexity <= 4 + 1e-9, row);
        }
    }

    /**
     * Two tiny world runs on the same video and tokenizer, with the default train config and with
     * {@code variant}: the plain run's directory, then the variant's.
     */
    private Path[] trainedPlainAndWith(String name, TrainConfig variant) throws Exception {
        Path data = tmp.resolve(name + "-data");
        TinyVideo.write(data, 16, 4, 24);
        Path tok = TinyWorld.tokenizer(tmp.resolve(name + "-tok"));
        WorldConfig config = WorldConfig.tiny(TokenizerConfig.tiny());
        Path[] runs = {tmp.resolve("no-" + name), tmp.resolve(name)};
        WorldTrainer.train(
                data, runs[0], tok, config, TinyWorld.train(10), 0, false, TrainListener.NONE);
        WorldTrainer.train(data, runs[1], tok, config, variant, 0, false, TrainListener.NONE);
        return runs;
    }

    /** Resumes the world run {@code run} on the tiny video beside it, adding its notices. */
    private TrainingLoop.Result resume(Path run, List<String> notices) throws Exception {
        return WorldTrainer.train(
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
    }

    @Test
    void actionDropoutChangesTheRunAndIsSavedWithIt() throws Exception {
        Path[] runs = trainedPlainAndWith("dropout", TinyWorld.train(10).withActionDropout(0.5f));
        Path plain = runs[0];
        Path dropped = runs[1];
        try (WorldModel x = WorldModel.load(plain);
                WorldModel y = WorldModel.load(dropped)) {
            assertEquals(0.5, y.json().path("train_config").path("actionDropout").asDouble(), 1e-6);
            assertTrue(TinyWorld.relativeDistance(x.dynamics(), y.dynamics()) > 0);
        }
        // A model.json written before the setting existed reads as no dropout.
        assertOlderConfigsReadZeroAndBadValuesAreNamed(
                "actionDropout",
                TrainConfig::actionDropout,
                TinyWorld.train(10).withActionDropout(1f));
    }

    @Test
    void changedTokenBoostChangesTheRunAndIsSavedAndLogged() throws Exception {
        Path[] runs = trainedPlainAndWith("boost", TinyWorld.train(10).withChangedTokenBoost(4f));
        Path plain = runs[0];
        Path boosted = runs[1];
        try (WorldModel x = WorldModel.load(plain);
                WorldModel y = WorldModel.load(boosted)) {
            assertEquals(
                    4.0, y.json().path("train_config").path("changedTokenBoost").asDouble(), 1e-6);
            assertTrue(TinyWorld.relativeDistance(x.dynamics(), y.dynamics()) > 0);
            double changed =
                    y.json().path("metrics").path("train_dynamics_changed_accuracy").asDouble(-1);
            assertTrue(changed >= 0 && changed <= 1, "changed-token accuracy " + changed);
        }
        List<String> csv = Files.readAllLines(boosted.resolve("train.csv"));
        assertTrue(csv.get(0).contains(",dynamics_accuracy,changed_accuracy,"), csv.get(0));
        assertOlderConfigsReadZeroAndBadValuesAreNamed(
                "changedTokenBoost",
                TrainConfig::changedTokenBoost,
                TinyWorld.train(10).withChangedTokenBoost(-1f));
    }

    @Test
    void actionContrastChangesTheRunAndIsSavedAndLogged() throws Exception {
        Path[] runs = trainedPlainAndWith("contrast", TinyWorld.train(10).withActionContrast(2f));
        try (WorldModel x = WorldModel.load(runs[0]);
                WorldModel y = WorldModel.load(runs[1])) {
            assertEquals(
                    2.0, y.json().path("train_config").path("actionContrast").asDouble(), 1e-6);
            assertTrue(TinyWorld.relativeDistance(x.dynamics(), y.dynamics()) > 0);
            double right =
                    y.json().path("metrics").path("train_action_contrast_accuracy").asDouble(-1);
            assertTrue(right >= 0 && right <= 1, "contrast accuracy " + right);
            assertTrue(
                    x.json()
                            .path("metrics")
                            .path("train_action_contrast_accuracy")
                            .isMissingNode());
        }
        List<String> csv = Files.readAllLines(runs[1].resolve("train.csv"));
        assertTrue(csv.get(0).endsWith(",contrast_loss,contrast_accuracy"), csv.get(0));
        String[] last = csv.get(csv.size() - 1).split(",");
        assertTrue(
                Double.isFinite(Double.parseDouble(last[last.length - 2])),
                csv.get(csv.size() - 1));
        assertOlderConfigsReadZeroAndBadValuesAreNamed(
                "actionContrast",
                TrainConfig::actionContrast,
                TinyWorld.train(10).withActionContrast(-1f));
        // A world of one latent action has no other to contrast with: refused before training.
        ObjectNode one = Checkpoints.JSON.valueToTree(WorldConfig.tiny(TokenizerConfig.tiny()));
        one.put("actions", 1);
        WorldConfig single = Checkpoints.JSON.treeToValue(one, WorldConfig.class);
        Path refused = tmp.resolve("one-action");
        Path tok = TinyWorld.tokenizer(tmp.resolve("one-action-tok"));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                WorldTrainer.train(
                                        tmp.resolve("contrast-data"),
                                        refused,
                                        tok,
                                        single,
                                        TinyWorld.train(10).withActionContrast(1f),
                                        0,
                                        false,
                                        TrainListener.NONE));
        assertTrue(e.getMessage().contains("at least 2 latent actions"), e.getMessage());
        assertFalse(Files.exists(refused.resolve("model.json")));
    }

    /**
     * A train config written before {@code field} existed reads it as 0 ({@code read}), and the
     * out-of-range {@code bad} config fails validation with a message naming the field.
     */
    private static void assertOlderConfigsReadZeroAndBadValuesAreNamed(
            String field, ToDoubleFunction<TrainConfig> read, TrainConfig bad) throws Exception {
        ObjectNode old = Checkpoints.JSON.valueToTree(TinyWorld.train(10));
        old.remove(field);
        assertEquals(0.0, read.applyAsDouble(Checkpoints.JSON.treeToValue(old, TrainConfig.class)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::validate);
        assertTrue(e.getMessage().contains(field), e.getMessage());
    }

    @Test
    void aModelWithoutOptimiserStateContinuesFromItsWeightsWithAFreshOptimiser() throws Exception {
        // As when the shipped model is copied out and extended: no optimizer.params beside it.
        Path run = TinyWorld.world(tmp, 10);
        Files.delete(run.resolve(WorldTrainer.OPTIMIZER));
        Checkpoints.extendRun(run, WorldModel.KIND, 14);
        // Fitted to the step-10 weights: training on must not leave them beside newer ones.
        ActionTable.fit("Game-v0", List.of("A"), new long[][] {{1, 0, 0, 0}}).save(run);
        Files.writeString(run.resolve(EventHeads.FILE), "{}");
        List<String> notices = new java.util.ArrayList<>();
        TrainingLoop.Result r = resume(run, notices);
        assertEquals(14, r.step());
        assertEquals(1, notices.size(), notices.toString());
        assertTrue(notices.get(0).contains("at step 10 with a fresh optimiser"), notices.get(0));
        assertTrue(Files.exists(run.resolve(WorldTrainer.OPTIMIZER)), "saved with the run");
        assertFalse(Files.exists(run.resolve(ActionTable.FILE)), "stale table removed");
        assertFalse(Files.exists(run.resolve(EventHeads.FILE)), "stale heads removed");
        try (WorldModel m = WorldModel.load(run)) {
            assertEquals(14, m.json().path("training").path("step").asInt());
        }
    }

    @Test
    void theCodebookTieStartsAsTheModelWithoutItAndGrowsOnARunWithoutIt() throws Exception {
        Path run = TinyWorld.world(tmp, 10);
        try (WorldModel plain = WorldModel.load(run);
                NDManager m = NDManager.newBaseManager()) {
            WorldConfig c = plain.config();
            assertFalse(plain.dynamics().tied());
            ParameterStore ps = new ParameterStore(m, false);
            long[] ids = new long[2 * 3 * c.tokensPerFrame()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = (i * 7L) % (c.codes() + 1);
            }
            NDArray tokens = m.create(ids, new Shape(2, 3, c.tokensPerFrame()));
            NDArray actions = m.create(new long[] {0, 1, 2, 0, 3, 1}, new Shape(2, 3));
            float[] before = plain.dynamics().logits(ps, tokens, actions, false).toFloatArray();
            int codeDim = plain.tokenizer().quantizer().dim();
            MaskGitDynamics tied = new MaskGitDynamics(c.withCodebookTie(true), codeDim);
            tied.initialize(m);
            IllegalStateException unready =
                    assertThrows(
                            IllegalStateException.class,
                            () -> tied.logits(ps, tokens, actions, false));
            assertTrue(unready.getMessage().contains("useCodebook"), unready.getMessage());
            tied.useCodebook(plain.tokenizer().quantizer(), m);
            tied.takeWeights(plain.dynamics());
            float[] after = tied.logits(ps, tokens, actions, false).toFloatArray();
            assertArrayEquals(before, after, 1e-5f, "a zero tie changes nothing");
            assertThrows(
                    IllegalArgumentException.class,
                    () -> new MaskGitDynamics(c.withCodebookTie(true)));
        }
        // A run switched to the tie (train world --resume --codebook-tie) grows it from zero.
        Checkpoints.setConfigField(run, WorldModel.KIND, "codebookTie", true);
        Checkpoints.extendRun(run, WorldModel.KIND, 16);
        List<String> notices = new java.util.ArrayList<>();
        TrainingLoop.Result r = resume(run, notices);
        assertEquals(16, r.step());
        assertTrue(notices.toString().contains("codebook tie is new"), notices.toString());
        try (WorldModel grown = WorldModel.load(run)) {
            assertTrue(grown.config().codebookTie());
            assertTrue(grown.dynamics().tied());
            double tie = 0;
            for (var p : grown.dynamics().getParameters()) {
                if (p.getKey().contains("tie_")) {
                    tie += p.getValue().getArray().abs().sum().getFloat();
                }
            }
            assertTrue(tie > 0, "the tie trained away from zero");
        }
        // Resuming it again reads the saved tie as it is, with the optimiser's state.
        Checkpoints.extendRun(run, WorldModel.KIND, 18);
        notices.clear();
        resume(run, notices);
        assertTrue(notices.isEmpty(), notices.toString());
        // A model.json written before the setting existed reads as untied.
        ObjectNode old = Checkpoints.JSON.valueToTree(WorldConfig.tiny(TokenizerConfig.tiny()));
        old.remove("codebookTie");
        assertFalse(Checkpoints.JSON.treeToValue(old, WorldConfig.class).codebookTie());
    }

    @Test
    void aModelThatRecordsNoEnvOptionsWarnsThatItsGameIsDrawnWithDefaults() throws Exception {
        Path run = TinyWorld.world(tmp, 2);
        ObjectNode json = Checkpoints.readModelJson(run, WorldModel.KIND);
        ((ObjectNode) json.get("data")).remove("env_options");
        Checkpoints.writeModelJson(run, json);
        try (WorldModel m = WorldModel.load(run)) {
            String err = stderrOf(() -> m.warnIfNoEnvOptions("its prompts"));
            assertTrue(err.contains("its prompts"), err);
            assertTrue(err.contains("data.env_options"), err);
        }
        ((ObjectNode) json.get("data")).putObject("env_options").put("art", "v2");
        Checkpoints.writeModelJson(run, json);
        try (WorldModel m = WorldModel.load(run)) {
            assertEquals(java.util.Map.of("art", "v2"), m.envOptions());
            assertEquals("", stderrOf(() -> m.warnIfNoEnvOptions("its prompts")));
        }
    }

    /** What {@code r} prints on stderr. */
    private static String stderrOf(Runnable r) {
        java.io.PrintStream saved = System.err;
        var bytes = new java.io.ByteArrayOutputStream();
        System.setErr(
                new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(saved);
        }
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
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

    @Test
    void trainsTheDynamicsOnAFrozenLamV2AndReadsRealVideoWithIt() throws Exception {
        Path data = tmp.resolve("data");
        TinyVideo.write(data, 16, 4, 24);
        Path tok = TinyWorld.tokenizer(tmp.resolve("tok"));
        Path lamRun = tmp.resolve("lam");
        LamTrainer.train(
                List.of(data),
                lamRun,
                LamConfig.tiny(16),
                new TrainConfig(
                        8, 3, 1, 2e-3f, 2e-4f, 5, 20, 0.0f, 1.0f, 5, 10, 5, 10, 0, 0, 0f, 0f, 0f,
                        0f),
                0,
                false,
                TrainListener.NONE);
        WorldConfig config = WorldConfig.tiny(TokenizerConfig.tiny());
        Path run = tmp.resolve("world");
        WorldTrainer.train(
                data, run, tok, lamRun, config, TinyWorld.train(20), 0, false, TrainListener.NONE);
        assertTrue(Files.exists(run.resolve("lam/model.json")), "the run keeps its LAM");
        assertTrue(Files.notExists(run.resolve(WorldModel.LAM_PARAMS)), "no co-trained LAM");
        WorldTrainer.train(data, run, null, null, null, 0, true, TrainListener.NONE);
        Checkpoints.extendRun(run, WorldModel.KIND, 30);
        TrainingLoop.Result more =
                WorldTrainer.train(data, run, null, null, null, 0, true, TrainListener.NONE);
        assertEquals(30, more.step());
        try (WorldModel model = WorldModel.load(run);
                LatentActions lam = LatentActions.load(lamRun);
                ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            assertEquals(null, model.lam());
            ObjectNode training = (ObjectNode) model.json().path("training");
            assertTrue(training.path("lam").asText().startsWith("frozen"), training.toString());
            long used = 0;
            for (var n : training.path("action_usage")) {
                used += n.asLong();
            }
            // 30 steps of 2 clips of 4 frames: 3 transitions each.
            assertEquals(30 * 2 * 3, used);
            // The world reads an episode's actions as the LAM labels them.
            io.genie4j.env.episodes.Episode e =
                    io.genie4j.env.episodes.EpisodeReader.readEpisode(data.resolve("ep0.npz"));
            int[] labels = lam.label(e.frames(), 8);
            int t = e.frames().shape()[0];
            ai.djl.ndarray.NDArray video =
                    io.genie4j.genie.nn.Patches.video(m, e.frames().toByteArray(), 1, t, 16, 16, 3);
            long[] inferred =
                    model.actions()
                            .infer(new ai.djl.training.ParameterStore(m, false), video, null)
                            .toLongArray();
            assertEquals(t - 1, inferred.length);
            for (int k = 0; k < inferred.length; k++) {
                assertEquals(labels[k], inferred[k], "transition " + k);
            }
            // And it plays.
            try (GenieWorld w = new GenieWorld(model, 1, GenieWorld.Options.defaults())) {
                byte[] prompt = java.util.Arrays.copyOf(e.frames().toByteArray(), 2 * 16 * 16 * 3);
                w.reset(prompt, 2, new long[] {1});
                assertEquals(16 * 16 * 3, w.step(new int[] {3}).length);
            }
        }
        // A LAM whose action count is not the world's is refused before training.
        WorldConfig eight =
                new WorldConfig(
                        config.imageSize(),
                        config.grid(),
                        config.codes(),
                        config.tokenizerWindow(),
                        config.lamInput(),
                        config.lamDecoderInput(),
                        config.lamPatch(),
                        config.lamDim(),
                        config.lamHeads(),
                        config.lamEncoderLayers(),
                        config.lamDecoderLayers(),
                        8,
                        config.actionDim(),
                        config.lamBeta(),
                        config.lamEntropyWeight(),
                        config.dim(),
                        config.heads(),
                        config.layers(),
                        config.ffMult(),
                        config.context(),
                        false);
        IllegalArgumentException bad =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                WorldTrainer.train(
                                        data,
                                        tmp.resolve("eight"),
                                        tok,
                                        lamRun,
                                        eight,
                                        TinyWorld.train(5),
                                        0,
                                        false,
                                        TrainListener.NONE));
        assertTrue(bad.getMessage().contains("4 actions"), bad.getMessage());
    }
}
