package io.genie4j.genie.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.env.Tensor;
import io.genie4j.env.episodes.EpisodeDataset;
import io.genie4j.env.episodes.EpisodeWriter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoDatasetTest {

    @TempDir Path tmp;

    /** Episode e's frame t is filled with the value 10e + t, so every clip can be traced. */
    private void write(int episodes, int frames) throws Exception {
        try (EpisodeDataset ds = EpisodeDataset.openOrCreate(tmp, "t", Map.of())) {
            for (int e = 0; e < episodes; e++) {
                try (EpisodeWriter w = ds.newEpisode("ep" + e + ".npz", e, Map.of())) {
                    for (int t = 0; t < frames; t++) {
                        byte[] f = new byte[4 * 4 * 3];
                        java.util.Arrays.fill(f, (byte) (10 * e + t));
                        Tensor tt = Tensor.uint8(f, 4, 4, 3);
                        if (t == 0) {
                            w.reset(tt);
                        } else {
                            w.step(0, tt, 0, false, false);
                        }
                    }
                    w.finish();
                }
            }
        }
    }

    @Test
    void theEnvOptionsOfTheManifestTravelIntoARunsModelJson() throws Exception {
        try (EpisodeDataset ds =
                EpisodeDataset.openOrCreate(
                        tmp, "t", Map.of("options", Map.of("art", "v2", "level", 3)))) {
            try (EpisodeWriter w = ds.newEpisode("ep0.npz", 0, Map.of())) {
                w.reset(Tensor.uint8(new byte[4 * 4 * 3], 4, 4, 3));
                w.step(0, Tensor.uint8(new byte[4 * 4 * 3], 4, 4, 3), 10, true, false);
                w.finish();
            }
        }
        VideoDataset d = VideoDataset.load(tmp, 4, 0, 0);
        assertEquals("v2", d.envOptions().get("art"));
        assertEquals(3, ((Number) d.envOptions().get("level")).intValue());
        Clip.Source e = d.train().get(0);
        assertEquals(10f, e.reward(0));
        assertTrue(e.terminal(0));
        var json = runJson(d);
        assertEquals(
                Map.of("art", "v2", "level", 3L),
                io.genie4j.genie.world.WorldModel.envOptions(json));
    }

    @Test
    void splitIsByEpisodeAndClipsAreConsecutiveFramesOfOneEpisode() throws Exception {
        write(20, 8);
        VideoDataset ds = VideoDataset.load(tmp, 4, 0.3, 0);
        assertEquals(20, ds.train().size() + ds.validation().size());
        assertTrue(!ds.validation().isEmpty() && ds.validation().size() < 15);
        Set<String> names = new HashSet<>();
        ds.train().forEach(s -> names.add(s.name()));
        ds.validation().forEach(s -> assertTrue(names.add(s.name()), "episode in both splits"));
        // Reloading gives the same split.
        VideoDataset again = VideoDataset.load(tmp, 4, 0.3, 0);
        assertEquals(
                ds.validation().stream().map(Clip.Source::name).toList(),
                again.validation().stream().map(Clip.Source::name).toList());

        byte[] out = new byte[3 * 48];
        java.util.Random rng = new java.util.Random(1);
        for (int i = 0; i < 50; i++) {
            VideoDataset.sampleClip(ds.train(), 3, 2, rng, out, 0);
            int first = out[0];
            assertEquals(first + 2, out[48]);
            assertEquals(first + 4, out[96]);
            assertTrue(
                    first % 10 <= 3, "clip runs past its episode: starts at frame " + first % 10);
        }
        assertEquals(2 * ds.validation().size(), VideoDataset.clips(ds.validation(), 4, 0).size());
    }

    @Test
    void aCapOnEpisodesLoadsTheFirstByNameAndRecordsHowManyThereWere() throws Exception {
        write(12, 3);
        VideoDataset capped = VideoDataset.load(tmp, 4, 0, 5);
        assertEquals(5, capped.train().size());
        assertEquals(12, capped.available());
        assertEquals(
                List.of("ep0.npz", "ep1.npz", "ep10.npz", "ep11.npz", "ep2.npz"),
                capped.train().stream().map(Clip.Source::name).toList());
        var json = runJson(capped);
        assertEquals(12, json.path("data").path("episodes_available").asInt());
        assertEquals(5, json.path("data").path("train_episodes").asInt());
        assertEquals(12, VideoDataset.load(tmp, 4, 0, 0).train().size());
    }

    @Test
    void spreadClipsVisitEveryEpisodeAndEveryPartOfIt() throws Exception {
        write(6, 40);
        VideoDataset ds = VideoDataset.load(tmp, 4, 0.0, 0);
        // 6 episodes of 40 frames hold 10 clips of 4 each; 13 clips: 3, 2, 2, 2, 2, 2.
        List<Clip> clips = VideoDataset.spreadClips(ds.train(), 4, 13);
        assertEquals(13, clips.size());
        Map<Clip.Source, List<Integer>> starts = new java.util.IdentityHashMap<>();
        for (Clip c : clips) {
            starts.computeIfAbsent(c.source(), x -> new java.util.ArrayList<>()).add(c.start());
        }
        assertEquals(6, starts.size(), "every episode gives clips");
        for (List<Integer> st : starts.values()) {
            assertTrue(st.size() == 2 || st.size() == 3, st.toString());
            for (int i = 1; i < st.size(); i++) {
                assertTrue(st.get(i) >= st.get(i - 1) + 4, "clips overlap: " + st);
            }
            assertTrue(st.get(st.size() - 1) >= 20, "clips reach the second half: " + st);
            assertTrue(st.get(st.size() - 1) + 4 <= 40);
        }
        // Asking for more than there are gives them all.
        assertEquals(60, VideoDataset.spreadClips(ds.train(), 4, 100).size());
    }

    @Test
    void batchesDependOnlyOnSeedAndIndex() throws Exception {
        write(5, 10);
        VideoDataset ds = VideoDataset.load(tmp, 4, 0.0, 0);
        byte[] third;
        try (BatchLoader l = new BatchLoader(ds.train(), 2, 3, 1, 42, 0)) {
            l.next();
            l.next();
            third = l.next();
        }
        try (BatchLoader l = new BatchLoader(ds.train(), 2, 3, 1, 42, 2)) {
            assertArrayEquals(third, l.next());
        }
    }

    /** A new world run's model.json for {@code dataset}, as {@code train world} starts one. */
    private static com.fasterxml.jackson.databind.node.ObjectNode runJson(VideoDataset dataset) {
        return io.genie4j.genie.train.Checkpoints.newRunJson(
                "world",
                Map.of(),
                io.genie4j.genie.train.TrainConfig.worldDefaults(),
                0,
                0,
                0,
                dataset);
    }
}
