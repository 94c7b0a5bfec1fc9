package io.genie4j.env.wrappers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.genie4j.env.Env;
import io.genie4j.env.Step;
import io.genie4j.env.Tensor;
import io.genie4j.env.episodes.Episode;
import io.genie4j.env.episodes.EpisodeDataset;
import io.genie4j.env.episodes.EpisodeReader;
import io.genie4j.env.registry.Envs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordEpisodesTest {

    @Test
    @SuppressWarnings("unchecked")
    void everyEpisodeIsWrittenAsTheEnvReturnedIt(@TempDir Path dir) throws Exception {
        List<Tensor> seen = new ArrayList<>();
        List<Integer> actions = new ArrayList<>();
        try (EpisodeDataset ds = EpisodeDataset.openOrCreate(dir, "Corridor-v0", Map.of())) {
            Env<Tensor, Integer> base =
                    (Env<Tensor, Integer>) Envs.make("Corridor-v0", Map.of("length", 4));
            try (RecordEpisodes<Integer> env =
                    new RecordEpisodes<>(base, ds, "episode", Map.of("policy", "right"))) {
                seen.add(env.reset(3L, Map.of()).observation());
                Step<Tensor> s;
                do {
                    s = env.step(2);
                    actions.add(2);
                    seen.add(s.observation());
                } while (!s.done());
                env.reset(4L, Map.of());
                env.step(0); // second episode cut short by close()
                assertEquals(1, env.episodesWritten());
            }
            assertEquals(2, ds.episodes().size());
        }
        Episode first = EpisodeReader.readEpisode(dir.resolve("episode_000000.npz"));
        assertEquals(3, first.seed());
        assertEquals(Tensor.stack(seen), first.frames());
        assertEquals(actions.size(), first.length());
        assertEquals(1.0f, first.rewards()[first.length() - 1]);
        assertEquals(true, first.endedTerminated());
        assertEquals(true, first.metadata().get("complete"));
        assertEquals("right", first.metadata().get("policy"));
        Episode second = EpisodeReader.readEpisode(dir.resolve("episode_000001.npz"));
        assertEquals(2, second.frameCount());
        assertEquals(false, second.metadata().get("complete"));
    }
}
