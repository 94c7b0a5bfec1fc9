package io.genie4j.genie.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.genie.TinyVideo;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptVideoTest {

    @TempDir Path tmp;

    @Test
    void seedsDrawEveryFrameButEachEpisodesLastAndTheSameSeedTheSameFrame() throws Exception {
        Path dir = tmp.resolve("video");
        TinyVideo.write(dir, 16, 3, 5);
        Map<String, String> name = new HashMap<>();
        for (int e = 0; e < 3; e++) {
            for (int t = 0; t < 5; t++) {
                name.putIfAbsent(
                        new String(
                                TinyVideo.frame(16, e, t),
                                java.nio.charset.StandardCharsets.ISO_8859_1),
                        e + "/" + t);
            }
        }
        PromptVideo v = PromptVideo.load(dir, 16);
        assertEquals(12, v.frames());
        assertSame(v, PromptVideo.load(dir, 16), "loaded once per directory");
        Set<String> drawn = new HashSet<>();
        for (long seed = 0; seed < 400; seed++) {
            byte[] f = v.frame(seed).toByteArray();
            assertArrayEquals(f, v.frame(seed).toByteArray());
            String which = name.get(new String(f, java.nio.charset.StandardCharsets.ISO_8859_1));
            assertTrue(which != null && !which.endsWith("/4"), "seed " + seed + " drew " + which);
            drawn.add(which);
        }
        assertEquals(12, drawn.size(), drawn.toString());
    }

    @Test
    void aDirectoryOfOtherFramesOrNoneIsRefusedByName() throws Exception {
        Path dir = tmp.resolve("video");
        TinyVideo.write(dir, 16, 1, 3);
        IllegalArgumentException size =
                assertThrows(IllegalArgumentException.class, () -> PromptVideo.load(dir, 32));
        assertTrue(size.getMessage().contains("expected uint8 [T, 32, 32, 3]"), size.getMessage());
        IllegalArgumentException none =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> PromptVideo.load(tmp.resolve("nothing"), 16));
        assertTrue(none.getMessage().contains("not a directory"), none.getMessage());
    }
}
