package io.genie4j.cli;

import io.genie4j.agents.PpoConfig;
import io.genie4j.coinrun.eval.WorldRlStudy;
import io.genie4j.env.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code genie4j world-rl}: thin wiring over {@link WorldRlStudy}. */
@Command(
        name = "world-rl",
        mixinStandardHelpOptions = true,
        description = {
            "Train PPO inside a generated world and score it in the real game.",
            "PPO trained only in Genie-v0 (CoinRun's actions through the model's real-action"
                    + " table, rewards and endings from its event heads) against the same PPO"
                    + " trained in real CoinRun for as many steps, both scored on the same"
                    + " held-out real levels at several points of training, beside uniform"
                    + " random and blind play, with 95%% intervals. Writes world-rl.json,"
                    + " world-rl.md and world-rl.png to --out, the PPO runs in --out/world and"
                    + " --out/real."
        })
final class WorldRlCommand implements Callable<Integer> {
    @Option(
            names = "--model",
            description =
                    "World model directory with a real-action table (genie4j train actions;"
                            + " default: the model shipped in genie-env).")
    Path model;

    @Option(names = "--steps", description = "Env steps of PPO per arm (default: 200000).")
    Long steps;

    @Option(names = "--points", description = "Evaluations along training (default: 4).")
    Integer points;

    @Option(
            names = "--num-envs",
            description = "Envs or worlds stepped together in training (default: 64).")
    Integer numEnvs;

    @Option(
            names = "--episodes",
            description = "Held-out real episodes per evaluation (default: 500).")
    Integer episodes;

    @Option(
            names = "--mode",
            description = "CoinRun difficulty, easy or hard (default: hard, as the world's video).")
    String mode;

    @Option(
            names = "--maskgit-steps",
            description = "The world's MaskGIT iterations per frame (default: 1).")
    Integer maskgitSteps;

    @Option(
            names = "--no-slide",
            description = "Restart the world's full window from its last half (exact, slower).")
    boolean noSlide;

    @Option(
            names = "--decoder-context",
            description =
                    "Frames the world's tokenizer decoder attends to: 0 for its window, 1 to"
                            + " decode each frame alone (default: "
                            + WorldRlStudy.DEFAULT_DECODER_CONTEXT
                            + ").")
    Integer decoderContext;

    @Option(
            names = "--soft-decode",
            description =
                    "Decode the world's frames from the mean code vectors of the distributions its"
                            + " tokens were drawn from (Genie-v0's soft_decode; smoother frames).")
    boolean softDecode;

    @Option(
            names = "--no-termination",
            description =
                    "Ignore the world's termination head: a world's episode ends at a reward (if"
                            + " rewards end episodes, as CoinRun's coin does) or at the horizon"
                            + " (Genie-v0's termination=false).")
    boolean noTermination;

    @Option(
            names = "--prompt-video",
            description =
                    "Recorded CoinRun episodes (genie4j record, in the world's art) whose frames"
                            + " start the world's episodes, one drawn per episode (default: the"
                            + " first frames of CoinRun levels).")
    Path promptVideo;

    @Option(
            names = "--horizon",
            description =
                    "Steps after which a world's episode is truncated (default: Genie-v0's limit,"
                            + " 1000).")
    Integer horizon;

    @Option(
            names = "--quick",
            description = "A tiny study for a smoke test (32 steps per arm, 4 episodes).")
    boolean quick;

    @Option(
            names = "--seed",
            description =
                    "PPO's seed in both arms: the networks' initialisation, resets, sampling"
                            + " (default: 1).")
    Long seed;

    @Option(
            names = "--out",
            defaultValue = "world-rl",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        Checks.outputDirectory("--out", out);
        WorldRlStudy.Config b =
                quick ? WorldRlStudy.Config.quick() : WorldRlStudy.Config.defaults();
        long s = steps != null ? steps : b.steps();
        Checks.atLeast("--steps", s, 1);
        for (Object[] o :
                new Object[][] {
                    {"--points", points},
                    {"--num-envs", numEnvs},
                    {"--episodes", episodes},
                    {"--maskgit-steps", maskgitSteps},
                    {"--horizon", horizon}
                }) {
            if (o[1] != null) {
                Checks.atLeast((String) o[0], (Integer) o[1], 1);
            }
        }
        PpoConfig ppo = b.ppo().withSteps(s);
        if (seed != null) {
            ppo = ppo.withSeed(seed);
        }
        WorldRlStudy.Config c =
                new WorldRlStudy.Config(
                        s,
                        points != null ? points : b.points(),
                        numEnvs != null ? numEnvs : b.numEnvs(),
                        episodes != null ? episodes : b.episodes(),
                        b.testStart(),
                        mode != null ? mode : b.mode(),
                        maskgitSteps != null ? maskgitSteps : b.maskgitSteps(),
                        b.slide() && !noSlide,
                        decoderContext != null ? decoderContext : b.decoderContext(),
                        softDecode || b.softDecode(),
                        b.termination() && !noTermination,
                        promptVideo,
                        horizon != null ? horizon : b.horizon(),
                        ppo);
        WorldRlStudy.Result r = WorldRlStudy.run(model, c, out, System.err::println);
        System.out.print(r.markdown());
        System.out.println(
                Json.write(
                        Map.of(
                                "out", out.toString(),
                                "seconds", r.json().get("seconds"),
                                "files", List.of("world-rl.json", "world-rl.md", "world-rl.png"))));
        return 0;
    }
}
