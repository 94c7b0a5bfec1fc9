package io.genie4j.genie.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainLogTest {
    @TempDir Path tmp;

    @Test
    void aLogWithoutTheChangedAccuracyColumnResumesWithItsRowsKept() throws Exception {
        Path dir = tmp;
        Files.writeString(
                dir.resolve("train.csv"), "step,loss,grad_norm\n10,2.5,1\n20,2.0,1\n30,1.5,1\n");
        TrainLog log =
                new TrainLog(
                        dir, new String[] {"step", "loss", "changed_accuracy", "grad_norm"}, 20);
        List<double[]> rows = log.rows();
        assertEquals(2, rows.size());
        assertEquals(2.0, rows.get(1)[1]);
        assertTrue(Double.isNaN(rows.get(1)[2]));
        assertEquals(1.0, rows.get(1)[3]);
        log.add(30, 1.4, 0.2, 1);
        log.flush(1);
        List<String> csv = Files.readAllLines(dir.resolve("train.csv"));
        assertEquals("step,loss,changed_accuracy,grad_norm", csv.get(0));
        assertEquals(4, csv.size(), csv.toString());
    }
}
