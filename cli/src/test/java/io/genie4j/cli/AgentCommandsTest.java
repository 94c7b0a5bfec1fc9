package io.genie4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.env.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train agent} and {@code eval agent} run end to end on a tiny budget, as CleanRL's tests.
 */
class AgentCommandsTest {
    @TempDir Path tmp;

    private Path tinyConfig() throws Exception {
        Path f = tmp.resolve("ppo.json");
        Files.writeString(
                f,
                "{\"rollout_steps\": 16, \"minibatches\": 2, \"epochs\": 1, \"channels\": [16],"
                        + " \"hidden\": 16, \"downsample\": 4, \"checkpoint_every\": 1}");
        return f;
    }

    private static Map<String, Object> lastJson(CliEdgesTest.Result r) {
        List<String> lines = r.out().strip().lines().toList();
        return Json.parseObject(lines.get(lines.size() - 1));
    }

    @Test
    void trainsResumesAndEvaluatesAnAgent() throws Exception {
        Path run = tmp.resolve("run");
        String config = tinyConfig().toString();
        CliEdgesTest.Result r =
                CliEdgesTest.run(
                        "train",
                        "agent",
                        "--env",
                        "Corridor-v0",
                        "--option",
                        "length=4",
                        "--num-envs",
                        "4",
                        "--steps",
                        "128",
                        "--out",
                        run.toString(),
                        "--config",
                        config);
        assertEquals(0, r.exit(), r.allErr());
        Map<String, Object> json = lastJson(r);
        assertEquals(2L, json.get("updates"));
        assertEquals(128L, json.get("steps"));
        assertEquals(true, json.get("finished"));
        assertTrue(r.systemErr().contains("train agent"), "progress bar: " + r.systemErr());
        for (String f :
                List.of(
                        "run.json",
                        "policy.bin",
                        "actor_critic.bin",
                        "optimizer.bin",
                        "train.csv")) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f);
        }

        r =
                CliEdgesTest.run(
                        "train", "agent", "--out", run.toString(), "--resume", "--steps", "192");
        assertEquals(0, r.exit(), r.allErr());
        assertEquals(3L, lastJson(r).get("updates"));
        assertEquals(4, Files.readAllLines(run.resolve("train.csv")).size());

        r =
                CliEdgesTest.run(
                        "eval",
                        "agent",
                        "--policy",
                        run.toString(),
                        "--env",
                        "Corridor-v0",
                        "--option",
                        "length=4",
                        "--episodes",
                        "12",
                        "--num-envs",
                        "4");
        assertEquals(0, r.exit(), r.allErr());
        json = lastJson(r);
        assertEquals(12L, json.get("episodes"));
        double rate = ((Number) json.get("success_rate")).doubleValue();
        List<?> ci = (List<?>) json.get("success_ci95");
        assertTrue(
                ((Number) ci.get(0)).doubleValue() <= rate
                        && rate <= ((Number) ci.get(1)).doubleValue());
        assertTrue(
                json.containsKey("return_ci95") && json.containsKey("steps_per_s"),
                json.toString());
    }

    @Test
    void refusesBadInput() throws Exception {
        Path run = tmp.resolve("run");
        CliEdgesTest.Result r =
                CliEdgesTest.run("train", "agent", "--out", run.toString(), "--steps", "10");
        assertRefused(r, "a new run needs --env and --steps");

        r = CliEdgesTest.run("train", "agent", "--out", run.toString(), "--resume");
        assertRefused(r, "holds no PPO run");

        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"lr\": 0.1}");
        r =
                CliEdgesTest.run(
                        "train",
                        "agent",
                        "--env",
                        "Corridor-v0",
                        "--steps",
                        "10",
                        "--out",
                        run.toString(),
                        "--config",
                        bad.toString());
        assertRefused(r, "unknown PPO setting 'lr'");

        r =
                CliEdgesTest.run(
                        "train",
                        "agent",
                        "--env",
                        "Corridor-v0",
                        "--steps",
                        "10",
                        "--out",
                        run.toString(),
                        "--option",
                        "lenght=4");
        assertRefused(r, "unknown option 'lenght' for Corridor-v0");
        assertFalse(Files.exists(run.resolve("run.json")));

        r = CliEdgesTest.run("eval", "agent", "--policy", run.toString(), "--env", "Corridor-v0");
        assertRefused(r, "no policy at");

        // A Corridor policy (3 actions) cannot play CoinRun (15)
        r =
                CliEdgesTest.run(
                        "train",
                        "agent",
                        "--env",
                        "Corridor-v0",
                        "--num-envs",
                        "2",
                        "--steps",
                        "32",
                        "--out",
                        run.toString(),
                        "--config",
                        tinyConfig().toString());
        assertEquals(0, r.exit(), r.allErr());
        r =
                CliEdgesTest.run(
                        "eval",
                        "agent",
                        "--policy",
                        run.toString(),
                        "--env",
                        "CoinRun-v0",
                        "--levels",
                        "0..9",
                        "--episodes",
                        "1");
        assertRefused(r, "the policy has 3 actions; CoinRun-v0 has Discrete(15)");

        r =
                CliEdgesTest.run(
                        "eval",
                        "agent",
                        "--policy",
                        run.toString(),
                        "--env",
                        "Corridor-v0",
                        "--levels",
                        "0..9");
        assertRefused(r, "--levels sets the env's start_level, and Corridor-v0 has none");

        r =
                CliEdgesTest.run(
                        "eval",
                        "agent",
                        "--policy",
                        run.toString(),
                        "--env",
                        "CoinRun-v0",
                        "--levels",
                        "9..0");
        assertRefused(r, "--levels 9..0 is invalid");
    }

    private static void assertRefused(CliEdgesTest.Result r, String part) {
        assertEquals(2, r.exit(), r.allErr());
        assertTrue(r.err().contains(part), "'" + part + "' in: " + r.err());
        assertFalse(r.allErr().contains("\tat "), "no stack trace: " + r.allErr());
    }
}
