package io.genie4j.env;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;

/**
 * Writes files so that a reader sees either the old file or the whole new one: the content goes to
 * a temporary file beside the target, which is then renamed over it. A failed write leaves the
 * target untouched and removes the temporary file.
 *
 * <p>Files written with {@link #write} get the permissions of any new file (the user's umask
 * applies: usually readable by everyone, writable by the owner), as datasets, videos, reports,
 * checkpoints and public keys should. {@link #writePrivate} gives owner-only permissions (mode
 * {@code 600} on POSIX file systems) from the moment the file exists, for secrets.
 */
public final class AtomicFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFiles() {}

    /** Produces a file's content. */
    @FunctionalInterface
    public interface Content {
        /** Writes the content to {@code out}; need not close it. */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code content} to {@code target} atomically, creating parent directories. The file
     * gets the default permissions of a new file (the umask applies).
     *
     * @throws FileSystemException naming {@code target} (not the temporary file) if the directory
     *     does not accept new files
     */
    public static void write(Path target, Content content) throws IOException {
        write(target, content, false);
    }

    /**
     * Writes {@code content} to {@code target} atomically, readable and writable by its owner only
     * (mode {@code 600} where the file system has POSIX permissions) from the moment it exists.
     */
    public static void writePrivate(Path target, Content content) throws IOException {
        write(target, content, true);
    }

    /** Writes a UTF-8 string to {@code target} atomically, with default permissions. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Writes a UTF-8 string to {@code target} atomically, readable by its owner only. */
    public static void writePrivateString(Path target, String text) throws IOException {
        writePrivate(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Creates a new empty file {@code dir/prefix<random>suffix} with the default permissions of a
     * new file (the umask applies), unlike {@link Files#createTempFile}, which makes it readable by
     * its owner only. For files that are renamed into place as shared output.
     *
     * @throws FileSystemException naming {@code dir} and why no file can be created there
     */
    public static Path createTempFile(Path dir, String prefix, String suffix) throws IOException {
        while (true) {
            Path p = dir.resolve(prefix + Long.toUnsignedString(RANDOM.nextLong()) + suffix);
            try {
                return Files.createFile(p);
            } catch (FileAlreadyExistsException e) {
                // taken: draw another name
            } catch (FileSystemException e) {
                throw cannotCreateIn(dir, e);
            }
        }
    }

    private static void write(Path target, Content content, boolean owned) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp;
        if (owned) {
            try {
                tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
            } catch (FileSystemException e) {
                throw cannotCreateIn(dir, e);
            }
        } else {
            tmp = createTempFile(dir, "." + abs.getFileName(), ".tmp");
        }
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                content.writeTo(out);
            }
            try {
                Files.move(
                        tmp,
                        abs,
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /**
     * The exception to throw when no file can be created in {@code dir}: of the same kind as the
     * cause, naming the directory rather than the temporary file, with a reason a user can act on.
     */
    private static FileSystemException cannotCreateIn(Path dir, FileSystemException e) {
        String reason;
        if (e instanceof AccessDeniedException) {
            reason = "permission denied: no new files can be written in this directory";
        } else if (e instanceof NoSuchFileException && Files.isDirectory(dir)) {
            reason = "its file system refuses new files";
        } else if (e.getReason() != null) {
            reason = "cannot create a file in this directory: " + e.getReason();
        } else {
            reason =
                    "cannot create a file in this directory (" + e.getClass().getSimpleName() + ")";
        }
        FileSystemException r =
                e instanceof AccessDeniedException
                        ? new AccessDeniedException(dir.toString(), null, reason)
                        : new FileSystemException(dir.toString(), null, reason);
        r.initCause(e);
        return r;
    }
}
