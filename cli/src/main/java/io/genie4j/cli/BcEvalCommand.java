package io.genie4j.cli;

import io.genie4j.agents.SupervisedTrainer;
import io.genie4j.bc.LatentLabeler;
import io.genie4j.coinrun.ExpertDemos;
import io.genie4j.coinrun.eval.BcStudy;
import io.genie4j.env.Json;
import io.genie4j.genie.lam.LatentActions;
import io.genie4j.genie.world.WorldModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code genie4j bc-eval}: thin wiring over {@link BcStudy}. */
@Command(
        name = "bc-eval",
        mixinStandardHelpOptions = true,
        description = {
            "Run Genie's CoinRun behaviour-cloning study (§3.3, Fig. 14) and print its table.",
            "A policy cloned from the latent actions the world model's LAM infers from expert"
                    + " video, mapped to real actions with N action-labelled transitions, against"
                    + " the same policy cloned from the true actions (the oracle), uniform random"
                    + " play, blind play (the demonstrations' action frequencies, without"
                    + " looking) and the expert. Writes bc-eval.json, bc-eval.md and bc-eval.png"
                    + " to --out."
        })
final class BcEvalCommand implements Callable<Integer> {
    @Option(
            names = "--model",
            description = "World model directory (default: the model shipped in genie-env).")
    Path model;

    @Option(
            names = "--lam",
            description =
                    "A latent action model v2 (genie4j train lam) to label the demonstrations"
                            + " with, instead of a world model's LAM.")
    Path lam;

    @Option(
            names = "--art",
            description =
                    "CoinRun's art style for the demonstrations and the evaluation: v1 or v2"
                            + " (default: the art of the world model's training video, as its"
                            + " model.json records it; v1 with --lam or a model that records"
                            + " none).")
    String art;

    @Option(names = "--mode", description = "CoinRun difficulty, easy or hard (default: easy).")
    String mode;

    @Option(
            names = "--labels",
            split = ",",
            description =
                    "Numbers of action-labelled transitions N (default:"
                            + " 0,10,20,50,100,200,500,1000).")
    int[] labels;

    @Option(names = "--seeds", description = "Independent repetitions (default: 5).")
    Integer seeds;

    @Option(
            names = "--episodes",
            description = "Evaluation episodes per agent and seed (default: 100).")
    Integer episodes;

    @Option(
            names = "--demo-levels",
            description = "Expert demonstrations on levels 0..K-1 (default: 400).")
    Integer demoLevels;

    @Option(
            names = "--demo-noise",
            description =
                    "Probability that a demonstration step plays a random move instead of the"
                            + " expert's, DART-style; such steps are left out of training (default:"
                            + " 0).")
    Double demoNoise;

    @Option(
            names = "--replanning-expert",
            description =
                    "Demonstrate with a plan made again at every step, not one plan per level"
                            + " played out.")
    boolean replanning;

    @Option(names = "--epochs", description = "Most training epochs per policy (default: 8).")
    Integer epochs;

    @Option(
            names = "--frame-stack",
            description = "Consecutive frames each policy reads, 1 to 8 (default: 1).")
    Integer stack;

    @Option(
            names = "--no-learned-mapping",
            description = "Evaluate Genie's dictionary mapping only, not the learned decoder too.")
    boolean noLearned;

    @Option(
            names = "--quick",
            description =
                    "A tiny study for a smoke test (1 seed, N = 0 and 50, 4 episodes, a small"
                            + " CNN).")
    boolean quick;

    @Option(
            names = "--out",
            defaultValue = "bc-eval",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (mode != null && !mode.equals("easy") && !mode.equals("hard")) {
            throw new IllegalArgumentException("--mode must be easy or hard, got " + mode);
        }
        if (labels != null) {
            if (labels.length == 0) {
                throw new IllegalArgumentException("--labels needs at least one number");
            }
            Checks.eachAtLeast("--labels", labels, 0);
        }
        checkAtLeast("--seeds", seeds, 1);
        checkAtLeast("--episodes", episodes, 1);
        checkAtLeast("--demo-levels", demoLevels, 1);
        checkAtLeast("--epochs", epochs, 1);
        if (stack != null && (stack < 1 || stack > 8)) {
            throw new IllegalArgumentException("--frame-stack must be 1 to 8, got " + stack);
        }
        if (demoNoise != null && !(demoNoise >= 0 && demoNoise < 1)) {
            throw new IllegalArgumentException(
                    "--demo-noise must be >= 0 and < 1, got " + demoNoise);
        }
        Checks.outputDirectory("--out", out);
        BcStudy.Config b = quick ? BcStudy.Config.quick() : BcStudy.Config.defaults();
        SupervisedTrainer.Config t = b.trainer();
        if (epochs != null) {
            t = t.withMaxEpochs(epochs);
        }
        if (lam != null && model != null) {
            throw new IllegalArgumentException(
                    "--lam and --model both name the LAM that labels the demonstrations; give one");
        }
        try (WorldModel m = lam == null ? WorldModel.load(model) : null;
                LatentActions v2 = lam == null ? null : LatentActions.load(lam)) {
            return run(b, t, m, v2, artOf(m));
        }
    }

    /** The art to play CoinRun in: {@code --art}, else the world model's video's, else v1. */
    private String artOf(WorldModel m) {
        if (art != null) {
            return art;
        }
        Object recorded = m == null ? null : m.envOptions().get("art");
        return recorded == null ? "v1" : recorded.toString();
    }

    private int run(
            BcStudy.Config b,
            SupervisedTrainer.Config t,
            WorldModel m,
            LatentActions v2,
            String art)
            throws Exception {
        BcStudy.Config c =
                new BcStudy.Config(
                        mode != null ? mode : b.mode(),
                        labels != null ? labels : b.labels(),
                        seeds != null ? seeds : b.seeds(),
                        episodes != null ? episodes : b.episodes(),
                        demoLevels != null ? demoLevels : b.demoLevels(),
                        new ExpertDemos.Style(
                                replanning || b.demoStyle().replan(),
                                demoNoise != null ? demoNoise : b.demoStyle().noise()),
                        b.testStart(),
                        b.testLevels(),
                        b.epsilon(),
                        b.envs(),
                        b.channels(),
                        b.hidden(),
                        b.downsample(),
                        stack != null ? stack : b.stack(),
                        t,
                        b.learnedMapping() && !noLearned,
                        art);
        BcStudy.Result r =
                BcStudy.run(
                        v2 != null ? new LatentLabeler(v2, 64) : new LatentLabeler(m, 64),
                        lam != null
                                ? "LAM v2 " + lam
                                : model == null ? "shipped default" : model.toString(),
                        c,
                        out,
                        line -> System.err.println(line));
        System.out.print(r.markdown());
        System.out.println(
                Json.write(
                        java.util.Map.of(
                                "out", out.toString(),
                                "seconds", r.json().get("seconds"),
                                "files",
                                        Arrays.asList(
                                                "bc-eval.json", "bc-eval.md", "bc-eval.png"))));
        return 0;
    }

    /** Checks an option that may be absent (then its default applies). */
    private static void checkAtLeast(String option, Integer value, int min) {
        if (value != null) {
            Checks.atLeast(option, value, min);
        }
    }
}
