package io.genie4j.protocol;

import io.genie4j.env.BoundedImage;
import io.genie4j.env.DType;
import io.genie4j.env.Tensor;
import io.genie4j.env.registry.EnvOption;
import io.genie4j.env.registry.EnvRegistration;
import io.genie4j.env.registry.Envs;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The env options of a {@code make} request as the server lets them through (PROTOCOL.md §4.2): an
 * option that is a path ({@link EnvOption.Type#PATH} or {@link EnvOption.Type#IMAGE}) must resolve,
 * links followed, inside a directory the operator allowed; an image sent as bytes is bounded by its
 * header's dimensions before a pixel is decoded.
 *
 * <p>A path outside the allowed directories gets one message whether or not it exists, so a client
 * learns nothing about the server's files; a missing file inside an allowed directory is reported
 * as missing.
 */
final class WireOptions {
    /** The largest width or height of an image a client sends or names. */
    static final int MAX_IMAGE_SIDE = 4096;

    /** The largest encoded image (PNG, JPEG, GIF, BMP) a client sends. */
    static final int MAX_IMAGE_BYTES = 16 << 20;

    private final List<Path> allowed;

    /**
     * @param allowedDirs the directories clients may name files in
     * @throws IllegalArgumentException naming a directory that does not exist
     */
    WireOptions(List<Path> allowedDirs) {
        List<Path> real = new ArrayList<>();
        for (Path d : allowedDirs) {
            try {
                if (!Files.isDirectory(d)) {
                    throw new IOException("not a directory");
                }
                real.add(d.toRealPath());
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "--allow-dir " + d + " is not a directory this server can read", e);
            }
        }
        this.allowed = List.copyOf(real);
    }

    /** Whether clients may name files at all. */
    boolean allowsPaths() {
        return !allowed.isEmpty();
    }

    /**
     * The options to make {@code envId} with: paths replaced by their real paths inside an allowed
     * directory, images sent as bytes decoded into uint8 {@code [H, W, 3]} pixels.
     *
     * @throws ProtocolException {@link ErrorCode#PERMISSION_DENIED} for a path outside the allowed
     *     directories, {@link ErrorCode#RESOURCE_EXHAUSTED} for an image over the bounds, {@link
     *     ErrorCode#INVALID_ARGUMENT} for bytes that are not an image
     */
    Map<String, Object> check(String envId, Map<String, Object> options) {
        EnvRegistration reg = Envs.registration(envId);
        Map<String, Object> out = new LinkedHashMap<>(options);
        for (EnvOption o : reg.options()) {
            Object v = options.get(o.name());
            if (v == null) {
                continue;
            }
            boolean image = o.type() == EnvOption.Type.IMAGE;
            if (o.isPath(v)) {
                Path real = resolve(o.name(), (String) v);
                if (image) {
                    checkImageFile(o.name(), real);
                }
                out.put(o.name(), real.toString());
            } else if (image && v instanceof Tensor t) {
                out.put(o.name(), pixels(o.name(), t));
            }
        }
        return out;
    }

    // --- Paths ---

    /** The real path of {@code value} if it lies inside an allowed directory. */
    private Path resolve(String option, String value) {
        Path p;
        try {
            p = Path.of(value);
        } catch (InvalidPathException e) {
            throw new ProtocolException(
                    ErrorCode.INVALID_ARGUMENT,
                    "option '" + option + "' = '" + value + "' is not a path: " + e.getReason());
        }
        if (allowed.isEmpty()) {
            throw new ProtocolException(
                    ErrorCode.PERMISSION_DENIED,
                    "option '"
                            + option
                            + "' = '"
                            + value
                            + "' names a file on the server, and this server reads no files named"
                            + " by clients. Send the data itself (an image as bytes or pixels,"
                            + " PROTOCOL.md §4.2), or start the server with --allow-dir DIR and"
                            + " name a file inside DIR");
        }
        // A relative path is taken inside the first allowed directory.
        Path abs = p.isAbsolute() ? p : allowed.get(0).resolve(p);
        try {
            Path real = abs.toRealPath();
            if (inside(real)) {
                return real;
            }
        } catch (NoSuchFileException e) {
            // Missing: say so only when the deepest part that exists is inside an allowed
            // directory and the first part that does not is no entry at all (not a dangling
            // link), so that nothing is learnt about files elsewhere.
            Path inDir = missingInside(abs);
            if (inDir != null) {
                throw new ProtocolException(
                        ErrorCode.NOT_FOUND,
                        "option '"
                                + option
                                + "' = '"
                                + value
                                + "': no such file in the allowed directory "
                                + inDir);
            }
        } catch (IOException | SecurityException e) {
            // Unreadable: refused like any path outside, below.
        }
        throw refusal(option, value);
    }

    private ProtocolException refusal(String option, String value) {
        return new ProtocolException(
                ErrorCode.PERMISSION_DENIED,
                "option '"
                        + option
                        + "' = '"
                        + value
                        + "' is refused: clients may name only files inside the directories the"
                        + " server allows ("
                        + allowed.stream().map(Path::toString).collect(Collectors.joining(", "))
                        + "; links are followed), and this path is not one. Name a file there,"
                        + " send the data itself, or start the server with another --allow-dir");
    }

    private boolean inside(Path real) {
        return allowed.stream().anyMatch(real::startsWith);
    }

    private Path allowedDirOf(Path real) {
        return allowed.stream().filter(real::startsWith).findFirst().orElse(real);
    }

    /**
     * The allowed directory in which {@code p} is missing: its deepest ancestor that resolves lies
     * inside one, and the next part down exists not even as a (dangling) link. Otherwise null.
     */
    private Path missingInside(Path p) {
        Path child = p;
        for (Path a = p.getParent(); a != null; child = a, a = a.getParent()) {
            Path real;
            try {
                real = a.toRealPath();
            } catch (IOException | SecurityException e) {
                continue; // go up
            }
            if (!inside(real) || Files.exists(child, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            return allowedDirOf(real);
        }
        return null;
    }

    // --- Images ---

    /** Checks that an image file inside an allowed directory is within the bounds, if it is one. */
    private static void checkImageFile(String option, Path file) {
        if (!Files.isRegularFile(file)) {
            return; // a directory or the like: the env says what it expected
        }
        try (InputStream in = Files.newInputStream(file)) {
            BoundedImage.checkHeader(in, MAX_IMAGE_SIDE);
        } catch (BoundedImage.TooLarge e) {
            throw tooLarge(option, e);
        } catch (IOException e) {
            throw new ProtocolException(
                    ErrorCode.INVALID_ARGUMENT,
                    "option '" + option + "': cannot read the image file: " + e.getMessage());
        }
    }

    /** The pixels of an image option given as a tensor: decoded bytes, or pixels checked. */
    private static Tensor pixels(String option, Tensor t) {
        if (t.dtype() == DType.UINT8 && t.rank() == 1) {
            return decode(option, t.toByteArray());
        }
        if (t.dtype() == DType.UINT8 && t.rank() == 3 && t.dim(2) == 3) {
            checkSide(option, t.dim(1), t.dim(0));
            return t;
        }
        throw new ProtocolException(
                ErrorCode.INVALID_ARGUMENT,
                "option '"
                        + option
                        + "' got a "
                        + t.dtype().numpyName()
                        + " tensor "
                        + Arrays.toString(t.shape())
                        + "; an image is sent as uint8 [N] (the bytes of a PNG, JPEG, GIF or BMP"
                        + " file) or uint8 [H, W, 3] (RGB pixels)");
    }

    /**
     * Decodes an image file's bytes into uint8 {@code [H, W, 3]} RGB, after checking the byte count
     * and the dimensions its header declares, before the pixels are read.
     */
    static Tensor decode(String option, byte[] bytes) {
        if (bytes.length > MAX_IMAGE_BYTES) {
            throw new ProtocolException(
                    ErrorCode.RESOURCE_EXHAUSTED,
                    "option '"
                            + option
                            + "': an image of "
                            + bytes.length
                            + " bytes exceeds the limit of "
                            + MAX_IMAGE_BYTES
                            + " bytes; send a smaller file");
        }
        try {
            // The header alone is read before the size is known to be bounded.
            return rgb(BoundedImage.decode(bytes, MAX_IMAGE_SIDE));
        } catch (BoundedImage.NotAnImage e) {
            throw new ProtocolException(
                    ErrorCode.INVALID_ARGUMENT,
                    "option '"
                            + option
                            + "': the "
                            + bytes.length
                            + " bytes sent are not a PNG, JPEG, GIF or BMP image"
                            + (bytes.length > 0 ? " (they begin " + hex(bytes) + ")" : ""));
        } catch (BoundedImage.TooLarge e) {
            throw tooLarge(option, e);
        } catch (IOException | RuntimeException e) {
            throw new ProtocolException(
                    ErrorCode.INVALID_ARGUMENT,
                    "option '" + option + "': the image sent cannot be decoded: " + e.getMessage());
        }
    }

    private static ProtocolException tooLarge(String option, BoundedImage.TooLarge e) {
        return sideError(option, e.width(), e.height());
    }

    private static void checkSide(String option, int width, int height) {
        if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width < 1 || height < 1) {
            throw sideError(option, width, height);
        }
    }

    private static ProtocolException sideError(String option, int width, int height) {
        return new ProtocolException(
                ErrorCode.RESOURCE_EXHAUSTED,
                "option '"
                        + option
                        + "': the image is "
                        + width
                        + "×"
                        + height
                        + "; the server takes images from 1×1 up to "
                        + MAX_IMAGE_SIDE
                        + "×"
                        + MAX_IMAGE_SIDE
                        + ". Shrink it first");
    }

    private static Tensor rgb(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        byte[] out = new byte[w * h * 3];
        for (int i = 0; i < argb.length; i++) {
            out[3 * i] = (byte) (argb[i] >> 16);
            out[3 * i + 1] = (byte) (argb[i] >> 8);
            out[3 * i + 2] = (byte) argb[i];
        }
        return Tensor.uint8(out, h, w, 3);
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(8, b.length); i++) {
            sb.append(String.format("%02x", b[i] & 0xff));
        }
        return sb.toString();
    }
}
