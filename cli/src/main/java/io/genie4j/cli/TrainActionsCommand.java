package io.genie4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.genie4j.coinrun.CoinRunEnv;
import io.genie4j.env.Env;
import io.genie4j.env.registry.Envs;
import io.genie4j.env.spaces.Discrete;
import io.genie4j.genie.data.Clip;
import io.genie4j.genie.data.VideoDataset;
import io.genie4j.genie.train.Checkpoints;
import io.genie4j.genie.world.ActionTable;
import io.genie4j.genie.world.WorldModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code genie4j train actions}: fits a world model's real-action table. */
@Command(
        name = "actions",
        mixinStandardHelpOptions = true,
        description = {
            "Fit a world model's real-action table from action-labelled episodes.",
            "Counts which latent action the model's LAM infers on the transitions made with each"
                    + " real action, maps each action to its most frequent code, and writes"
                    + " MODEL/action_table.json: Genie-v0 then takes the game's own actions with"
                    + " --option actions=coinrun, and eval world adds rollouts played with each"
                    + " clip's real actions. Prints the table as JSON."
        })
final class TrainActionsCommand implements Callable<Integer> {

    @Option(
            names = "--model",
            required = true,
            description = "World model directory; the table is written into it.")
    Path model;

    @Option(
            names = "--data",
            required = true,
            arity = "1..*",
            description =
                    "Dataset directories of episodes recorded with their actions (genie4j record),"
                            + " all of one env; use episodes the model was not evaluated on.")
    List<Path> data;

    @Option(
            names = "--transitions",
            defaultValue = "3000",
            description = "Labelled transitions to count, at least 1 (default: ${DEFAULT-VALUE}).")
    int transitions;

    @Override
    public Integer call() throws IOException {
        Checks.atLeast("--transitions", transitions, 1);
        worldModelDir(model);
        String env = envOf(data);
        List<String> names = actionNames(env);
        try (WorldModel m = WorldModel.load(model)) {
            List<Clip.Source> episodes = episodes(data, m);
            long[][] counts = ActionTable.count(m, episodes, names.size(), transitions, 16);
            ActionTable table = ActionTable.fit(env, names, counts);
            table.save(model);
            System.out.println(table.toJson().toString());
        }
        return 0;
    }

    /** Refuses a --model that is not a world model directory. */
    static void worldModelDir(Path model) {
        if (!Files.isRegularFile(model.resolve("model.json"))) {
            throw new IllegalArgumentException(
                    "--model "
                            + model
                            + " is not a world model directory (no model.json); train one with"
                            + " genie4j train world");
        }
    }

    /** Every episode of {@code data}, read at the model's frame size (no validation split). */
    static List<Clip.Source> episodes(List<Path> data, WorldModel m) throws IOException {
        List<Clip.Source> episodes = new ArrayList<>();
        for (Path d : data) {
            episodes.addAll(VideoDataset.load(d, m.config().imageSize(), 0, 0).train());
        }
        return episodes;
    }

    /** The env every dataset's manifest names; refuses a mix or a dataset without one. */
    static String envOf(List<Path> data) throws IOException {
        String env = null;
        for (Path d : data) {
            Path manifest = d.resolve("manifest.json");
            if (!Files.isRegularFile(manifest)) {
                throw new IllegalArgumentException(
                        d + " has no manifest.json; record episodes with genie4j record");
            }
            JsonNode m = Checkpoints.JSON.readTree(manifest.toFile());
            String id = m.path("env_id").asText("");
            if (id.isEmpty()) {
                throw new IllegalArgumentException(
                        manifest + " names no env_id; record episodes with genie4j record");
            }
            if (env != null && !env.equals(id)) {
                throw new IllegalArgumentException(
                        "the datasets hold episodes of "
                                + env
                                + " and of "
                                + id
                                + "; give one env");
            }
            env = id;
        }
        return env;
    }

    /** The name of each of the env's actions: CoinRun's as Procgen names them, else numbers. */
    static List<String> actionNames(String env) {
        if (env.equals(CoinRunEnv.ID)) {
            return CoinRunEnv.ACTION_NAMES;
        }
        if (Envs.registrations().stream().noneMatch(r -> r.id().equals(env))) {
            throw new IllegalArgumentException(
                    "the episodes are of "
                            + env
                            + ", not an env registered here (imported video records no"
                            + " actions); fit the table on episodes recorded with genie4j record"
                            + " from the game the world imitates");
        }
        try (Env<?, ?> e = Envs.make(env, Map.of())) {
            if (!(e.actionSpace() instanceof Discrete d)) {
                throw new IllegalArgumentException(
                        env + " does not have a discrete action space; a table needs one");
            }
            List<String> names = new ArrayList<>();
            for (int a = 0; a < d.n(); a++) {
                names.add(Integer.toString(a));
            }
            return names;
        }
    }
}
