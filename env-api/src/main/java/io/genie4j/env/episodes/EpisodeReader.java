package io.genie4j.env.episodes;

import io.genie4j.env.Json;
import io.genie4j.env.Tensor;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads an episode file written by {@link EpisodeWriter} (or by numpy with the same arrays).
 * Opening reads and checks everything but the frames; {@link #frames()} streams them one at a time,
 * {@link #read()} loads the whole episode.
 *
 * <p>A truncated file, a zip that is not an episode (a missing array), or arrays that disagree in
 * length fail with an {@link IOException} naming the file and the problem.
 */
public final class EpisodeReader implements AutoCloseable {
    private final Path file;
    private final ZipFile zip;
    private final ZipEntry framesEntry;
    private final int[] frameShape;
    private final int frameCount;
    private final String envId;
    private final long seed;
    private final Tensor actions;
    private final float[] rewards;
    private final boolean[] terminated;
    private final boolean[] truncated;
    private final Map<String, Object> metadata;

    private EpisodeReader(Path file) throws IOException {
        this.file = file;
        this.zip = Npz.openZip(file);
        try {
            framesEntry = entry(EpisodeFormat.FRAMES);
            try (InputStream in = zip.getInputStream(framesEntry)) {
                Npy.Header h = Npy.readHeader(in, what(EpisodeFormat.FRAMES));
                int[] s = h.shape();
                if (!h.descr().endsWith("u1") || s.length != 4 || s[3] != 3 || s[0] < 1) {
                    throw new IOException(
                            what(EpisodeFormat.FRAMES)
                                    + ": expected uint8 [T, H, W, 3], got "
                                    + h.descr()
                                    + " "
                                    + java.util.Arrays.toString(s));
                }
                frameCount = s[0];
                frameShape = new int[] {s[1], s[2], s[3]};
            }
            int n = frameCount - 1;
            actions = tensor(EpisodeFormat.ACTIONS);
            if (actions.rank() < 1 || actions.dim(0) != n) {
                throw new IOException(
                        what(EpisodeFormat.ACTIONS)
                                + ": expected "
                                + n
                                + " rows for "
                                + frameCount
                                + " frames, got "
                                + actions.describe());
            }
            rewards = vector(EpisodeFormat.REWARDS, n).toFloatArray();
            terminated = vector(EpisodeFormat.TERMINATED, n).toBooleanArray();
            truncated = vector(EpisodeFormat.TRUNCATED, n).toBooleanArray();
            Tensor seedArr = tensor(EpisodeFormat.SEED);
            if (seedArr.size() != 1 || seedArr.dtype().isFloat()) {
                throw new IOException(
                        what(EpisodeFormat.SEED)
                                + ": expected one integer, got "
                                + seedArr.describe());
            }
            seed = seedArr.getLong(0);
            envId = string(EpisodeFormat.ENV_ID);
            Map<String, Object> meta = new LinkedHashMap<>();
            if (zip.getEntry(EpisodeFormat.METADATA + ".npy") != null) {
                try {
                    meta = Json.parseObject(string(EpisodeFormat.METADATA));
                } catch (IllegalArgumentException e) {
                    throw new IOException(what(EpisodeFormat.METADATA) + ": " + e.getMessage());
                }
            }
            metadata = meta;
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    /**
     * Opens an episode file.
     *
     * @throws IOException naming the file if it is missing, truncated, or not an episode
     */
    public static EpisodeReader open(Path file) throws IOException {
        return new EpisodeReader(file);
    }

    /** Reads a whole episode. */
    public static Episode readEpisode(Path file) throws IOException {
        try (EpisodeReader r = open(file)) {
            return r.read();
        }
    }

    private String what(String name) {
        return file + " [" + name + "]";
    }

    private ZipEntry entry(String name) throws IOException {
        ZipEntry e = zip.getEntry(name + ".npy");
        if (e == null) {
            throw new IOException(
                    file + " is not a Genie4j episode file: it has no '" + name + "' array");
        }
        return e;
    }

    private Object array(String name) throws IOException {
        ZipEntry e = entry(name);
        try (InputStream in = new BufferedInputStream(zip.getInputStream(e))) {
            return Npy.readBody(in, Npy.readHeader(in, what(name)), what(name));
        } catch (java.util.zip.ZipException | java.io.EOFException ex) {
            throw new IOException(
                    what(name) + ": truncated or corrupt (" + ex.getMessage() + ")", ex);
        }
    }

    private Tensor tensor(String name) throws IOException {
        if (!(array(name) instanceof Tensor t)) {
            throw new IOException(what(name) + ": expected a numeric array, got a string");
        }
        return t;
    }

    private Tensor vector(String name, int n) throws IOException {
        Tensor t = tensor(name);
        if (t.rank() != 1 || t.dim(0) != n) {
            throw new IOException(what(name) + ": expected " + n + " entries, got " + t.describe());
        }
        return t;
    }

    private String string(String name) throws IOException {
        if (!(array(name) instanceof String s)) {
            throw new IOException(what(name) + ": expected a string");
        }
        return s;
    }

    /** Number of frames, {@code T}. */
    public int frameCount() {
        return frameCount;
    }

    /** Shape of one frame, {@code [H, W, 3]}. */
    public int[] frameShape() {
        return frameShape.clone();
    }

    /** The env id recorded in the file. */
    public String envId() {
        return envId;
    }

    /** The reset seed recorded in the file. */
    public long seed() {
        return seed;
    }

    /** The actions, {@code [T - 1, ...]}. */
    public Tensor actions() {
        return actions;
    }

    /** The rewards, {@code T - 1}. */
    public float[] rewards() {
        return rewards.clone();
    }

    /** What a dataset manifest records of this episode. */
    public Episode.Summary summary() {
        return Episode.Summary.of(
                file.getFileName().toString(), seed, rewards, terminated, truncated);
    }

    /** The stored metadata. */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /**
     * Streams the frames in order, each uint8 {@code [H, W, 3]}, decompressing as it goes. Each
     * call starts again from the first frame. I/O failures surface as {@link UncheckedIOException}.
     */
    public Iterator<Tensor> frames() throws IOException {
        InputStream in = new BufferedInputStream(zip.getInputStream(framesEntry), 1 << 16);
        Npy.readHeader(in, what(EpisodeFormat.FRAMES));
        int bytes = frameShape[0] * frameShape[1] * frameShape[2];
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < frameCount;
            }

            @Override
            public Tensor next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                try {
                    byte[] b =
                            Npy.readFully(in, bytes, what(EpisodeFormat.FRAMES) + " frame " + next);
                    if (++next == frameCount) {
                        in.close();
                    }
                    return Tensor.uint8(b, frameShape);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    /** Loads every frame into one uint8 tensor {@code [T, H, W, 3]}. */
    public Tensor readFrames() throws IOException {
        try (InputStream in = new BufferedInputStream(zip.getInputStream(framesEntry), 1 << 16)) {
            Npy.Header h = Npy.readHeader(in, what(EpisodeFormat.FRAMES));
            Object body = Npy.readBody(in, h, what(EpisodeFormat.FRAMES));
            return (Tensor) body;
        } catch (java.util.zip.ZipException | java.io.EOFException ex) {
            throw new IOException(
                    what(EpisodeFormat.FRAMES) + ": truncated or corrupt (" + ex.getMessage() + ")",
                    ex);
        }
    }

    /** Loads the whole episode. */
    public Episode read() throws IOException {
        return new Episode(
                envId,
                seed,
                readFrames(),
                actions,
                rewards.clone(),
                terminated.clone(),
                truncated.clone(),
                metadata);
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }
}
