package io.genie4j.genie;

import io.genie4j.env.Tensor;
import io.genie4j.env.registry.EnvOptions;
import io.genie4j.env.registry.PromptSource;
import io.genie4j.genie.data.PromptImage;
import io.genie4j.genie.data.PromptVideo;
import io.genie4j.genie.world.WorldModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Where a {@code Genie-v0} episode's first frame comes from, as its options say: frames of recorded
 * video ({@code prompt_video}, a frame drawn by the episode seed), else {@code prompt}: one image
 * (a file, read once, or pixels) or a prompt source such as {@code coinrun} (the first frame of the
 * level the episode seed picks, drawn in the art of the model's training video).
 */
final class Prompts {

    private final LongFunction<Tensor> frames;

    private Prompts(LongFunction<Tensor> frames) {
        this.frames = frames;
    }

    /**
     * The prompts of registry options for {@code model}.
     *
     * @throws IllegalArgumentException for a prompt that is neither a prompt source nor an image
     *     file, or a {@code prompt_video} that is not recorded episodes of the model's frame size
     *     and env options
     */
    static Prompts of(EnvOptions options, WorldModel model) {
        int size = model.config().imageSize();
        Map<String, Object> envOptions = model.envOptions();
        String videoDir = options.getString("prompt_video");
        if (!videoDir.isEmpty()) {
            PromptVideo v = PromptVideo.load(Path.of(videoDir), size);
            checkSameEnvOptions(v.envOptions(), envOptions, v.dir());
            return new Prompts(v::frame);
        }
        Object value = options.get("prompt");
        if (value instanceof Tensor pixels) {
            Tensor image = image(PromptImage.of(pixels, size));
            return new Prompts(seed -> image);
        }
        String name = (String) value;
        PromptSource source = PromptSource.find(name).orElse(null);
        if (source != null) {
            model.warnIfNoEnvOptions("its '" + name + "' prompts");
            return new Prompts(seed -> source.frame(seed, size, envOptions));
        }
        if (name.equals(GenieEnv.COINRUN)) {
            return new Prompts(
                    seed -> {
                        throw new IllegalStateException(
                                "prompt '"
                                        + name
                                        + "' needs the module that provides it on the class path"
                                        + " (for 'coinrun', the coinrun module); give an image"
                                        + " file instead");
                    });
        }
        if (!Files.isRegularFile(Path.of(name))) {
            String names = PromptSource.names();
            throw new IllegalArgumentException(
                    "prompt must be "
                            + (names.isEmpty() ? "" : "a prompt source (" + names + ") or ")
                            + "an image file; "
                            + name
                            + " is neither");
        }
        try {
            Tensor image = image(PromptImage.read(Path.of(name), size));
            return new Prompts(seed -> image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Refuses video recorded with other env options than the model's training video (CoinRun's
     * {@code art}, say) when both record theirs: its frames would not look like what the model
     * learned.
     */
    static void checkSameEnvOptions(
            Map<String, Object> video, Map<String, Object> model, Path dir) {
        if (!video.isEmpty() && !model.isEmpty() && !video.equals(model)) {
            throw new IllegalArgumentException(
                    "prompt_video "
                            + dir
                            + " was recorded with env options "
                            + video
                            + " but the world model was trained on video recorded with "
                            + model
                            + "; record prompts with the model's options (genie4j record"
                            + " --option k=v)");
        }
    }

    /** An image that had to be cropped, resized or coloured is used with a one-line warning. */
    private static Tensor image(PromptImage p) {
        if (p.adjustment() != null) {
            System.err.println(GenieEnv.ID + ": warning: " + p.adjustment());
        }
        return p.frame();
    }

    /** The first frame of the episode with {@code episodeSeed}: uint8 {@code [size, size, 3]}. */
    Tensor frame(long episodeSeed) {
        return frames.apply(episodeSeed);
    }
}
