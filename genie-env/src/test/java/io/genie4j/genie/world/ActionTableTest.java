package io.genie4j.genie.world;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.env.Tensor;
import io.genie4j.env.episodes.EpisodeDataset;
import io.genie4j.env.episodes.EpisodeWriter;
import io.genie4j.genie.TinyVideo;
import io.genie4j.genie.TinyWorld;
import io.genie4j.genie.data.VideoDataset;
import io.genie4j.genie.train.Checkpoints;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActionTableTest {

    @TempDir Path tmp;

    /** A hand-made labelled set: four real actions (two both named NOOP) over three codes. */
    private static final List<String> NAMES = List.of("LEFT", "NOOP", "RIGHT", "NOOP");

    private static final long[][] COUNTS = {
        {70, 20, 10}, // LEFT: mostly code 0
        {5, 30, 5}, // NOOP (first key)
        {10, 10, 80}, // RIGHT: mostly code 2
        {40, 0, 0} // NOOP (second key): pooled with the first, NOOP has 45, 30 and 5
    };

    @Test
    void eachNameMapsToTheCodeMostOftenInferredOnItsPooledTransitions() {
        ActionTable t = ActionTable.fit("Game-v0", NAMES, COUNTS);
        // NOOP pooled over both keys: code 0 has 45, code 1 has 30, code 2 has 5.
        assertArrayEquals(new int[] {0, 0, 2, 0}, t.codeOf());
        assertEquals(0, t.code(1));
        assertEquals(t.code(1), t.code(3), "keys with one name play as one code");
        assertEquals(0.7, t.share(0), 1e-12);
        assertEquals(45.0 / 80, t.share(3), 1e-12);
        assertEquals(280, t.transitions());
        assertTrue(
                t.mutualInformationBits() > 0.2,
                "codes say something: " + t.mutualInformationBits());
        assertThrows(IllegalArgumentException.class, () -> t.code(4));
    }

    @Test
    void thePlayPagesLegendPlaysEachActionAsTheTableDoes() {
        ActionTable t = ActionTable.fit("Game-v0", NAMES, COUNTS);
        io.genie4j.genie.play.ActionLegend legend = io.genie4j.genie.play.ActionLegend.of(t);
        assertEquals(3, legend.codes());
        for (int a = 0; a < NAMES.size(); a++) {
            assertEquals(t.code(a), legend.codeFor(a));
        }
        assertTrue(legend.label(2).startsWith("RIGHT"), legend.label(2));
    }

    @Test
    void aNameWithoutTransitionsIsRefusedByName() {
        long[][] counts = {{1, 0}, {0, 0}};
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> ActionTable.fit("Game-v0", List.of("LEFT", "JUMP"), counts));
        assertTrue(e.getMessage().contains("JUMP"), e.getMessage());
    }

    @Test
    void savedTablesLoadAsTheyWere() throws Exception {
        ActionTable t = ActionTable.fit("Game-v0", NAMES, COUNTS);
        t.save(tmp);
        ActionTable back = ActionTable.load(Checkpoints.Source.of(tmp));
        assertEquals(t.env(), back.env());
        assertEquals(t.names(), back.names());
        assertArrayEquals(t.codeOf(), back.codeOf());
        for (int a = 0; a < COUNTS.length; a++) {
            assertArrayEquals(COUNTS[a], back.counts()[a]);
        }
        assertNull(ActionTable.load(Checkpoints.Source.of(tmp.resolve("none"))));
    }

    @Test
    void aTableWithAnUnknownCodeIsRefusedWhenRead() throws Exception {
        var json = ActionTable.fit("Game-v0", NAMES, COUNTS).toJson();
        ((com.fasterxml.jackson.databind.node.ObjectNode) json.path("actions").get(0))
                .put("code", 7);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ActionTable.of(json, "t.json"));
        assertTrue(e.getMessage().startsWith("t.json"), e.getMessage());
    }

    @Test
    void countsTheLamsCodesOnRecordedActions() throws Exception {
        Path run = TinyWorld.world(tmp, 2);
        Path data = tmp.resolve("labelled");
        try (EpisodeDataset ds = EpisodeDataset.openOrCreate(data, "Game-v0", Map.of())) {
            for (int e = 0; e < 3; e++) {
                try (EpisodeWriter w = ds.newEpisode("ep" + e + ".npz", e, Map.of())) {
                    w.reset(Tensor.uint8(TinyVideo.frame(16, e, 0), 16, 16, 3));
                    for (int t = 1; t < 40; t++) {
                        byte[] f = TinyVideo.frame(16, e, t);
                        w.step(t % 3, Tensor.uint8(f, 16, 16, 3), 0, false, false);
                    }
                    w.finish();
                }
            }
        }
        try (WorldModel m = WorldModel.load(run)) {
            var episodes = VideoDataset.load(data, 16, 0, 0).train();
            long[][] counts = ActionTable.count(m, episodes, 3, 50, 4);
            assertEquals(3, counts.length);
            assertEquals(m.config().actions(), counts[0].length);
            assertEquals(50, Arrays.stream(counts).flatMapToLong(Arrays::stream).sum());
            for (long[] row : counts) {
                assertTrue(Arrays.stream(row).sum() > 0, "every action was counted");
            }
            assertThrows(
                    IllegalArgumentException.class, () -> ActionTable.count(m, episodes, 2, 50, 4));
        }
    }
}
