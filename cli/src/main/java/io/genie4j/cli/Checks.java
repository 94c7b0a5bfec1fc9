package io.genie4j.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Checks of option values and output paths, made before a command does any work or writes anything.
 * Each failure is an {@link IllegalArgumentException} whose message names the option, what is wrong
 * and what to give instead; {@link Genie4jCommand} prints it without a stack trace.
 */
final class Checks {
    private Checks() {}

    /**
     * {@code value} if it is at least {@code min}.
     *
     * @throws IllegalArgumentException "OPTION must be >= MIN, got VALUE"
     */
    static long atLeast(String option, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(option + " must be >= " + min + ", got " + value);
        }
        return value;
    }

    /**
     * {@code value} if it is at least {@code min}.
     *
     * @throws IllegalArgumentException "OPTION must be >= MIN, got VALUE"
     */
    static double atLeast(String option, double value, double min) {
        if (!(value >= min)) {
            throw new IllegalArgumentException(
                    option + " must be >= " + number(min) + ", got " + number(value));
        }
        return value;
    }

    /**
     * {@code value} if it is a number above 0.
     *
     * @throws IllegalArgumentException "OPTION must be > 0, got VALUE"
     */
    static double positive(String option, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(option + " must be > 0, got " + number(value));
        }
        return value;
    }

    /**
     * Checks each of {@code values} is at least {@code min}.
     *
     * @throws IllegalArgumentException naming the option and the first value below {@code min}
     */
    static void eachAtLeast(String option, int[] values, int min) {
        for (int v : values) {
            if (v < min) {
                throw new IllegalArgumentException(
                        option + " values must be >= " + min + ", got " + v);
            }
        }
    }

    /** {@code 1} for 1.0, {@code 0.5} for 0.5. */
    static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15
                ? Long.toString((long) v)
                : Double.toString(v);
    }

    /**
     * Checks that the video {@code file} can be written: it ends in {@code .gif} or {@code .mp4},
     * is not a directory, and its directory exists or can be created and accepts new files. Creates
     * nothing.
     */
    static void videoFile(String option, Path file) {
        String name = String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT);
        if (!name.endsWith(".gif") && !name.endsWith(".mp4")) {
            throw new IllegalArgumentException(
                    option + " " + file + " must end in .gif or .mp4 (the video format)");
        }
        outputFile(option, file, "video" + name.substring(name.length() - 4));
    }

    /**
     * Checks that {@code file} can be written: it is not a directory, and its directory exists or
     * can be created and accepts new files. Creates nothing (a probe file is created and removed at
     * once in the nearest existing directory).
     *
     * @param example a file name to suggest when {@code file} names a directory
     */
    static void outputFile(String option, Path file, String example) {
        Path abs = file.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            throw new IllegalArgumentException(
                    option
                            + " "
                            + file
                            + " is a directory: name a file in it, e.g. "
                            + file.resolve(example));
        }
        writableAncestor(option, file, abs.getParent());
    }

    /**
     * Checks that {@code dir} can be used as an output directory: it is a directory, or does not
     * exist yet and can be created; either way new files can be made in it. Creates nothing (a
     * probe file is created and removed at once in the nearest existing directory).
     */
    static void outputDirectory(String option, Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new IllegalArgumentException(
                    option
                            + " "
                            + dir
                            + " is an existing file, not a directory: give the path of a new"
                            + " directory, or of an existing one to add to");
        }
        writableAncestor(option, dir, abs);
    }

    /** Checks that {@code target} (to be created in or as {@code dir}) can be written. */
    private static void writableAncestor(String option, Path target, Path dir) {
        Path a = dir;
        while (a != null && !Files.exists(a)) {
            a = a.getParent();
        }
        if (a == null) {
            return; // nothing on the way exists: creating it will report what is wrong
        }
        if (!Files.isDirectory(a)) {
            throw new IllegalArgumentException(
                    option
                            + " "
                            + target
                            + " cannot be written: "
                            + a
                            + " is a file, not a directory. Choose another path");
        }
        try {
            Path probe = Files.createTempFile(a, ".genie4j-write-test", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    option
                            + " "
                            + target
                            + " cannot be written: "
                            + why(a, e)
                            + ". Choose a directory you can write to");
        }
    }

    /** Why nothing can be created in the existing directory {@code dir}. */
    static String why(Path dir, IOException e) {
        String reason = e instanceof FileSystemException f ? f.getReason() : null;
        if (e instanceof AccessDeniedException) {
            return "permission denied in " + dir;
        }
        if (reason != null && reason.toLowerCase(Locale.ROOT).contains("read-only")) {
            return dir + " is on a read-only file system";
        }
        if (e instanceof NoSuchFileException) {
            return "the file system of " + dir + " refuses new files";
        }
        if (reason != null) {
            return "cannot create files in " + dir + " (" + reason + ")";
        }
        return "cannot create files in " + dir + " (" + e + ")";
    }
}
