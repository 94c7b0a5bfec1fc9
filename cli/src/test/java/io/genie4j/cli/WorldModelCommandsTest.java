package io.genie4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.genie4j.env.Json;
import io.genie4j.genie.train.Checkpoints;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The tokenizer pipeline as a user drives it: import-video, train tokenizer, eval tokenizer. */
class WorldModelCommandsTest {

    @TempDir Path tmp;

    /** A command's exit code and what it wrote. */
    record Result(int exit, String out, String err) {}

    /** Runs {@code genie4j args} in this JVM, capturing its output. */
    static Result run(String... args) {
        CommandLine cl = Genie4jCommand.newCommandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int exit = cl.execute(args);
            return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(saved);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** The JSON object on a command's last line of output. */
    static Map<?, ?> json(Result r) {
        String[] lines = r.out().trim().split("\n");
        return (Map<?, ?>) Json.parse(lines[lines.length - 1]);
    }

    @Test
    void importTrainAndEvaluateATinyTokenizer() throws Exception {
        Path frames = tmp.resolve("frames");
        Files.createDirectories(frames);
        for (int t = 0; t < 40; t++) {
            BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(new Color(60, 120, 200));
            g.fillRect(0, 0, 32, 32);
            g.setColor(Color.YELLOW);
            g.fillRect(t % 24, 12, 8, 8);
            g.dispose();
            ImageIO.write(img, "png", frames.resolve(String.format("%03d.png", t)).toFile());
        }
        Path data = tmp.resolve("data");
        Result imp =
                run(
                        "import-video",
                        "--in",
                        frames.toString(),
                        "--out",
                        data.toString(),
                        "--size",
                        "16",
                        "--episode-frames",
                        "10");
        assertEquals(0, imp.exit(), imp.err());
        assertEquals(4L, json(imp).get("episodes"));

        Path config = tmp.resolve("tiny.json");
        Files.writeString(
                config,
                "{\"model\": {\"imageSize\": 16, \"patch\": 4, \"dim\": 32, \"heads\": 2,"
                    + " \"ffMult\": 2, \"encoderLayers\": 1, \"decoderLayers\": 1, \"codes\": 32,"
                    + " \"codeDim\": 8, \"maxFrames\": 4}, \"train\": {\"batch\": 2,"
                    + " \"clipLength\": 4, \"warmupSteps\": 2, \"checkpointEvery\": 5,"
                    + " \"logEvery\": 2, \"validationFraction\": 0.3}}");
        Path runDir = tmp.resolve("run");
        Result train =
                run(
                        "train",
                        "tokenizer",
                        "--data",
                        data.toString(),
                        "--out",
                        runDir.toString(),
                        "--config",
                        config.toString(),
                        "--steps",
                        "10");
        assertEquals(0, train.exit(), train.err());
        assertEquals(10L, json(train).get("step"));
        assertTrue(Files.exists(runDir.resolve("model.json")));
        assertTrue(Files.exists(runDir.resolve("loss.png")));

        Result again =
                run(
                        "train",
                        "tokenizer",
                        "--data",
                        data.toString(),
                        "--out",
                        runDir.toString(),
                        "--config",
                        config.toString());
        assertEquals(2, again.exit());
        assertTrue(again.err().contains("--resume"), again.err());

        String[] resume = {
            "train", "tokenizer", "--data", data.toString(), "--out", runDir.toString(), "--resume"
        };
        Result longer = run(concat(resume, "--steps", "12"));
        assertEquals(0, longer.exit(), longer.err());
        assertEquals(12L, json(longer).get("step"), "--resume --steps extends a finished run");
        Result shorter = run(concat(resume, "--steps", "5"));
        assertEquals(2, shorter.exit());
        assertTrue(shorter.err().contains("is at step 12"), shorter.err());

        Result eval =
                run("eval", "tokenizer", "--model", runDir.toString(), "--data", data.toString());
        assertEquals(0, eval.exit(), eval.err());
        Map<?, ?> e = json(eval);
        assertTrue(((Number) e.get("psnr")).doubleValue() > 5, e.toString());
        assertTrue(((Number) e.get("frames")).longValue() >= 4, e.toString());
        assertTrue(((Number) e.get("codebook_used")).longValue() >= 1, e.toString());

        Files.writeString(config, "{\"model\": {\"patchSize\": 4}}");
        Result bad =
                run(
                        "train",
                        "tokenizer",
                        "--data",
                        data.toString(),
                        "--out",
                        tmp.resolve("r2").toString(),
                        "--config",
                        config.toString());
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("patchSize"), bad.err());
    }

    /** 80 frames of a square sliding over a 16×16 background, imported as 4 episodes. */
    private Path tinyVideo() throws Exception {
        Path frames = tmp.resolve("frames");
        Files.createDirectories(frames);
        for (int t = 0; t < 80; t++) {
            BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(new Color(60, 120, 200));
            g.fillRect(0, 0, 16, 16);
            g.setColor(Color.YELLOW);
            g.fillRect(t % 12, 6, 4, 4);
            g.dispose();
            ImageIO.write(img, "png", frames.resolve(String.format("%03d.png", t)).toFile());
        }
        Path data = tmp.resolve("data");
        assertEquals(
                0,
                run(
                                "import-video",
                                "--in",
                                frames.toString(),
                                "--out",
                                data.toString(),
                                "--size",
                                "16",
                                "--episode-frames",
                                "20")
                        .exit());
        return data;
    }

    /**
     * Three 16×16 episodes recorded as CoinRun's (its 15 actions, a yellow square moved by each),
     * so that a world trained on 16×16 video can fit a CoinRun action table.
     */
    private Path labelledCoinRunLikeVideo() throws Exception {
        Path dir = tmp.resolve("labelled");
        try (io.genie4j.env.episodes.EpisodeDataset ds =
                io.genie4j.env.episodes.EpisodeDataset.openOrCreate(dir, "CoinRun-v0", Map.of())) {
            for (int e = 0; e < 3; e++) {
                try (io.genie4j.env.episodes.EpisodeWriter w =
                        ds.newEpisode("ep" + e + ".npz", e, Map.of())) {
                    int x = 4;
                    w.reset(square(x));
                    for (int t = 1; t < 30; t++) {
                        int a = (t * 7 + e) % 15;
                        x = Math.max(0, Math.min(12, x + (a < 3 ? -1 : a >= 6 && a < 9 ? 1 : 0)));
                        boolean end = e == 0 && t == 29; // episode 0 ends on a reward
                        w.step(a, square(x), end ? 10 : 0, end, false);
                    }
                    w.finish();
                }
            }
        }
        return dir;
    }

    private static io.genie4j.env.Tensor square(int x) {
        byte[] f = new byte[16 * 16 * 3];
        for (int y = 6; y < 10; y++) {
            for (int i = x; i < x + 4; i++) {
                f[(y * 16 + i) * 3] = (byte) 255;
                f[(y * 16 + i) * 3 + 1] = (byte) 255;
            }
        }
        return io.genie4j.env.Tensor.uint8(f, 16, 16, 3);
    }

    private static final String TINY_TOKENIZER =
            "{\"model\": {\"imageSize\": 16, \"patch\": 4, \"dim\": 32, \"heads\": 2,"
                    + " \"ffMult\": 2, \"encoderLayers\": 1, \"decoderLayers\": 1, \"codes\": 32,"
                    + " \"codeDim\": 8, \"maxFrames\": 4}, \"train\": {\"batch\": 2,"
                    + " \"clipLength\": 4, \"warmupSteps\": 1, \"validationFraction\": 0.3}}";

    private static final String TINY_WORLD =
            "{\"model\": {\"tokenizerWindow\": 4, \"lamPatch\": 8, \"lamDim\": 32,"
                    + " \"lamHeads\": 2, \"lamEncoderLayers\": 1, \"lamDecoderLayers\": 1,"
                    + " \"actions\": 4, \"actionDim\": 8, \"dim\": 32, \"heads\": 2,"
                    + " \"layers\": 1, \"ffMult\": 2, \"context\": 12}, \"train\": {\"batch\": 2,"
                    + " \"clipLength\": 6, \"warmupSteps\": 1, \"checkpointEvery\": 2,"
                    + " \"logEvery\": 1, \"validationFraction\": 0.3}}";

    @Test
    void trainAllTrainsTheTokenizerThenTheWorldAndSkipsFinishedParts() throws Exception {
        Path data = tinyVideo();
        String tok =
                TINY_TOKENIZER.replace("\"warmupSteps\": 1", "\"warmupSteps\": 1, \"steps\": 2");
        String world = TINY_WORLD.replace("\"warmupSteps\": 1", "\"warmupSteps\": 1, \"steps\": 2");
        Path config = tmp.resolve("all.json");
        Files.writeString(config, "{\"tokenizer\": " + tok + ", \"world\": " + world + "}");
        Path out = tmp.resolve("all");
        Result r =
                run(
                        "train",
                        "all",
                        "--data",
                        data.toString(),
                        "--out",
                        out.toString(),
                        "--config",
                        config.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(true, json(r).get("finished"));
        Result again = run("train", "all", "--data", data.toString(), "--out", out.toString());
        assertEquals(0, again.exit(), again.err());
        assertEquals(1, again.out().trim().split("\n").length, "nothing left to train");
    }

    @Test
    void trainAWorldOnATinyTokenizerThenDemoRolloutEvalAndBench() throws Exception {
        Path data = tinyVideo();
        Path frames = tmp.resolve("frames");
        Path tokConfig = tmp.resolve("tok.json");
        Files.writeString(tokConfig, TINY_TOKENIZER);
        Path tok = tmp.resolve("tok");
        Result t =
                run(
                        "train",
                        "tokenizer",
                        "--data",
                        data.toString(),
                        "--out",
                        tok.toString(),
                        "--config",
                        tokConfig.toString(),
                        "--steps",
                        "2");
        assertEquals(0, t.exit(), t.err());

        Path worldConfig = tmp.resolve("world.json");
        Files.writeString(worldConfig, TINY_WORLD);
        Path world = tmp.resolve("world");
        Result w =
                run(
                        "train",
                        "world",
                        "--data",
                        data.toString(),
                        "--out",
                        world.toString(),
                        "--tokenizer",
                        tok.toString(),
                        "--config",
                        worldConfig.toString(),
                        "--steps",
                        "3");
        assertEquals(0, w.exit(), w.err());
        assertEquals(3L, json(w).get("step"));
        assertTrue(Files.exists(world.resolve("tokenizer").resolve("model.json")));
        // The codebook tie added to the run: every command below runs the tied dynamics.
        Result tie =
                run(
                        "train",
                        "world",
                        "--data",
                        data.toString(),
                        "--out",
                        world.toString(),
                        "--resume",
                        "--steps",
                        "4",
                        "--codebook-tie");
        assertEquals(0, tie.exit(), tie.err());
        assertEquals(
                true,
                Checkpoints.readModelJson(world, "world")
                        .path("config")
                        .path("codebookTie")
                        .asBoolean());

        // A world's directory stands for its tokenizer in --from: its decoder, on the same codes.
        Path dec = tmp.resolve("dec");
        Result d =
                run(
                        "train",
                        "tokenizer",
                        "--decoder-only",
                        "--from",
                        world.toString(),
                        "--data",
                        data.toString(),
                        "--out",
                        dec.toString(),
                        "--config",
                        tokConfig.toString(),
                        "--steps",
                        "2");
        assertEquals(0, d.exit(), d.err());
        JsonNode decTraining = Checkpoints.readModelJson(dec, "tokenizer").path("training");
        assertEquals(
                world.resolve("tokenizer").resolve("tokenizer.params").toString(),
                decTraining.path("started_from").asText());
        assertTrue(decTraining.path("decoder_only").asBoolean(), decTraining.toString());

        Path image = frames.resolve("005.png");
        Path gif = tmp.resolve("demo.gif");
        Result demo =
                run(
                        "demo",
                        "--model",
                        world.toString(),
                        "--prompt",
                        image.toString(),
                        "--steps",
                        "3",
                        "--out",
                        gif.toString());
        assertEquals(0, demo.exit(), demo.err());
        assertEquals(4L, json(demo).get("worlds"));
        assertTrue(Files.size(gif) > 100);
        var reader = ImageIO.getImageReadersByFormatName("gif").next();
        try (var in = ImageIO.createImageInputStream(gif.toFile())) {
            reader.setInput(in);
            assertEquals(4, reader.getNumImages(true), "the prompt and 3 steps");
        } finally {
            reader.dispose();
        }

        Path mp4 = tmp.resolve("rollout.mp4");
        Result rollout =
                run(
                        "rollout",
                        "--model",
                        world.toString(),
                        "--prompt",
                        image.toString(),
                        "--actions",
                        "0,1,2,3,3",
                        "--out",
                        mp4.toString());
        assertEquals(0, rollout.exit(), rollout.err());
        assertEquals(6L, json(rollout).get("frames"));
        assertTrue(Files.size(mp4) > 100);

        Result bad =
                run(
                        "rollout",
                        "--model",
                        world.toString(),
                        "--prompt",
                        image.toString(),
                        "--actions",
                        "0,9",
                        "--out",
                        tmp.resolve("x.gif").toString());
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("latent action 9"), bad.err());

        Result eval =
                run(
                        "eval",
                        "world",
                        "--model",
                        world.toString(),
                        "--data",
                        data.toString(),
                        "--all-episodes",
                        "--clips",
                        "4",
                        "--batch",
                        "2");
        assertEquals(0, eval.exit(), eval.err());
        Map<?, ?> e = json(eval);
        assertEquals(4L, e.get("clips"));
        assertTrue(e.containsKey("rollout_psnr") && e.containsKey("delta_psnr"), e.toString());
        assertTrue(
                ((Number) e.get("still_frame_psnr")).doubleValue() > 0,
                "the still-frame baseline is measured: " + e);
        for (String f :
                List.of(
                        "rollout_psnr",
                        "still_frame_psnr",
                        "margin_over_still_frame",
                        "delta_psnr")) {
            List<?> ci = (List<?>) e.get(f + "_ci95");
            double v = ((Number) e.get(f)).doubleValue();
            assertTrue(
                    ((Number) ci.get(0)).doubleValue() <= v + 0.01
                            && v <= ((Number) ci.get(1)).doubleValue() + 0.01,
                    f + " " + v + " outside its interval " + ci);
        }
        assertEquals(10, ((List<?>) e.get("margin_per_step")).size());
        Result self =
                run(
                        "eval",
                        "world",
                        "--model",
                        world.toString(),
                        "--against",
                        world.toString(),
                        "--data",
                        data.toString(),
                        "--all-episodes",
                        "--clips",
                        "4",
                        "--batch",
                        "2");
        assertEquals(0, self.exit(), self.err());
        Map<?, ?> sj = json(self);
        Map<?, ?> against = (Map<?, ?>) sj.get("against");
        assertEquals(sj.get("margin_over_still_frame"), against.get("margin_over_still_frame"));
        assertEquals(e.get("delta_psnr"), sj.get("delta_psnr"), "--against leaves the figures");
        Map<?, ?> diff = (Map<?, ?>) sj.get("difference");
        for (String f : List.of("rollout_psnr", "margin_over_still_frame", "delta_psnr")) {
            assertEquals(0.0, ((Number) diff.get(f)).doubleValue(), 1e-9, f + ": " + diff);
            assertEquals(List.of(0.0, 0.0), diff.get(f + "_ci95"), f + ": " + diff);
        }
        assertEquals(10, ((List<?>) diff.get("margin_per_step")).size());

        Result unlabelled =
                run("train", "actions", "--model", world.toString(), "--data", data.toString());
        assertEquals(2, unlabelled.exit(), unlabelled.err());
        assertTrue(unlabelled.err().contains("genie4j record"), unlabelled.err());
        Path labelled = labelledCoinRunLikeVideo();
        Result table =
                run(
                        "train",
                        "actions",
                        "--model",
                        world.toString(),
                        "--data",
                        labelled.toString(),
                        "--transitions",
                        "60");
        assertEquals(0, table.exit(), table.err());
        Map<?, ?> tj = json(table);
        assertEquals(60L, tj.get("transitions"));
        assertEquals(15, ((List<?>) tj.get("actions")).size());
        assertTrue(Files.isRegularFile(world.resolve("action_table.json")));
        Result events =
                run(
                        "train",
                        "events",
                        "--model",
                        world.toString(),
                        "--data",
                        labelled.toString(),
                        "--random-clips",
                        "1");
        assertEquals(0, events.exit(), events.err());
        Map<?, ?> ej = json(events);
        assertEquals(10.0, ((Number) ej.get("reward_value")).doubleValue(), 1e-9);
        assertTrue(Files.isRegularFile(world.resolve("event_heads.json")));
        Map<?, ?> fitted = (Map<?, ?>) ((Map<?, ?>) ej.get("fitting_set")).get("termination");
        assertEquals(1L, fitted.get("events"), "episode 0's end: " + ej);
        Result realEval =
                run(
                        "eval",
                        "world",
                        "--model",
                        world.toString(),
                        "--data",
                        labelled.toString(),
                        "--all-episodes",
                        "--clips",
                        "4",
                        "--batch",
                        "2");
        assertEquals(0, realEval.exit(), realEval.err());
        Map<?, ?> real = (Map<?, ?>) json(realEval).get("real_actions");
        assertTrue(real != null && real.containsKey("margin_over_still_frame_ci95"), "" + real);
        assertEquals(10, ((List<?>) real.get("psnr_per_step")).size());
        Map<?, ?> scored = (Map<?, ?>) json(realEval).get("events");
        assertTrue(scored != null && scored.containsKey("termination"), "" + scored);

        Result bench =
                run(
                        "bench",
                        "world",
                        "--model",
                        world.toString(),
                        "--prompt",
                        image.toString(),
                        "--batches",
                        "1,2",
                        "--seconds",
                        "0.2",
                        "--memory-frames",
                        "8",
                        "--env-batch",
                        "2");
        assertEquals(0, bench.exit(), bench.err());
        Map<?, ?> b = json(bench);
        assertTrue(
                b.containsKey("cache_speedup")
                        && b.containsKey("rss_mb_after")
                        && b.containsKey("restart_one_world_ms"),
                b.toString());
        Map<?, ?> env = (Map<?, ?>) b.get("vector_env");
        assertEquals(2, ((Number) env.get("num_envs")).intValue(), b.toString());
        assertTrue(((Number) env.get("steps_per_s")).doubleValue() > 0, b.toString());
    }
}
