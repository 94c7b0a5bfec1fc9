package io.genie4j.cli;

import io.genie4j.genie.world.GenieWorld;
import picocli.CommandLine.Option;

/**
 * The world model's sampling options, shared by every command that generates frames (a picocli
 * mixin): their defaults are {@link GenieWorld.Options}'s, so they are written in one place.
 */
final class SamplingOptions {
    @Option(
            names = "--maskgit-steps",
            defaultValue = "" + GenieWorld.Options.DEFAULT_MASKGIT_STEPS,
            description = "MaskGIT iterations per frame (default: ${DEFAULT-VALUE}).")
    int maskgitSteps;

    @Option(
            names = "--temperature",
            defaultValue = "" + GenieWorld.Options.DEFAULT_TEMPERATURE,
            description =
                    "Sampling temperature, 0 for the most likely tokens (default:"
                            + " ${DEFAULT-VALUE}).")
    float temperature;

    @Option(
            names = "--slide",
            description =
                    "A full window of past frames slides by one frame per step, keeping their"
                            + " cached keys and values (faster, not exact); by default it"
                            + " restarts from its last half, recomputed.")
    boolean slide;

    @Option(
            names = "--decoder-context",
            defaultValue = "0",
            description =
                    "Frames the tokenizer's decoder attends to, the new one included: 0 for its"
                            + " training window, 1 to decode each frame alone (fastest; default:"
                            + " ${DEFAULT-VALUE}).")
    int decoderContext;

    @Option(
            names = "--guidance",
            defaultValue = "1",
            description =
                    "Classifier-free guidance on the action: 1 is off; above 1 pushes each frame"
                            + " towards what its action changes, at a second dynamics pass (for"
                            + " models trained with actionDropout; default: ${DEFAULT-VALUE}).")
    float guidance;

    @Option(
            names = "--soft-decode",
            negatable = true,
            defaultValue = "" + GenieWorld.Options.DEFAULT_SOFT_DECODE,
            fallbackValue = "true",
            description =
                    "Decode each generated token as the mean code vector of the distribution it"
                            + " was sampled from (the default); --no-soft-decode decodes the"
                            + " sampled code, Genie's way (what the world does is unchanged; only"
                            + " its pixels are).")
    boolean softDecode;

    /** The options, checked, with the model's full context and the cache on. */
    GenieWorld.Options options() {
        Checks.atLeast("--maskgit-steps", maskgitSteps, 1);
        Checks.atLeast("--temperature", temperature, 0);
        Checks.atLeast("--decoder-context", decoderContext, 0);
        Checks.atLeast("--guidance", guidance, 0);
        return new GenieWorld.Options(
                maskgitSteps, temperature, 0, true, slide, decoderContext, guidance, softDecode);
    }
}
