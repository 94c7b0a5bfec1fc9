package io.genie4j.cli;

import io.genie4j.coinrun.CoinRunEnv;
import io.genie4j.env.Env;
import io.genie4j.env.Json;
import io.genie4j.env.Tensor;
import io.genie4j.env.registry.EnvOption;
import io.genie4j.env.registry.Envs;
import io.genie4j.env.registry.PromptSource;
import io.genie4j.genie.GenieEnv;
import io.genie4j.genie.play.ActionLegend;
import io.genie4j.genie.play.PlaySession;
import io.genie4j.genie.play.PlaySessions;
import io.genie4j.genie.world.WorldModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code genie4j play}: the play page, served locally. */
@Command(
        name = "play",
        mixinStandardHelpOptions = true,
        description = {
            "Play CoinRun or a generated world in your browser: starts a local web server and"
                    + " prints the page's URL (with a random token, needed by every request);"
                    + " opens nothing.",
            "Arrow keys or WASD play CoinRun; keys 0-7 play the world model's latent actions."
                    + " With --env CoinRun-v0 and --model (or --side-by-side), the real game and"
                    + " the world model run side by side, fed the same keys from the same first"
                    + " frame. Each browser tab gets its own envs, freed when the tab closes or"
                    + " after --idle-timeout. Stop the server with Ctrl-C."
        })
final class PlayCommand implements Callable<Integer> {

    @Option(
            names = "--env",
            defaultValue = CoinRunEnv.ID,
            description = "CoinRun-v0 or Genie-v0 (default: ${DEFAULT-VALUE}).")
    String env;

    @Option(
            names = "--model",
            description =
                    "World model directory (default: the shipped model). With CoinRun-v0 it"
                            + " turns on side by side.")
    Path model;

    @Option(
            names = "--side-by-side",
            description = "CoinRun-v0 beside the world model (the shipped one without --model).")
    boolean sideBySide;

    @Option(
            names = "--port",
            defaultValue = "8765",
            description = "Port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(
            names = "--bind",
            defaultValue = "127.0.0.1",
            description =
                    "Address to listen on (default: ${DEFAULT-VALUE}, this machine only; anyone"
                            + " who can reach another address and has the URL can play).")
    String bind;

    @Option(
            names = "--option",
            paramLabel = "NAME=VALUE",
            description =
                    "An env option (CoinRun-v0's or Genie-v0's, such as art=v2 or temperature=0.5),"
                            + " given to the env that declares it; may repeat.")
    Map<String, String> extra = new LinkedHashMap<>();

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Seed of the first episode (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--idle-timeout",
            defaultValue = "600",
            description =
                    "Seconds a tab may send nothing before its session and envs are freed"
                            + " (default: ${DEFAULT-VALUE}).")
    double idleSeconds;

    @Option(
            names = "--max-sessions",
            defaultValue = "4",
            description = "Tabs that may play at once (default: ${DEFAULT-VALUE}).")
    int maxSessions;

    @Option(
            names = "--script",
            paramLabel = "KEYS",
            description =
                    "Play these steps without a server and write them to --out as a GIF: steps"
                            + " separated by commas, each the keys held joined by '+' (left,"
                            + " right, up, down) or 'none', such as right,right,right+up,none.")
    String script;

    @Option(names = "--out", description = "The GIF --script writes.")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (script != null || out != null) {
            return playScript();
        }
        try (PlayServer server = start()) {
            System.out.println(server.url());
            System.out.flush();
            new CountDownLatch(1).await(); // serve until the process is stopped
        }
        return 0;
    }

    /** Checks the options; what makes one tab's session. */
    Supplier<PlaySession> sessions() throws java.io.IOException {
        Checks.atLeast("--port", port, 0);
        Checks.atLeast("--max-sessions", maxSessions, 1);
        Checks.positive("--idle-timeout", idleSeconds);
        Checks.atLeast("--seed", seed, 0);
        if (seed > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "--seed must be <= " + Integer.MAX_VALUE + ", got " + seed);
        }
        boolean game = env.equals(CoinRunEnv.ID);
        if (!game && !env.equals(GenieEnv.ID)) {
            throw new IllegalArgumentException(
                    "--env must be " + CoinRunEnv.ID + " or " + GenieEnv.ID + ", got " + env);
        }
        if (sideBySide && !game) {
            throw new IllegalArgumentException(
                    "--side-by-side puts CoinRun-v0 beside the world model: use --env CoinRun-v0");
        }
        if (model != null && !Files.isRegularFile(model.resolve("model.json"))) {
            throw new IllegalArgumentException(
                    "--model " + model + " is not a world model directory (no model.json)");
        }
        boolean world = !game || sideBySide || model != null;
        // The world's prompts, and the real game beside it, look as its training video did.
        Map<String, Object> modelEnv = world ? modelEnvOptions(model) : Map.of();
        Map<String, Object> gameOptions = new LinkedHashMap<>(modelEnv);
        Map<String, Object> worldOptions = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : extra.entrySet()) {
            if (game && declares(CoinRunEnv.ID, e.getKey())) {
                gameOptions.put(e.getKey(), e.getValue());
            } else if (world && declares(GenieEnv.ID, e.getKey())) {
                worldOptions.put(e.getKey(), e.getValue());
            } else {
                throw new IllegalArgumentException(
                        "--option "
                                + e.getKey()
                                + " is not an option of "
                                + (game && world ? "CoinRun-v0 or Genie-v0" : env)
                                + " (genie4j envs lists them)");
            }
        }
        if (world) {
            if (worldOptions.containsKey("model")) {
                throw new IllegalArgumentException("give the model with --model, not --option");
            }
            worldOptions.put("model", model == null ? "" : model.toString());
        }
        ActionLegend legend = world ? ActionLegend.read(model, CoinRunEnv.ACTION_NAMES) : null;
        PromptSource coinrun = world && !game ? PromptSource.find("coinrun").orElse(null) : null;
        PromptSource prompts = coinrun == null ? null : withOptions(coinrun, modelEnv);
        PlaySession.Limits limits = PlaySession.Limits.defaults();
        return () ->
                new PlaySession(
                        new PlaySession.Setup(
                                game ? make(CoinRunEnv.ID, gameOptions) : null,
                                world ? make(GenieEnv.ID, worldOptions) : null,
                                CoinRunEnv::action,
                                legend,
                                prompts,
                                limits));
    }

    /** The env options the model's {@code model.json} records (the shipped model if null). */
    static Map<String, Object> modelEnvOptions(Path model) throws java.io.IOException {
        com.fasterxml.jackson.databind.ObjectMapper mapper =
                new com.fasterxml.jackson.databind.ObjectMapper();
        if (model != null) {
            return WorldModel.envOptions(mapper.readTree(model.resolve("model.json").toFile()));
        }
        try (java.io.InputStream in =
                WorldModel.class.getResourceAsStream(WorldModel.DEFAULT_RESOURCE + "model.json")) {
            return in == null ? Map.of() : WorldModel.envOptions(mapper.readTree(in));
        }
    }

    /** A prompt source that always draws with {@code options}. */
    private static PromptSource withOptions(PromptSource source, Map<String, Object> options) {
        return new PromptSource() {
            @Override
            public String name() {
                return source.name();
            }

            @Override
            public String description() {
                return source.description();
            }

            @Override
            public Tensor frame(long seed, int size) {
                return source.frame(seed, size, options);
            }
        };
    }

    /** Checks the options and starts the server. */
    PlayServer start() throws java.io.IOException {
        Supplier<PlaySession> factory = sessions();
        // Makes and closes the envs once, so a bad option stops here rather than in a tab.
        factory.get().close();
        Duration idle = Duration.ofMillis(Math.round(idleSeconds * 1000));
        PlaySessions sessions = new PlaySessions(factory, idle, maxSessions, System::nanoTime);
        try {
            return PlayServer.start(
                    bind,
                    port,
                    sessions,
                    idle,
                    seed,
                    PlaySession.Limits.defaults().maxUploadBytes());
        } catch (io.javalin.util.JavalinBindException e) {
            sessions.close();
            throw new IllegalArgumentException(
                    "cannot listen on "
                            + bind
                            + ":"
                            + port
                            + " (in use?); choose another --port, or 0 for any free one",
                    e);
        }
    }

    /** Plays --script in one session, without a server, and writes its GIF to --out. */
    private int playScript() throws java.io.IOException {
        if (script == null || out == null) {
            throw new IllegalArgumentException("--script and --out go together");
        }
        Checks.videoFile("--out", out);
        if (!out.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".gif")) {
            throw new IllegalArgumentException("--out must be a .gif file, got " + out);
        }
        List<List<String>> steps = new ArrayList<>();
        for (String step : script.split(",", -1)) {
            String t = step.trim();
            List<String> keys = new ArrayList<>();
            if (!t.equals("none")) {
                for (String k : t.split("\\+", -1)) {
                    if (!List.of("left", "right", "up", "down").contains(k)) {
                        throw new IllegalArgumentException(
                                "--script step '"
                                        + step
                                        + "': keys are left, right, up and down joined by '+',"
                                        + " or 'none'");
                    }
                    keys.add(k);
                }
            }
            steps.add(keys);
        }
        long t0 = System.nanoTime();
        byte[] gif = null;
        try (PlaySession session = sessions().get()) {
            session.text("{\"op\":\"reset\",\"seed\":" + seed + "}");
            session.text("{\"op\":\"record\",\"on\":true}");
            for (List<String> keys : steps) {
                session.text(Json.write(Map.of("op", "step", "keys", keys)));
            }
            for (PlaySession.Out o : session.text("{\"op\":\"gif\"}")) {
                if (o.binary() != null && o.binary().length > 0 && o.binary()[0] == 'G') {
                    gif = java.util.Arrays.copyOfRange(o.binary(), 1, o.binary().length);
                } else if (o.text() != null && o.text().contains("\"error\"")) {
                    throw new IllegalStateException(o.text());
                }
            }
        }
        if (gif == null) {
            throw new IllegalStateException("the play session sent no GIF");
        }
        byte[] bytes = gif;
        io.genie4j.env.AtomicFiles.write(out, o -> o.write(bytes));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("out", out.toAbsolutePath().toString());
        r.put("steps", steps.size());
        r.put("seconds", Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
        System.out.println(Json.write(r));
        return 0;
    }

    private static boolean declares(String id, String option) {
        return Envs.registration(id).options().stream()
                .map(EnvOption::name)
                .anyMatch(option::equals);
    }

    @SuppressWarnings("unchecked")
    private static Env<Tensor, Integer> make(String id, Map<String, Object> options) {
        return (Env<Tensor, Integer>) Envs.make(id, options);
    }
}
