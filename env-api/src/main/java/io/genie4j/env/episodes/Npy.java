package io.genie4j.env.episodes;

import io.genie4j.env.DType;
import io.genie4j.env.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The numpy {@code .npy} format, version 1.0: a magic string, a little-endian header length, a
 * Python dict literal header ({@code {'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }})
 * padded to a multiple of 64 bytes, then the raw C-order data. Only what Genie4j stores is
 * supported: the dtypes of {@link DType}, and 0-d or 1-d unicode strings ({@code <U n}).
 */
final class Npy {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** A parsed header: dtype descriptor and shape. */
    record Header(String descr, int[] shape) {
        long elementCount() {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /** Writes the header for an array of {@code descr} and {@code shape}. */
    static void writeHeader(OutputStream out, String descr, int[] shape) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (int d : shape) {
            dims.append(d).append(", ");
        }
        String shapeText =
                shape.length == 1
                        ? "(" + shape[0] + ",)"
                        : "("
                                + (shape.length == 0 ? "" : dims.substring(0, dims.length() - 2))
                                + ")";
        StringBuilder h =
                new StringBuilder("{'descr': '")
                        .append(descr)
                        .append("', 'fortran_order': False, 'shape': ")
                        .append(shapeText)
                        .append(", }");
        // Magic (6) + version (2) + length (2) + header, padded with spaces and ended by '\n' to
        // 64.
        int total = 10 + h.length() + 1;
        h.append(" ".repeat((64 - total % 64) % 64)).append('\n');
        byte[] hb = h.toString().getBytes(StandardCharsets.US_ASCII);
        out.write(MAGIC);
        out.write(new byte[] {1, 0, (byte) (hb.length & 0xFF), (byte) (hb.length >>> 8)});
        out.write(hb);
    }

    /** Writes a whole tensor. */
    static void write(OutputStream out, Tensor t) throws IOException {
        writeHeader(out, t.dtype().npyDescr(), t.shape());
        out.write(t.toByteArray());
    }

    /** Writes a 0-d unicode string array, numpy's {@code numpy.array("text")}. */
    static void writeString(OutputStream out, String s) throws IOException {
        int[] cps = s.codePoints().toArray();
        writeHeader(out, "<U" + Math.max(cps.length, 1), new int[0]);
        byte[] data = new byte[Math.max(cps.length, 1) * 4];
        for (int i = 0; i < cps.length; i++) {
            data[4 * i] = (byte) cps[i];
            data[4 * i + 1] = (byte) (cps[i] >>> 8);
            data[4 * i + 2] = (byte) (cps[i] >>> 16);
            data[4 * i + 3] = (byte) (cps[i] >>> 24);
        }
        out.write(data);
    }

    /**
     * Reads a header.
     *
     * @param what names the array in error messages
     * @throws IOException naming the array and the problem if the header is malformed
     */
    static Header readHeader(InputStream in, String what) throws IOException {
        byte[] pre = in.readNBytes(10);
        if (pre.length < 10) {
            throw new IOException(what + ": truncated .npy header");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (pre[i] != MAGIC[i]) {
                throw new IOException(what + ": not a .npy array (bad magic)");
            }
        }
        int major = pre[6];
        int len;
        if (major == 1) {
            len = (pre[8] & 0xFF) | (pre[9] & 0xFF) << 8;
        } else if (major == 2 || major == 3) {
            byte[] more = in.readNBytes(2);
            if (more.length < 2) {
                throw new IOException(what + ": truncated .npy header");
            }
            len =
                    (pre[8] & 0xFF)
                            | (pre[9] & 0xFF) << 8
                            | (more[0] & 0xFF) << 16
                            | (more[1] & 0xFF) << 24;
        } else {
            throw new IOException(what + ": unsupported .npy version " + major);
        }
        if (len < 0 || len > 1 << 20) {
            throw new IOException(what + ": implausible .npy header length " + len);
        }
        byte[] hb = in.readNBytes(len);
        if (hb.length < len) {
            throw new IOException(what + ": truncated .npy header");
        }
        String h = new String(hb, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(h);
        Matcher o = ORDER.matcher(h);
        Matcher s = SHAPE.matcher(h);
        if (!d.find() || !o.find() || !s.find()) {
            throw new IOException(what + ": malformed .npy header " + h.trim());
        }
        if (o.group(1).equals("True")) {
            throw new IOException(what + ": Fortran-order arrays are not supported");
        }
        List<Integer> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            if (!part.isBlank()) {
                try {
                    dims.add(Integer.parseInt(part.trim().replace("L", "")));
                } catch (NumberFormatException e) {
                    throw new IOException(what + ": bad shape in .npy header " + h.trim());
                }
            }
        }
        return new Header(d.group(1), dims.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Reads an array whose header has been read. */
    static Object readBody(InputStream in, Header h, String what) throws IOException {
        if (h.descr().startsWith("<U")
                || h.descr().startsWith("|U")
                || h.descr().startsWith("=U")) {
            if (h.shape().length > 0 && h.elementCount() != 1) {
                throw new IOException(
                        what
                                + ": only single strings are supported, got shape "
                                + java.util.Arrays.toString(h.shape()));
            }
            int chars = Integer.parseInt(h.descr().substring(2));
            byte[] data = readFully(in, chars * 4L, what);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < chars; i++) {
                int cp =
                        (data[4 * i] & 0xFF)
                                | (data[4 * i + 1] & 0xFF) << 8
                                | (data[4 * i + 2] & 0xFF) << 16
                                | (data[4 * i + 3] & 0xFF) << 24;
                if (cp == 0) {
                    break;
                }
                sb.appendCodePoint(cp);
            }
            return sb.toString();
        }
        DType dtype;
        try {
            dtype = DType.fromNpyDescr(h.descr());
        } catch (IllegalArgumentException e) {
            throw new IOException(what + ": " + e.getMessage());
        }
        byte[] data = readFully(in, h.elementCount() * dtype.byteSize(), what);
        return Tensor.wrap(dtype, data, h.shape());
    }

    static byte[] readFully(InputStream in, long n, String what) throws IOException {
        if (n > Integer.MAX_VALUE - 16) {
            throw new IOException(what + ": array of " + n + " bytes is too large");
        }
        byte[] data = in.readNBytes((int) n);
        if (data.length < n) {
            throw new IOException(
                    what + ": truncated, expected " + n + " bytes of data, found " + data.length);
        }
        return data;
    }
}
