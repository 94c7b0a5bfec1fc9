package io.genie4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genie4j.env.Json;
import io.genie4j.genie.data.Clip;
import io.genie4j.genie.train.Checkpoints;
import io.genie4j.genie.world.EventHeads;
import io.genie4j.genie.world.EventSamples;
import io.genie4j.genie.world.WorldModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code genie4j train events}: fits a world model's reward and termination heads. */
@Command(
        name = "events",
        mixinStandardHelpOptions = true,
        description = {
            "Fit a world model's reward and termination heads on recorded episodes.",
            "Reads each episode's last clip and a few random ones with the frozen model, fits two"
                    + " logistic heads on the dynamics' state of each frame and writes"
                    + " MODEL/event_heads.json: Genie-v0 then pays rewards and ends episodes"
                    + " (--option events=false turns that off), and eval world scores the heads"
                    + " (AUROC, precision, recall). The backbone is not changed. Prints JSON."
        })
final class TrainEventsCommand implements Callable<Integer> {

    @Option(
            names = "--model",
            required = true,
            description = "World model directory; the heads are written into it.")
    Path model;

    @Option(
            names = "--data",
            required = true,
            arity = "1..*",
            description =
                    "Dataset directories of episodes recorded with rewards (genie4j record), not"
                            + " the ones you will evaluate on.")
    List<Path> data;

    @Option(
            names = "--random-clips",
            defaultValue = "2",
            description =
                    "Clips drawn per episode besides its last one, at least 0 (default:"
                            + " ${DEFAULT-VALUE}).")
    int randomClips;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Seed of the clip draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws IOException {
        Checks.atLeast("--random-clips", randomClips, 0);
        TrainActionsCommand.worldModelDir(model);
        long start = System.nanoTime();
        try (WorldModel m = WorldModel.load(model)) {
            List<Clip.Source> episodes = TrainActionsCommand.episodes(data, m);
            if (episodes.stream().allMatch(e -> e.rewards() == null)) {
                throw new IllegalArgumentException(
                        "the episodes record no rewards; fit the heads on episodes recorded with"
                                + " genie4j record");
            }
            EventSamples samples = EventSamples.collect(m, episodes, randomClips, seed, 8);
            if (samples.size() == 0) {
                throw new IllegalArgumentException(
                        "no episode is long enough for a clip of "
                                + Math.min(m.config().context(), 16)
                                + " frames");
            }
            ObjectNode fit = Checkpoints.JSON.createObjectNode();
            fit.put("episodes", episodes.size());
            fit.put("samples", samples.size());
            fit.put("random_clips", randomClips);
            fit.put("seed", seed);
            ArrayList<String> dirs = new ArrayList<>();
            data.forEach(d -> dirs.add(d.toAbsolutePath().toString()));
            fit.set("data", Checkpoints.JSON.valueToTree(dirs));
            EventHeads heads = EventHeads.fit(samples, fit);
            heads.save(model);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("out", model.resolve(EventHeads.FILE).toAbsolutePath().toString());
            out.put("episodes", episodes.size());
            out.put("reward_value", heads.rewardValue());
            out.put("fitting_set", samples.score(heads));
            out.put("seconds", Math.round((System.nanoTime() - start) / 1e8) / 10.0);
            System.out.println(Json.write(out));
        }
        return 0;
    }
}
