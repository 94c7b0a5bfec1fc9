package io.genie4j.env.episodes;

import io.genie4j.env.AtomicFiles;
import io.genie4j.env.DType;
import io.genie4j.env.Json;
import io.genie4j.env.Tensor;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes one episode to an {@code .npz} file as it happens: frames stream to a temporary file
 * beside the target (memory stays flat however long the episode), and {@link #finish()} assembles
 * the archive under a temporary name and renames it into place. A writer that is closed without
 * {@code finish} leaves nothing behind.
 *
 * <p>Arrays: {@code frames} uint8 {@code [T, H, W, 3]}, {@code actions} {@code [T - 1, ...]} (int64
 * for discrete actions), {@code rewards} float32, {@code terminated} and {@code truncated} bool,
 * {@code seed} int64, {@code env_id}, {@code metadata} (JSON text) and {@code format} strings.
 */
public final class EpisodeWriter implements AutoCloseable {
    private final Path file;
    private final String envId;
    private final long seed;
    private final Map<String, Object> metadata;
    private final Path framesTmp;
    private final OutputStream framesOut;
    private final Consumer<Episode.Summary> onFinish;
    private int[] frameShape;
    private int frames;
    private final List<Tensor> actions = new ArrayList<>();
    private final List<Float> rewards = new ArrayList<>();
    private final List<Boolean> terminated = new ArrayList<>();
    private final List<Boolean> truncated = new ArrayList<>();
    private boolean closed;

    /**
     * Starts an episode file.
     *
     * @param file the target {@code .npz}
     * @param envId the env's id
     * @param seed the reset seed
     * @param metadata JSON-compatible values stored with the episode
     */
    public static EpisodeWriter create(
            Path file, String envId, long seed, Map<String, Object> metadata) throws IOException {
        return new EpisodeWriter(file, envId, seed, metadata, s -> {});
    }

    EpisodeWriter(
            Path file,
            String envId,
            long seed,
            Map<String, Object> metadata,
            Consumer<Episode.Summary> onFinish)
            throws IOException {
        this.file = file.toAbsolutePath();
        this.envId = envId;
        this.seed = seed;
        this.metadata = new LinkedHashMap<>(metadata);
        Json.write(this.metadata); // fail now, not at finish, on values JSON cannot hold
        this.onFinish = onFinish;
        Files.createDirectories(this.file.getParent());
        this.framesTmp =
                Files.createTempFile(
                        this.file.getParent(), "." + this.file.getFileName(), ".frames");
        this.framesOut = new BufferedOutputStream(Files.newOutputStream(framesTmp), 1 << 16);
    }

    /** Records the reset observation; must be called once, first. */
    public void reset(Tensor frame) throws IOException {
        if (frames != 0) {
            throw new IllegalStateException("reset frame already recorded");
        }
        writeFrame(frame);
    }

    /**
     * Records one transition: the action taken and what the step returned.
     *
     * @param action an {@code Integer}/{@code Long} (stored as int64) or a {@link Tensor}
     */
    public void step(Object action, Tensor frame, double reward, boolean term, boolean trunc)
            throws IOException {
        if (frames == 0) {
            throw new IllegalStateException("step recorded before the reset frame");
        }
        Tensor a =
                action instanceof Tensor t
                        ? t
                        : action instanceof Number n
                                ? Tensor.int64(new long[] {n.longValue()})
                                : null;
        if (a == null) {
            throw new IllegalArgumentException(
                    "cannot record action " + action + " in an episode file");
        }
        writeFrame(frame);
        actions.add(a);
        rewards.add((float) reward);
        terminated.add(term);
        truncated.add(trunc);
    }

    private void writeFrame(Tensor frame) throws IOException {
        checkOpen();
        if (frame.dtype() != DType.UINT8 || frame.rank() != 3 || frame.dim(2) != 3) {
            throw new IllegalArgumentException(
                    "frames must be uint8 [H, W, 3], got " + frame.describe());
        }
        if (frameShape == null) {
            frameShape = frame.shape();
        } else if (!java.util.Arrays.equals(frameShape, frame.shape())) {
            throw new IllegalArgumentException(
                    "frame "
                            + frame.describe()
                            + " differs from the episode's first frame "
                            + java.util.Arrays.toString(frameShape));
        }
        framesOut.write(frame.toByteArray());
        frames++;
    }

    /** Adds or replaces a metadata value before {@link #finish()}. */
    public void putMetadata(String key, Object value) {
        checkOpen();
        Json.write(value);
        metadata.put(key, value);
    }

    /** Number of frames recorded so far. */
    public int frameCount() {
        return frames;
    }

    /** Writes the file atomically and releases the writer. */
    public Episode.Summary finish() throws IOException {
        checkOpen();
        if (frames == 0) {
            throw new IllegalStateException("an episode needs at least its reset frame");
        }
        framesOut.close();
        int n = frames - 1;
        float[] r = new float[n];
        boolean[] te = new boolean[n];
        boolean[] tr = new boolean[n];
        for (int i = 0; i < n; i++) {
            r[i] = rewards.get(i);
            te[i] = terminated.get(i);
            tr[i] = truncated.get(i);
        }
        Tensor acts = n == 0 ? Tensor.int64(new long[0], 0) : stackActions();
        int[] shape = new int[4];
        shape[0] = frames;
        System.arraycopy(frameShape, 0, shape, 1, 3);
        try {
            AtomicFiles.write(
                    file,
                    out -> {
                        try (ZipOutputStream zip = Npz.open(out)) {
                            zip.putNextEntry(new ZipEntry(EpisodeFormat.FRAMES + ".npy"));
                            Npy.writeHeader(zip, DType.UINT8.npyDescr(), shape);
                            try (InputStream in = Files.newInputStream(framesTmp)) {
                                in.transferTo(zip);
                            }
                            zip.closeEntry();
                            put(zip, EpisodeFormat.ACTIONS, acts);
                            put(zip, EpisodeFormat.REWARDS, Tensor.float32(r, n));
                            put(zip, EpisodeFormat.TERMINATED, Tensor.bool(te, n));
                            put(zip, EpisodeFormat.TRUNCATED, Tensor.bool(tr, n));
                            put(zip, EpisodeFormat.SEED, Tensor.int64(new long[] {seed}));
                            putString(zip, EpisodeFormat.ENV_ID, envId);
                            putString(zip, EpisodeFormat.METADATA, Json.write(metadata));
                            putString(zip, EpisodeFormat.FORMAT_KEY, EpisodeFormat.formatString());
                        }
                    });
        } finally {
            release();
        }
        Episode.Summary s = Episode.Summary.of(file.getFileName().toString(), seed, r, te, tr);
        onFinish.accept(s);
        return s;
    }

    private Tensor stackActions() {
        List<Tensor> rows = new ArrayList<>(actions.size());
        boolean scalars =
                actions.stream()
                        .allMatch(a -> a.dtype() == DType.INT64 && a.size() == 1 && a.rank() == 1);
        if (scalars) {
            long[] v = new long[actions.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = actions.get(i).getLong(0);
            }
            return Tensor.int64(v, v.length);
        }
        rows.addAll(actions);
        return Tensor.stack(rows);
    }

    private static void put(ZipOutputStream zip, String name, Tensor t) throws IOException {
        zip.putNextEntry(new ZipEntry(name + ".npy"));
        Npy.write(zip, t);
        zip.closeEntry();
    }

    private static void putString(ZipOutputStream zip, String name, String s) throws IOException {
        zip.putNextEntry(new ZipEntry(name + ".npy"));
        Npy.writeString(zip, s);
        zip.closeEntry();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("episode writer for " + file + " is closed");
        }
    }

    private void release() throws IOException {
        closed = true;
        framesOut.close();
        Files.deleteIfExists(framesTmp);
    }

    /** Abandons an unfinished episode: nothing is written. Idempotent. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            release();
        }
    }
}
