package io.genie4j.env.episodes;

import io.genie4j.env.AtomicFiles;
import io.genie4j.env.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A directory of episode files with a {@code manifest.json}: the form of every dataset in Genie4j.
 *
 * <pre>{@code
 * {"format": "genie4j-episodes", "version": 1, "env_id": "CoinRun-v0", "metadata": {...},
 *  "episodes": [{"file": "episode_000000.npz", "seed": 0, "frames": 1001, "return": 10.0,
 *                "terminated": true, "truncated": false}, ...]}
 * }</pre>
 *
 * <p>Writers made by {@link #newEpisode} add their episode when they finish; the manifest is
 * rewritten atomically at most every {@value #MANIFEST_INTERVAL_MS} ms and on {@link #close()}.
 * Opening a directory indexes episode files that the manifest does not list yet (a run that was
 * killed), so recording can resume into an existing dataset. A folder of episode files with no
 * manifest at all (files copied from elsewhere) opens too: its manifest is built from the files,
 * and if they are all links into datasets recorded with the same env options, it records those.
 * Thread-safe.
 */
public final class EpisodeDataset implements AutoCloseable {
    /** The manifest's file name. */
    public static final String MANIFEST = "manifest.json";

    /**
     * The manifest metadata key of the options the env was made with for every episode (such as
     * CoinRun's {@code art}), as {@code genie4j record} writes it.
     */
    public static final String OPTIONS = "options";

    static final String FORMAT = "genie4j-episodes";
    static final long MANIFEST_INTERVAL_MS = 2000;

    private final Path dir;
    private final String envId;
    private final Map<String, Object> metadata;
    private final TreeMap<String, Episode.Summary> episodes = new TreeMap<>();
    private long lastWrite;
    private boolean dirty;

    private EpisodeDataset(Path dir, String envId, Map<String, Object> metadata) {
        this.dir = dir;
        this.envId = envId;
        this.metadata = new LinkedHashMap<>(metadata);
    }

    /**
     * Opens a dataset for reading and appending, or creates it if {@code dir} has no manifest (then
     * episode files already in {@code dir} are indexed; they must be episodes of {@code envId}).
     *
     * @param envId the env whose episodes the dataset holds
     * @param metadata stored in the manifest of a new dataset
     * @throws IOException if an existing manifest is malformed or holds another env's episodes
     */
    public static EpisodeDataset openOrCreate(Path dir, String envId, Map<String, Object> metadata)
            throws IOException {
        Files.createDirectories(dir);
        if (Files.exists(dir.resolve(MANIFEST))) {
            EpisodeDataset ds = open(dir);
            if (!ds.envId.equals(envId)) {
                throw new IOException(dir + " holds episodes of " + ds.envId + ", not " + envId);
            }
            return ds;
        }
        Map<String, Episode.Summary> found = new TreeMap<>();
        String foundEnv = scan(dir, found);
        if (foundEnv != null && !foundEnv.equals(envId)) {
            throw new IOException(
                    dir
                            + " holds episode files of "
                            + foundEnv
                            + ", not "
                            + envId
                            + ": choose another directory");
        }
        EpisodeDataset ds = new EpisodeDataset(dir, envId, metadata);
        ds.episodes.putAll(found);
        ds.writeManifest();
        return ds;
    }

    /**
     * Opens an existing dataset. A directory of episode {@code .npz} files without a manifest is
     * indexed from its files; the manifest built is written to the directory where that is allowed
     * (else the dataset is still read, from the index in memory).
     *
     * @throws IOException naming the directory if it is missing, has neither a manifest nor episode
     *     files, holds episodes of several envs, or its manifest is malformed
     */
    @SuppressWarnings("unchecked")
    public static EpisodeDataset open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(
                    dir
                            + (Files.exists(dir) ? " is a file, not" : " does not exist; expected")
                            + " a dataset directory of episode .npz files");
        }
        Path m = dir.resolve(MANIFEST);
        String text;
        try {
            text = Files.readString(m);
        } catch (NoSuchFileException e) {
            return indexFolder(dir);
        }
        Map<String, Object> json;
        try {
            json = Json.parseObject(text);
        } catch (IllegalArgumentException e) {
            throw new IOException(m + ": " + e.getMessage());
        }
        if (!FORMAT.equals(json.get("format"))) {
            throw new IOException(
                    m + " is not a Genie4j episode manifest (format " + json.get("format") + ")");
        }
        Object version = json.get("version");
        if (!(version instanceof Number v) || v.intValue() != EpisodeFormat.VERSION) {
            throw new IOException(
                    m
                            + " has manifest version "
                            + version
                            + "; this build reads version "
                            + EpisodeFormat.VERSION);
        }
        EpisodeDataset ds =
                new EpisodeDataset(
                        dir,
                        String.valueOf(json.get("env_id")),
                        json.get("metadata") instanceof Map<?, ?> md
                                ? (Map<String, Object>) md
                                : Map.of());
        if (json.get("episodes") instanceof List<?> list) {
            for (Object o : list) {
                if (!(o instanceof Map<?, ?> e)) {
                    throw new IOException(m + ": malformed episode entry " + o);
                }
                try {
                    Episode.Summary s = Episode.Summary.fromJson((Map<String, ?>) e);
                    if (Files.exists(dir.resolve(s.file()))) {
                        ds.episodes.put(s.file(), s);
                    } else {
                        ds.dirty = true; // listed but gone: drop it from the manifest
                    }
                } catch (IllegalArgumentException ex) {
                    throw new IOException(m + ": " + ex.getMessage());
                }
            }
        }
        ds.indexUnlisted();
        return ds;
    }

    /** A dataset of the episode files in {@code dir}, which has no manifest. */
    private static EpisodeDataset indexFolder(Path dir) throws IOException {
        Map<String, Episode.Summary> found = new TreeMap<>();
        String envId = scan(dir, found);
        if (envId == null) {
            throw new IOException(
                    dir
                            + " is not an episode dataset: it has neither a "
                            + MANIFEST
                            + " nor episode .npz files. Record one with 'genie4j record' or"
                            + " import video with 'genie4j import-video'");
        }
        Map<String, Object> options = linkedOptions(dir, found.keySet());
        EpisodeDataset ds =
                new EpisodeDataset(
                        dir, envId, options == null ? Map.of() : Map.of(OPTIONS, options));
        ds.episodes.putAll(found);
        try {
            ds.writeManifest();
        } catch (IOException e) {
            // A read-only folder: the index in memory serves this reader; nothing to write later.
            ds.dirty = false;
        }
        return ds;
    }

    /**
     * The env options of the datasets that the episode files of a folder of links point into, when
     * every file is a link into a dataset whose manifest records options and all record the same: a
     * folder of links that pools recorded datasets (say, two kinds of play in one art) keeps the
     * options they were recorded with, so a model trained on it records them too. Null otherwise (a
     * file that is no link, a source without options, sources that disagree).
     */
    private static Map<String, Object> linkedOptions(Path dir, Iterable<String> files)
            throws IOException {
        Path self = dir.toRealPath();
        Map<Path, Object> bySource = new LinkedHashMap<>();
        for (String name : files) {
            Path p = dir.resolve(name);
            if (!Files.isSymbolicLink(p)) {
                return null;
            }
            Path source = p.toRealPath().getParent();
            if (source == null || source.equals(self)) {
                return null;
            }
            if (!bySource.containsKey(source)) {
                bySource.put(source, manifestOptions(source));
            }
        }
        Object first = null;
        for (Object o : bySource.values()) {
            if (!(o instanceof Map<?, ?>) || (first != null && !first.equals(o))) {
                return null;
            }
            first = o;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> options = (Map<String, Object>) first;
        return options;
    }

    /**
     * The {@value #OPTIONS} a dataset's manifest records, or null if it has no readable manifest or
     * none.
     */
    private static Object manifestOptions(Path dataset) {
        try {
            Map<String, Object> json =
                    Json.parseObject(Files.readString(dataset.resolve(MANIFEST)));
            return json.get("metadata") instanceof Map<?, ?> md ? md.get(OPTIONS) : null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Reads the summary of every episode file in {@code dir} into {@code into}.
     *
     * @return their env id, or {@code null} if there are none
     * @throws IOException naming a file that is not an episode, or two files of different envs
     */
    private static String scan(Path dir, Map<String, Episode.Summary> into) throws IOException {
        String envId = null;
        String first = null;
        for (Path p : episodeFiles(dir)) {
            String name = p.getFileName().toString();
            try (EpisodeReader r = EpisodeReader.open(p)) {
                if (envId == null) {
                    envId = r.envId();
                    first = name;
                } else if (!envId.equals(r.envId())) {
                    throw new IOException(
                            dir
                                    + " holds episodes of more than one env ("
                                    + first
                                    + " is "
                                    + envId
                                    + ", "
                                    + name
                                    + " is "
                                    + r.envId()
                                    + "): a dataset holds one env's episodes, so move each env's"
                                    + " files into a folder of its own");
                }
                into.put(name, r.summary());
            }
        }
        return envId;
    }

    /** The episode files in {@code dir}: {@code .npz} files not hidden, by name. */
    private static List<Path> episodeFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".npz"))
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        }
    }

    /** Adds finished episode files that are on disk but not in the manifest. */
    private void indexUnlisted() throws IOException {
        for (Path p : episodeFiles(dir)) {
            String name = p.getFileName().toString();
            if (!episodes.containsKey(name)) {
                try (EpisodeReader r = EpisodeReader.open(p)) {
                    episodes.put(name, r.summary());
                    dirty = true;
                }
            }
        }
    }

    /** The dataset directory. */
    public Path dir() {
        return dir;
    }

    /** The env whose episodes this holds. */
    public String envId() {
        return envId;
    }

    /** The manifest metadata. */
    public Map<String, Object> metadata() {
        return java.util.Collections.unmodifiableMap(metadata);
    }

    /** The finished episodes, by file name. */
    public synchronized List<Episode.Summary> episodes() {
        return new ArrayList<>(episodes.values());
    }

    /** The path of an episode file of this dataset. */
    public Path path(Episode.Summary episode) {
        return dir.resolve(episode.file());
    }

    /** Whether an episode file of this name is finished. */
    public synchronized boolean contains(String fileName) {
        return episodes.containsKey(fileName);
    }

    /**
     * Starts writing an episode named {@code fileName}; when it finishes it joins the manifest.
     *
     * @throws IllegalArgumentException if the name is not a plain {@code .npz} file name
     */
    public EpisodeWriter newEpisode(String fileName, long seed, Map<String, Object> episodeMetadata)
            throws IOException {
        if (!fileName.endsWith(".npz")
                || fileName.contains("/")
                || fileName.contains("\\")
                || fileName.startsWith(".")) {
            throw new IllegalArgumentException(
                    "episode file name must be a plain name.npz, got " + fileName);
        }
        return new EpisodeWriter(
                dir.resolve(fileName), envId, seed, episodeMetadata, this::finished);
    }

    private synchronized void finished(Episode.Summary s) {
        episodes.put(s.file(), s);
        dirty = true;
        if (System.currentTimeMillis() - lastWrite >= MANIFEST_INTERVAL_MS) {
            try {
                writeManifest();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** Writes the manifest now if anything changed. */
    public synchronized void flush() throws IOException {
        if (dirty) {
            writeManifest();
        }
    }

    private synchronized void writeManifest() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("version", EpisodeFormat.VERSION);
        m.put("env_id", envId);
        m.put("metadata", metadata);
        List<Object> eps = new ArrayList<>();
        episodes.values().forEach(e -> eps.add(e.toJson()));
        m.put("episodes", eps);
        AtomicFiles.writeString(dir.resolve(MANIFEST), Json.write(m) + "\n");
        lastWrite = System.currentTimeMillis();
        dirty = false;
    }

    /** Writes the manifest. */
    @Override
    public void close() throws IOException {
        flush();
    }
}
