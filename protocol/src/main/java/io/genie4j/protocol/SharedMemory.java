package io.genie4j.protocol;

import io.genie4j.env.DType;
import io.genie4j.env.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A session's shared-memory region (PROTOCOL.md §2.1): a file the server creates in {@code
 * /dev/shm} (or the temporary directory), readable by its own user only, maps read-write and writes
 * each reply's observations into, so that they skip the socket. A client on the same machine maps
 * it read-only and copies the observations out before its next request. Replies point into it with
 * {@code {"$shm": offset, "dtype", "shape"}}.
 *
 * <p>The server deletes the file when the session ends; the mapping itself is released by the
 * garbage collector, as Java offers no explicit unmap.
 */
final class SharedMemory implements AutoCloseable {
    /** The key of a shared-memory reference in a header. */
    static final String REF = "$shm";

    private final Path path;
    private final MappedByteBuffer map;
    private final boolean owner;

    private SharedMemory(Path path, MappedByteBuffer map, boolean owner) {
        this.path = path;
        this.map = map;
        this.owner = owner;
    }

    /**
     * Creates and maps a region of {@code bytes} for a session (server side).
     *
     * @throws IOException if the file cannot be created or mapped
     */
    static SharedMemory create(String sessionId, long bytes) throws IOException {
        if (bytes < 1 || bytes > Integer.MAX_VALUE) {
            throw new IOException(
                    "a shared-memory region must hold 1 to 2^31-1 bytes, not " + bytes);
        }
        Path file = directory().resolve("genie4j-" + sessionId + ".obs");
        return new SharedMemory(file, createFile(file, bytes), true);
    }

    /**
     * Creates {@code file} readable and writable by its user only, fills it with {@code bytes}
     * zeros and maps it read-write; deletes it again if any of that fails.
     */
    static MappedByteBuffer createFile(Path file, long bytes) throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(
                    file,
                    PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
        try (FileChannel ch =
                FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            // Write the whole region first: a full /dev/shm then fails here, with an IOException,
            // and not later as a bus error on a write to a mapped page that has no memory behind
            // it.
            ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(bytes, 1 << 20));
            for (long at = 0; at < bytes; ) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), bytes - at));
                at += ch.write(zeros, at);
            }
            return ch.map(FileChannel.MapMode.READ_WRITE, 0, bytes);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /**
     * Maps a server's region read-only (client side).
     *
     * @throws IOException if the file cannot be opened (e.g. the server runs on another machine or
     *     in a container) or is smaller than {@code bytes}
     */
    static SharedMemory open(String path, long bytes) throws IOException {
        Path file = Path.of(path);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() < bytes || bytes > Integer.MAX_VALUE) {
                throw new IOException(
                        "shared-memory file "
                                + path
                                + " has "
                                + ch.size()
                                + " bytes, not "
                                + bytes);
            }
            return new SharedMemory(file, ch.map(FileChannel.MapMode.READ_ONLY, 0, bytes), false);
        }
    }

    /**
     * {@code /dev/shm} where it exists and is writable (memory-backed on Linux), else the temp dir.
     */
    static Path directory() {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return shm;
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** The file's path. */
    Path path() {
        return path;
    }

    /** The region's size in bytes. */
    int capacity() {
        return map.capacity();
    }

    /** Copies {@code t}'s data to {@code offset}. */
    void write(int offset, Tensor t) {
        map.put(offset, t.buffer(), 0, t.byteSize());
    }

    /**
     * A reference to {@code dtype shape} data at {@code offset}, for a header.
     *
     * @param shape the shape of the data
     */
    static Map<String, Object> reference(int offset, DType dtype, int[] shape) {
        Map<String, Object> ref = new LinkedHashMap<>();
        ref.put(REF, offset);
        ref.put("dtype", dtype.numpyName());
        ref.put("shape", shape);
        return ref;
    }

    /**
     * A copy of {@code dtype shape} data at {@code offset}.
     *
     * @throws ProtocolException ({@link ErrorCode#INVALID_ARGUMENT}) if it lies outside the region
     */
    Tensor read(int offset, DType dtype, int[] shape) {
        long bytes = dtype.byteSize();
        for (int d : shape) {
            bytes *= d;
        }
        if (offset < 0 || offset + bytes > map.capacity()) {
            throw new ProtocolException(
                    ErrorCode.INVALID_ARGUMENT,
                    String.format(
                            Locale.ROOT,
                            "shared-memory reference %s %s at offset %d lies outside the %d-byte"
                                    + " region",
                            dtype.numpyName(),
                            Arrays.toString(shape),
                            offset,
                            map.capacity()));
        }
        byte[] data = new byte[(int) bytes];
        map.get(offset, data);
        return Tensor.wrap(dtype, data, shape);
    }

    /** Deletes the file if this side created it. Idempotent. */
    @Override
    public void close() {
        if (owner) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                System.err.println("could not delete shared-memory file " + path + ": " + e);
            }
        }
    }

    /**
     * Whether a client at {@code address} shares the server's machine for sure: loopback TCP, IPC
     * and in-process endpoints.
     */
    static boolean isLocal(String address) {
        String a = address.toLowerCase(Locale.ROOT);
        return a.startsWith("ipc://")
                || a.startsWith("inproc://")
                || a.startsWith("tcp://127.")
                || a.startsWith("tcp://localhost:")
                || a.startsWith("tcp://[::1]:");
    }
}
