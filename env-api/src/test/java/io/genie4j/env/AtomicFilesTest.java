package io.genie4j.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir Path dir;

    /** This process's umask, as the permissions it removes from a new file's rw-rw-rw-. */
    static Set<PosixFilePermission> umaskedDefault() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", "umask").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertEquals(0, p.waitFor());
        int mask = Integer.parseInt(out.trim(), 8);
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] rw = {
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE
        };
        int[] bits = {0400, 0200, 040, 020, 04, 02};
        for (int i = 0; i < bits.length; i++) {
            if ((mask & bits[i]) == 0) {
                perms.add(rw[i]);
            }
        }
        return perms;
    }

    private static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    @Test
    void sharedFilesFollowTheUmaskAndPrivateOnesAreOwnerOnly() throws Exception {
        assumeTrue(posix(dir), "POSIX permissions");
        Path shared = dir.resolve("sub/report.json");
        AtomicFiles.writeString(shared, "{}\n");
        assertEquals("{}\n", Files.readString(shared));
        assertEquals(umaskedDefault(), Files.getPosixFilePermissions(shared));

        Path secret = dir.resolve("key.secret");
        AtomicFiles.writePrivateString(secret, "s\n");
        assertEquals(
                PosixFilePermissions.fromString("rw-------"),
                Files.getPosixFilePermissions(secret));
        // Rewriting a private file keeps it private; rewriting a shared one keeps it shared.
        AtomicFiles.writePrivateString(secret, "t\n");
        assertEquals(
                PosixFilePermissions.fromString("rw-------"),
                Files.getPosixFilePermissions(secret));

        Path tmp = AtomicFiles.createTempFile(dir, ".video", ".mp4");
        assertEquals(umaskedDefault(), Files.getPosixFilePermissions(tmp));
        try (var s = Files.list(dir)) {
            assertEquals(3, s.count(), "sub/, key.secret and the temp file: no leftovers");
        }
    }

    @Test
    void aDirectoryThatTakesNoFilesIsNamedNotTheTemporaryFile() throws IOException {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        FileSystemException e =
                assertThrows(
                        FileSystemException.class,
                        () -> AtomicFiles.writeString(file.resolve("out.json"), "{}"));
        // createDirectories fails first on a path under a file; either way no .tmp is named.
        assertTrue(!e.getMessage().contains(".tmp"), e.getMessage());
        assumeTrue(Files.isDirectory(Path.of("/proc")), "a /proc file system");
        e =
                assertThrows(
                        FileSystemException.class,
                        () -> AtomicFiles.writeString(Path.of("/proc/genie4j-test.gif"), "x"));
        assertEquals("/proc", e.getFile(), e.getMessage());
        assertTrue(e.getMessage().contains("refuses new files"), e.getMessage());
    }
}
