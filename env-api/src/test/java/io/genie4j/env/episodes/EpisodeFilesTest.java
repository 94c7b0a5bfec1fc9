package io.genie4j.env.episodes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.env.DType;
import io.genie4j.env.Json;
import io.genie4j.env.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EpisodeFilesTest {
    @TempDir Path dir;

    private static Tensor frame(int value) {
        byte[] px = new byte[4 * 5 * 3];
        java.util.Arrays.fill(px, (byte) value);
        return Tensor.uint8(px, 4, 5, 3);
    }

    /** Writes an episode of {@code steps} transitions; frame t is filled with t. */
    static Episode.Summary writeEpisode(EpisodeWriter w, int steps) throws IOException {
        w.reset(frame(0));
        for (int t = 1; t <= steps; t++) {
            w.step(t % 3, frame(t), t * 0.5, t == steps, false);
        }
        return w.finish();
    }

    @Test
    void writerAndReaderRoundTrip() throws IOException {
        Path f = dir.resolve("ep.npz");
        Episode.Summary s;
        try (EpisodeWriter w =
                EpisodeWriter.create(f, "Corridor-v0", 42, Map.of("policy", "random"))) {
            s = writeEpisode(w, 4);
        }
        assertEquals(new Episode.Summary("ep.npz", 42, 5, 5.0, true, false), s);
        Episode e = EpisodeReader.readEpisode(f);
        assertEquals("Corridor-v0", e.envId());
        assertEquals(42, e.seed());
        assertArrayEquals(new int[] {5, 4, 5, 3}, e.frames().shape());
        assertEquals(frame(3), e.frame(3));
        assertEquals(Tensor.int64(new long[] {1, 2, 0, 1}, 4), e.actions());
        assertArrayEquals(new float[] {0.5f, 1f, 1.5f, 2f}, e.rewards());
        assertArrayEquals(new boolean[] {false, false, false, true}, e.terminated());
        assertArrayEquals(new boolean[] {false, false, false, false}, e.truncated());
        assertEquals(Map.of("policy", "random"), e.metadata());
        assertTrue(e.endedTerminated());
    }

    @Test
    void streamedFramesEqualTheLoadedOnes() throws IOException {
        Path f = dir.resolve("ep.npz");
        try (EpisodeWriter w = EpisodeWriter.create(f, "X-v0", 1, Map.of())) {
            writeEpisode(w, 6);
        }
        try (EpisodeReader r = EpisodeReader.open(f)) {
            Tensor all = r.readFrames();
            Iterator<Tensor> it = r.frames();
            for (int t = 0; t < r.frameCount(); t++) {
                assertEquals(all.slice(t), it.next());
            }
            assertFalse(it.hasNext());
        }
    }

    @Test
    void writesAreAtomicAndAbandonedWritersLeaveNothing() throws IOException {
        try (EpisodeWriter w = EpisodeWriter.create(dir.resolve("a.npz"), "X-v0", 1, Map.of())) {
            w.reset(frame(0));
            w.step(1, frame(1), 0, false, false);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.toList(), "an unfinished episode leaves no file");
        }
        try (EpisodeWriter w = EpisodeWriter.create(dir.resolve("b.npz"), "X-v0", 1, Map.of())) {
            writeEpisode(w, 2);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(
                    List.of(dir.resolve("b.npz")), files.toList(), "no temporary files remain");
        }
    }

    @Test
    void npzRoundTripsEveryDtypeAndStrings() throws IOException {
        Map<String, Object> arrays = new LinkedHashMap<>();
        arrays.put("u8", Tensor.uint8(new byte[] {1, (byte) 200}, 2));
        arrays.put("i32", Tensor.int32(new int[] {-5, 7}, 2, 1));
        arrays.put("i64", Tensor.int64(new long[] {Long.MIN_VALUE}));
        arrays.put("f32", Tensor.float32(new float[] {1.5f}, 1));
        arrays.put("f64", Tensor.float64(new double[] {-0.25, 3}, 2));
        arrays.put("b", Tensor.bool(new boolean[] {true, false, true}, 3));
        arrays.put("s", "naïve ✓");
        Path f = dir.resolve("all.npz");
        Npz.write(f, arrays);
        assertEquals(arrays, Npz.read(f));
    }

    @Test
    void truncatedFileFailsNamingTheFile() throws IOException {
        Path f = dir.resolve("ep.npz");
        try (EpisodeWriter w = EpisodeWriter.create(f, "X-v0", 1, Map.of())) {
            writeEpisode(w, 3);
        }
        byte[] whole = Files.readAllBytes(f);
        Path cut = dir.resolve("cut.npz");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
        IOException e = assertThrows(IOException.class, () -> EpisodeReader.open(cut));
        assertTrue(e.getMessage().contains("cut.npz"), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        Path junk = dir.resolve("junk.npz");
        Files.writeString(junk, "not a zip");
        assertThrows(IOException.class, () -> EpisodeReader.open(junk));
        assertThrows(IOException.class, () -> EpisodeReader.open(dir.resolve("missing.npz")));
    }

    @Test
    void foreignZipIsNotAnEpisode() throws IOException {
        Path f = dir.resolve("foreign.npz");
        Npz.write(f, Map.of("weights", Tensor.float32(new float[] {1}, 1)));
        IOException e = assertThrows(IOException.class, () -> EpisodeReader.open(f));
        assertEquals(
                f + " is not a Genie4j episode file: it has no 'frames' array", e.getMessage());
        Path plain = dir.resolve("plain.npz");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(plain))) {
            z.putNextEntry(new ZipEntry("frames.npy"));
            z.write("garbage".getBytes());
        }
        assertThrows(IOException.class, () -> EpisodeReader.open(plain));
    }

    @Test
    void disagreeingArraysAreRejected() throws IOException {
        Path f = dir.resolve("bad.npz");
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("frames", Tensor.zeros(DType.UINT8, 3, 2, 2, 3));
        a.put("actions", Tensor.int64(new long[] {1, 2, 3}, 3));
        a.put("rewards", Tensor.float32(new float[2], 2));
        a.put("terminated", Tensor.bool(new boolean[2], 2));
        a.put("truncated", Tensor.bool(new boolean[2], 2));
        a.put("seed", Tensor.int64(new long[] {0}));
        a.put("env_id", "X-v0");
        Npz.write(f, a);
        IOException e = assertThrows(IOException.class, () -> EpisodeReader.open(f));
        assertTrue(
                e.getMessage().contains("[actions]: expected 2 rows for 3 frames"), e.getMessage());
        a.put("actions", Tensor.int64(new long[] {1, 2}, 2));
        a.put("frames", Tensor.zeros(DType.FLOAT32, 3, 2, 2, 3));
        Npz.write(f, a);
        assertTrue(
                assertThrows(IOException.class, () -> EpisodeReader.open(f))
                        .getMessage()
                        .contains("uint8"));
    }

    @Test
    void writerRejectsFramesOfAnotherShape() throws IOException {
        try (EpisodeWriter w = EpisodeWriter.create(dir.resolve("x.npz"), "X-v0", 1, Map.of())) {
            w.reset(frame(0));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> w.step(0, Tensor.zeros(DType.UINT8, 2, 2, 3), 0, false, false));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> w.step(0, Tensor.zeros(DType.FLOAT32, 4, 5, 3), 0, false, false));
        }
    }

    @Test
    void datasetManifestIsWrittenAndReread() throws IOException {
        Path ds = dir.resolve("ds");
        try (EpisodeDataset d =
                EpisodeDataset.openOrCreate(ds, "X-v0", Map.of("policy", "random"))) {
            for (int i = 0; i < 3; i++) {
                try (EpisodeWriter w =
                        d.newEpisode(String.format("episode_%06d.npz", i), 10 + i, Map.of())) {
                    writeEpisode(w, 2 + i);
                }
            }
        }
        Map<String, Object> manifest =
                Json.parseObject(Files.readString(ds.resolve("manifest.json")));
        assertEquals("genie4j-episodes", manifest.get("format"));
        assertEquals(3, ((List<?>) manifest.get("episodes")).size());
        EpisodeDataset again = EpisodeDataset.open(ds);
        assertEquals(
                List.of(10L, 11L, 12L),
                again.episodes().stream().map(Episode.Summary::seed).toList());
        assertEquals(Map.of("policy", "random"), again.metadata());
        assertThrows(
                IOException.class, () -> EpisodeDataset.openOrCreate(ds, "Other-v0", Map.of()));
        assertThrows(
                IllegalArgumentException.class,
                () -> again.newEpisode("../escape.npz", 0, Map.of()));
    }

    @Test
    void reopeningIndexesEpisodesTheManifestMissed() throws IOException {
        Path ds = dir.resolve("ds");
        try (EpisodeDataset d = EpisodeDataset.openOrCreate(ds, "X-v0", Map.of())) {
            try (EpisodeWriter w = d.newEpisode("episode_000000.npz", 1, Map.of())) {
                writeEpisode(w, 2);
            }
        }
        // A run killed before its manifest was written: the file exists, the manifest does not list
        // it.
        try (EpisodeWriter w =
                EpisodeWriter.create(ds.resolve("episode_000001.npz"), "X-v0", 2, Map.of())) {
            writeEpisode(w, 3);
        }
        EpisodeDataset d = EpisodeDataset.open(ds);
        List<Long> seeds = new ArrayList<>();
        d.episodes().forEach(e -> seeds.add(e.seed()));
        assertEquals(List.of(1L, 2L), seeds);
        assertTrue(d.contains("episode_000001.npz"));
        assertThrows(IOException.class, () -> EpisodeDataset.open(dir.resolve("nothing")));
    }

    @Test
    void aFolderOfEpisodeFilesWithoutAManifestIsIndexedFromItsFiles() throws IOException {
        Path ds = dir.resolve("copied");
        for (int i = 0; i < 3; i++) {
            try (EpisodeWriter w =
                    EpisodeWriter.create(
                            ds.resolve(String.format("ep_%d.npz", i)), "X-v0", 7 + i, Map.of())) {
                writeEpisode(w, 2 + i);
            }
        }
        assertFalse(Files.exists(ds.resolve(EpisodeDataset.MANIFEST)));
        try (EpisodeDataset d = EpisodeDataset.open(ds)) {
            assertEquals("X-v0", d.envId());
            assertEquals(
                    List.of(7L, 8L, 9L), d.episodes().stream().map(Episode.Summary::seed).toList());
            assertEquals(List.of(3, 4, 5), d.episodes().stream().map(e -> e.frames()).toList());
        }
        Map<String, Object> manifest =
                Json.parseObject(Files.readString(ds.resolve(EpisodeDataset.MANIFEST)));
        assertEquals("X-v0", manifest.get("env_id"));
        assertEquals(3, ((List<?>) manifest.get("episodes")).size());
        // Recording more into the folder keeps the copied files.
        try (EpisodeDataset d = EpisodeDataset.openOrCreate(ds, "X-v0", Map.of())) {
            assertEquals(3, d.episodes().size());
        }
    }

    @Test
    void aFolderOfLinksKeepsTheEnvOptionsItsSourcesAgreeOn() throws IOException {
        Path a = recorded("a", Map.of("art", "v2"), 1);
        Path b = recorded("b", Map.of("art", "v2"), 10);
        Path c = recorded("c", Map.of("art", "v1"), 20);
        Path mix = link("mix", a, b);
        try (EpisodeDataset d = EpisodeDataset.open(mix)) {
            assertEquals(Map.of("art", "v2"), d.metadata().get(EpisodeDataset.OPTIONS));
            assertEquals(4, d.episodes().size());
        }
        // Reopened from the manifest it wrote: the options stay.
        try (EpisodeDataset d = EpisodeDataset.open(mix)) {
            assertEquals(Map.of("art", "v2"), d.metadata().get(EpisodeDataset.OPTIONS));
        }
        // Sources recorded with other options, or a copied file among the links: none claimed.
        try (EpisodeDataset d = EpisodeDataset.open(link("disagree", a, c))) {
            assertFalse(d.metadata().containsKey(EpisodeDataset.OPTIONS), d.metadata().toString());
        }
        Path copied = link("copied", a);
        Files.copy(b.resolve("ep_10.npz"), copied.resolve("b-ep_10.npz"));
        try (EpisodeDataset d = EpisodeDataset.open(copied)) {
            assertFalse(d.metadata().containsKey(EpisodeDataset.OPTIONS), d.metadata().toString());
        }
    }

    /** A dataset of two episodes recorded with {@code options}, seeds from {@code seed}. */
    private Path recorded(String name, Map<String, Object> options, int seed) throws IOException {
        Path ds = dir.resolve(name);
        try (EpisodeDataset d =
                EpisodeDataset.openOrCreate(ds, "X-v0", Map.of(EpisodeDataset.OPTIONS, options))) {
            for (int i = seed; i < seed + 2; i++) {
                try (EpisodeWriter w = d.newEpisode("ep_" + i + ".npz", i, Map.of())) {
                    writeEpisode(w, 2);
                }
            }
        }
        return ds;
    }

    /** A folder of links to every episode of {@code sources}, named by source. */
    private Path link(String name, Path... sources) throws IOException {
        Path out = Files.createDirectories(dir.resolve(name));
        for (Path s : sources) {
            try (Stream<Path> files = Files.list(s)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".npz")).toList()) {
                    Files.createSymbolicLink(
                            out.resolve(s.getFileName() + "-" + f.getFileName()),
                            f.toAbsolutePath());
                }
            }
        }
        return out;
    }

    @Test
    void foldersThatAreNoDatasetAreRefusedWithAHint() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        IOException e = assertThrows(IOException.class, () -> EpisodeDataset.open(empty));
        assertTrue(
                e.getMessage().contains("neither a manifest.json nor episode .npz"),
                e.getMessage());
        assertTrue(e.getMessage().contains("genie4j record"), e.getMessage());
        assertFalse(Files.exists(empty.resolve(EpisodeDataset.MANIFEST)));

        Path mixed = dir.resolve("mixed");
        try (EpisodeWriter w = EpisodeWriter.create(mixed.resolve("a.npz"), "A-v0", 1, Map.of())) {
            writeEpisode(w, 2);
        }
        try (EpisodeWriter w = EpisodeWriter.create(mixed.resolve("b.npz"), "B-v0", 2, Map.of())) {
            writeEpisode(w, 2);
        }
        e = assertThrows(IOException.class, () -> EpisodeDataset.open(mixed));
        assertTrue(e.getMessage().contains("more than one env"), e.getMessage());
        Path other = dir.resolve("other");
        try (EpisodeWriter w = EpisodeWriter.create(other.resolve("b.npz"), "B-v0", 2, Map.of())) {
            writeEpisode(w, 2);
        }
        e =
                assertThrows(
                        IOException.class,
                        () -> EpisodeDataset.openOrCreate(other, "A-v0", Map.of()));
        assertTrue(e.getMessage().contains("episode files of B-v0, not A-v0"), e.getMessage());
        assertFalse(Files.exists(other.resolve(EpisodeDataset.MANIFEST)));
        e = assertThrows(IOException.class, () -> EpisodeDataset.open(mixed.resolve("a.npz")));
        assertTrue(e.getMessage().contains("is a file, not a dataset directory"), e.getMessage());
    }
}
