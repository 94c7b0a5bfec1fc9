package io.genie4j.env.episodes;

import io.genie4j.env.AtomicFiles;
import io.genie4j.env.Tensor;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Numpy's {@code .npz} archive: a zip of {@code name.npy} arrays, which {@code numpy.load} opens.
 * Values are {@link Tensor}s or single strings (stored as numpy unicode arrays). Files are written
 * to a temporary name in the same directory and renamed into place, so a reader never sees half a
 * file.
 */
public final class Npz {
    private Npz() {}

    /**
     * Writes arrays to {@code file} atomically, deflated (as {@code numpy.savez_compressed}).
     *
     * @param arrays name → {@link Tensor} or {@link String}, in the order to store them
     */
    public static void write(Path file, Map<String, ?> arrays) throws IOException {
        AtomicFiles.write(
                file,
                out -> {
                    try (ZipOutputStream zip = open(out)) {
                        for (Map.Entry<String, ?> e : arrays.entrySet()) {
                            zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                            if (e.getValue() instanceof Tensor t) {
                                Npy.write(zip, t);
                            } else if (e.getValue() instanceof String s) {
                                Npy.writeString(zip, s);
                            } else {
                                throw new IllegalArgumentException(
                                        "npz entry '"
                                                + e.getKey()
                                                + "' is neither a Tensor nor a String");
                            }
                            zip.closeEntry();
                        }
                    }
                });
    }

    static ZipOutputStream open(OutputStream out) {
        ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(out, 1 << 16));
        zip.setLevel(Deflater.BEST_SPEED);
        return zip;
    }

    /**
     * Reads every array of an {@code .npz} file.
     *
     * @return name (without {@code .npy}) → {@link Tensor} or {@link String}, in file order
     * @throws IOException naming the file if it is missing, truncated, not a zip or holds a
     *     malformed array
     */
    public static Map<String, Object> read(Path file) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        try (ZipFile zip = openZip(file)) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (!e.getName().endsWith(".npy")) {
                    continue;
                }
                String name = e.getName().substring(0, e.getName().length() - 4);
                String what = file + " [" + name + "]";
                try (InputStream in = new BufferedInputStream(zip.getInputStream(e), 1 << 16)) {
                    out.put(name, Npy.readBody(in, Npy.readHeader(in, what), what));
                } catch (ZipException | java.io.EOFException ex) {
                    throw new IOException(
                            what + ": truncated or corrupt (" + ex.getMessage() + ")", ex);
                }
            }
        }
        return out;
    }

    static ZipFile openZip(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.io.FileNotFoundException(file + ": no such file");
        }
        try {
            return new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new IOException(
                    file
                            + " is not a readable .npz file (truncated or not a zip archive: "
                            + e.getMessage()
                            + ")",
                    e);
        }
    }
}
