package io.genie4j.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@code bench protocol}'s figures, at a size that runs in about a second. */
class ProtocolBenchmarkTest {

    @Test
    void reportsEveryPathAndTheMachinesCrossCoreCopyAndLeavesNoFile() throws Exception {
        Map<String, Object> out = ProtocolBenchmark.run(List.of("Noop-v0"), new int[] {4}, 0.05);
        List<?> rows = (List<?>) out.get("throughput");
        assertEquals(1, rows.size());
        Map<?, ?> row = (Map<?, ?>) rows.get(0);
        for (String key :
                List.of(
                        "in_process_steps_per_s",
                        "loopback_steps_per_s",
                        "shared_memory_steps_per_s")) {
            assertTrue(((Number) row.get(key)).doubleValue() > 0, key + " in " + row);
        }
        Map<?, ?> copy = (Map<?, ?>) out.get("cross_core_copy");
        assertFalse(copy.containsKey("error"), copy.toString());
        // Four Noop-v0 frames of 64x64x3 bytes: the largest batch's observations.
        assertEquals(4 * 64 * 64 * 3, copy.get("bytes"));
        for (String key :
                List.of("write_us", "read_us", "one_thread_write_us", "one_thread_read_us")) {
            double us = ((Number) copy.get(key)).doubleValue();
            assertTrue(us >= 0 && us < 1e6, key + " = " + us);
        }
        try (Stream<java.nio.file.Path> files = Files.list(SharedMemory.directory())) {
            assertTrue(
                    files.noneMatch(f -> f.getFileName().toString().startsWith("genie4j-bench-")),
                    "the benchmark left its copy file behind");
        }
    }
}
