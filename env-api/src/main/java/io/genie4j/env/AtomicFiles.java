package io.genie4j.env;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes files so that a reader sees either the old file or the whole new one: the content goes to
 * a temporary file beside the target, which is then renamed over it. A failed write leaves the
 * target untouched and removes the temporary file.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Produces a file's content. */
    @FunctionalInterface
    public interface Content {
        /** Writes the content to {@code out}; need not close it. */
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes {@code content} to {@code target} atomically, creating parent directories. */
    public static void write(Path target, Content content) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
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

    /** Writes a UTF-8 string to {@code target} atomically. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }
}
