package io.genie4j.cli;

import io.genie4j.coinrun.CoinRunEnv;
import io.genie4j.env.Env;
import io.genie4j.env.Json;
import io.genie4j.env.Tensor;
import io.genie4j.env.registry.Envs;
import io.genie4j.genie.data.PromptImage;
import io.genie4j.genie.play.ActionLegend;
import io.genie4j.genie.world.GenieWorld;
import io.genie4j.genie.world.Playback;
import io.genie4j.genie.world.WorldModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code genie4j demo} and {@code genie4j rollout}: play a world model and write a video. */
final class PlayCommands {

    private PlayCommands() {}

    /** The first frame of CoinRun level {@code seed} (hard mode), at the model's size. */
    static byte[] coinrunFrame(long seed, int size, Map<String, Object> envOptions) {
        try (Env<?, ?> env = Envs.make("CoinRun-v0", envOptions)) {
            Tensor t = (Tensor) env.reset(seed, Map.of()).observation();
            if (t.dim(0) != size) {
                throw new IllegalArgumentException(
                        "the model plays " + size + "×" + size + " frames; CoinRun renders 64×64");
            }
            return t.toByteArray();
        }
    }

    /**
     * The image file if given, else the first frame of CoinRun level {@code level} as the model's
     * training video showed CoinRun (its env options, such as {@code art}).
     */
    static byte[] promptFrame(Path image, long level, WorldModel model) throws java.io.IOException {
        int size = model.config().imageSize();
        return image == null
                ? coinrunFrame(level, size, model.envOptions())
                : imageFrame(image, size);
    }

    /**
     * An image file as one frame at the model's size (centre-cropped, area-averaged, in RGB); if
     * the image had to be changed, says how in one line on standard error.
     */
    static byte[] imageFrame(Path file, int size) throws java.io.IOException {
        PromptImage p = PromptImage.read(file, size);
        if (p.adjustment() != null) {
            System.err.println("genie4j: warning: " + p.adjustment());
        }
        return p.frame().toByteArray();
    }

    /** What {@code --help} says about a prompt image that is not of the model's size. */
    static final String PROMPT_NOTE =
            " An image that is not square, not of the model's frame size (64×64 for the shipped"
                    + " model) or not in colour is centre-cropped to a square, resized and turned"
                    + " into RGB, with a warning.";

    /** Options shared by the playing commands. */
    static class Sampling {
        @Option(
                names = "--model",
                description = "World model directory (default: the model shipped in genie-env).")
        Path model;

        @Mixin SamplingOptions sampling;

        @Option(names = "--seed", defaultValue = "0", description = "Seed (default: 0).")
        long seed;

        GenieWorld.Options options() {
            return sampling.options();
        }
    }

    /** {@code genie4j demo}. */
    @Command(
            name = "demo",
            mixinStandardHelpOptions = true,
            description = {
                "Play every latent action from one prompt and write the worlds side by side to a"
                        + " video.",
                "The prompt is the first frame of a CoinRun level (or --prompt); each latent"
                        + " action plays in its own world, all stepped as one batch. Prints"
                        + " per-step uncertainty and frames/s."
            })
    static final class Demo extends Sampling implements Callable<Integer> {
        @Option(
                names = "--out",
                defaultValue = "demo.gif",
                description = "Output .gif or .mp4 (default: ${DEFAULT-VALUE}).")
        Path out;

        @Option(
                names = "--steps",
                defaultValue = "16",
                description = "Steps per world (default: ${DEFAULT-VALUE}).")
        int steps;

        @Option(
                names = "--level",
                defaultValue = "1000000",
                description = "CoinRun level seed of the prompt (default: ${DEFAULT-VALUE}).")
        long level;

        @Option(
                names = "--prompt",
                description = "Prompt image instead of a CoinRun level." + PROMPT_NOTE)
        Path prompt;

        @Override
        public Integer call() throws Exception {
            Checks.atLeast("--steps", steps, 1);
            Checks.atLeast("--level", level, 0);
            options();
            Checks.videoFile("--out", out);
            try (WorldModel m = WorldModel.load(model)) {
                byte[] prompt = promptFrame(this.prompt, level, m);
                ActionLegend legend = ActionLegend.read(model, CoinRunEnv.ACTION_NAMES);
                List<String> captions = new java.util.ArrayList<>();
                for (int c = 0; c < m.config().actions(); c++) {
                    String label = legend.label(c);
                    int colon = label.indexOf(':');
                    captions.add(c + ": " + (colon > 0 ? label.substring(0, colon) : label));
                }
                Map<String, Object> r =
                        Playback.demo(m, prompt, steps, seed, options(), captions, out, System.err);
                System.out.println(Json.write(r));
            }
            return 0;
        }
    }

    /** {@code genie4j rollout}. */
    @Command(
            name = "rollout",
            mixinStandardHelpOptions = true,
            description = "Play a list of latent actions from a prompt image; write a GIF or MP4.")
    static final class Rollout extends Sampling implements Callable<Integer> {
        @Option(
                names = "--prompt",
                description =
                        "Prompt image (default: the first frame of CoinRun level --level)."
                                + PROMPT_NOTE)
        Path prompt;

        @Option(
                names = "--level",
                defaultValue = "1000000",
                description = "CoinRun level seed when no --prompt (default: ${DEFAULT-VALUE}).")
        long level;

        @Option(
                names = "--actions",
                required = true,
                split = ",",
                description = "Latent actions, comma-separated (e.g. 3,3,7).")
        int[] actions;

        @Option(names = "--out", required = true, description = "Output .gif or .mp4.")
        Path out;

        @Override
        public Integer call() throws Exception {
            Checks.atLeast("--level", level, 0);
            Checks.eachAtLeast("--actions", actions, 0);
            options();
            Checks.videoFile("--out", out);
            try (WorldModel m = WorldModel.load(model)) {
                byte[] frame = promptFrame(prompt, level, m);
                Map<String, Object> r = Playback.rollout(m, frame, actions, seed, options(), out);
                System.out.println(Json.write(r));
            }
            return 0;
        }
    }
}
