package io.genie4j.cli;

import io.genie4j.coinrun.CoinRunLevel;
import io.genie4j.coinrun.CoinRunPolicyEval;
import io.genie4j.coinrun.CoinRunTrace;
import io.genie4j.env.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code genie4j coinrun}: inspection commands for comparing with Procgen, and policy evaluation.
 */
@Command(
        name = "coinrun",
        mixinStandardHelpOptions = true,
        description =
                "CoinRun levels and traces as JSON (to compare with OpenAI Procgen), and policy"
                        + " evaluation.",
        subcommands = {
            CoinRunCommand.Level.class,
            CoinRunCommand.Trace.class,
            CoinRunCommand.Eval.class
        })
final class CoinRunCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** Procgen's distribution modes; picocli rejects any other value, naming these. */
    enum Mode {
        easy,
        hard
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code genie4j coinrun level}. */
    @Command(
            name = "level",
            mixinStandardHelpOptions = true,
            description = {
                "Print each level's layout as one JSON line.",
                "{\"seed\",\"mode\",\"grid\":[64 rows, top first],\"agent\":[x,y],"
                        + "\"entities\":[[type,x,y,vx,vy],...]}. Cells: . empty, # wall, ^ wall"
                        + " top, L lava, l lava top, G coin, B enemy barrier; x right, y up, in"
                        + " cells."
            })
    static final class Level implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--seeds",
                required = true,
                paramLabel = "A..B",
                description = "Level seeds: one seed N or an inclusive range A..B, all >= 0.")
        String seeds;

        @Option(
                names = "--mode",
                defaultValue = "easy",
                description = "easy or hard (default: ${DEFAULT-VALUE}).")
        Mode mode;

        @Override
        public Integer call() {
            long[] range = parseRange(seeds);
            PrintWriter out = spec.commandLine().getOut();
            for (long s = range[0]; s <= range[1]; s++) {
                out.println(Json.write(CoinRunLevel.generate((int) s, mode == Mode.hard).toJson()));
            }
            out.flush();
            return 0;
        }

        static long[] parseRange(String text) {
            String[] parts = text.split("\\.\\.", -1);
            try {
                long a = Long.parseLong(parts[0].trim());
                long b = parts.length == 2 ? Long.parseLong(parts[1].trim()) : a;
                if (parts.length > 2 || b > Integer.MAX_VALUE || b < a) {
                    throw new NumberFormatException();
                }
                if (a < 0) {
                    throw new IllegalArgumentException(
                            "--seeds " + text + " is invalid: level seeds must be >= 0, got " + a);
                }
                return new long[] {a, b};
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "--seeds "
                                + text
                                + " is invalid: expected N or A..B with 0 <= A <= B <= "
                                + Integer.MAX_VALUE);
            }
        }
    }

    /** {@code genie4j coinrun trace}. */
    @Command(
            name = "trace",
            mixinStandardHelpOptions = true,
            description = {
                "Play action lists read on standard input and print the agent's trace of each.",
                "Reads JSON lines {\"seed\":S,\"actions\":[...]}; for each, plays the actions from"
                        + " the level's reset and prints {\"seed\",\"trace\":[[t,x,y,vx,vy],...],"
                        + "\"steps\",\"reward_total\",\"level_complete\",\"died\",\"timed_out\"}."
            })
    static final class Trace implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--mode",
                defaultValue = "easy",
                description = "easy or hard (default: ${DEFAULT-VALUE}).")
        Mode mode;

        @Override
        public Integer call() throws java.io.IOException {
            PrintWriter out = spec.commandLine().getOut();
            java.io.BufferedReader in =
                    new java.io.BufferedReader(
                            new java.io.InputStreamReader(
                                    System.in, java.nio.charset.StandardCharsets.UTF_8));
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                java.util.Map<String, Object> req;
                try {
                    req = Json.parseObject(line);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("line " + lineNo + ": " + e.getMessage());
                }
                if (!(req.get("seed") instanceof Long seed)
                        || !(req.get("actions") instanceof java.util.List<?> acts)) {
                    throw new IllegalArgumentException(
                            "line "
                                    + lineNo
                                    + ": expected {\"seed\": int, \"actions\": [int, ...]}");
                }
                java.util.List<Integer> actions = new java.util.ArrayList<>();
                for (Object a : acts) {
                    if (!(a instanceof Long l)) {
                        throw new IllegalArgumentException(
                                "line " + lineNo + ": action " + a + " is not an integer");
                    }
                    actions.add(l.intValue());
                }
                out.println(
                        Json.write(CoinRunTrace.play(seed.intValue(), mode == Mode.hard, actions)));
                out.flush();
            }
            return 0;
        }
    }

    /** {@code genie4j coinrun eval}. */
    @Command(
            name = "eval",
            mixinStandardHelpOptions = true,
            description =
                    "Success rate (coin within 1000 steps) of the expert or of uniform random play,"
                            + " as JSON.")
    static final class Eval implements Callable<Integer> {
        @Option(
                names = "--policy",
                defaultValue = "expert",
                description = "expert or random (default: ${DEFAULT-VALUE}).")
        String policy;

        @Option(
                names = "--mode",
                defaultValue = "easy",
                description = "easy or hard (default: ${DEFAULT-VALUE}).")
        Mode mode;

        @Option(
                names = "--seeds",
                defaultValue = "100000..100199",
                description =
                        "Level seeds N or A..B (default: ${DEFAULT-VALUE}, disjoint from recorded"
                                + " data).")
        String seeds;

        @Override
        public Integer call() {
            long[] range = Level.parseRange(seeds);
            System.out.println(
                    Json.write(
                            CoinRunPolicyEval.run(
                                    policy, mode == Mode.hard, (int) range[0], (int) range[1])));
            return 0;
        }
    }
}
