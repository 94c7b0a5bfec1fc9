package io.genie4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.env.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class Genie4jCommandTest {
    private record Result(int exit, String out, String err) {}

    private static Result run(String... args) {
        CommandLine cl = Genie4jCommand.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void envsJsonListsCorridorWithItsSpacesAndOptions() {
        Result r = run("envs", "--json");
        assertEquals(0, r.exit(), r.err());
        List<?> rows = (List<?>) Json.parse(r.out().trim());
        Map<?, ?> corridor =
                rows.stream()
                        .map(Map.class::cast)
                        .filter(m -> "Corridor-v0".equals(m.get("id")))
                        .findFirst()
                        .orElseThrow();
        assertEquals(
                Map.of("type", "Discrete", "n", 3L, "start", 0L), corridor.get("action_space"));
        Map<?, ?> obs = (Map<?, ?>) corridor.get("observation_space");
        assertEquals(List.of(64L, 64L, 3L), obs.get("shape"));
        assertEquals("uint8", obs.get("dtype"));
        Map<?, ?> spec = (Map<?, ?>) corridor.get("spec");
        assertEquals(100L, spec.get("max_episode_steps"));
        assertEquals("NextStep", spec.get("autoreset_mode"));
        Map<?, ?> option = (Map<?, ?>) ((List<?>) corridor.get("options")).get(0);
        assertEquals("length", option.get("name"));
        assertEquals(8L, option.get("default"));
    }

    @Test
    void envsTableHasAHeaderAndARowPerEnv() {
        Result r = run("envs");
        assertEquals(0, r.exit());
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].startsWith("ID"), lines[0]);
        assertTrue(r.out().contains("Corridor-v0"));
        assertTrue(r.out().contains("Discrete(3)"));
    }

    @Test
    void versionNamesTheProjectVersion() {
        Result r = run("--version");
        assertEquals(0, r.exit());
        assertTrue(r.out().matches("(?s)genie4j \\d+\\.\\d+\\.\\d+.*"), r.out());
    }

    @Test
    void helpListsTheSubcommands() {
        Result r = run("--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("envs"));
    }

    @Test
    void coinrunLevelPrintsOneJsonLinePerSeed() {
        Result r = run("coinrun", "level", "--seeds", "3..5", "--mode", "hard");
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().trim().split("\n");
        assertEquals(3, lines.length);
        for (int i = 0; i < 3; i++) {
            Map<?, ?> level = (Map<?, ?>) Json.parse(lines[i]);
            assertEquals((long) (3 + i), level.get("seed"));
            assertEquals("hard", level.get("mode"));
            assertEquals(64, ((List<?>) level.get("grid")).size());
        }
        Result bad = run("coinrun", "level", "--seeds", "9..2");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("--seeds 9..2 is invalid"), bad.err());
    }

    @Test
    void unknownSubcommandFailsWithUsageError() {
        Result r = run("frobnicate");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("frobnicate"), r.err());
    }
}
