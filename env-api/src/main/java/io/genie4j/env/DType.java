package io.genie4j.env;

import java.util.Locale;

/**
 * Element type of a {@link Tensor}. Names follow numpy ({@code "uint8"}, {@code "float32"}, ...),
 * so the same string identifies a dtype in Java, on the wire and in Python. All multi-byte types
 * are stored little-endian.
 */
public enum DType {
    /** Unsigned 8-bit integer; images use it. */
    UINT8("uint8", "|u1", 1),
    /** Signed 32-bit integer. */
    INT32("int32", "<i4", 4),
    /** Signed 64-bit integer; discrete actions use it. */
    INT64("int64", "<i8", 8),
    /** IEEE 754 single precision. */
    FLOAT32("float32", "<f4", 4),
    /** IEEE 754 double precision. */
    FLOAT64("float64", "<f8", 8),
    /** Boolean, one byte per element (0 or 1), as numpy's {@code bool}. */
    BOOL("bool", "|b1", 1);

    private final String numpyName;
    private final String npyDescr;
    private final int byteSize;

    DType(String numpyName, String npyDescr, int byteSize) {
        this.numpyName = numpyName;
        this.npyDescr = npyDescr;
        this.byteSize = byteSize;
    }

    /** The numpy name, e.g. {@code "uint8"}; the form used in JSON everywhere. */
    public String numpyName() {
        return numpyName;
    }

    /** The {@code .npy} header descriptor, e.g. {@code "<f4"}. */
    public String npyDescr() {
        return npyDescr;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** Whether values of this type are integers (booleans excluded). */
    public boolean isInteger() {
        return this == UINT8 || this == INT32 || this == INT64;
    }

    /** Whether values of this type are floating point. */
    public boolean isFloat() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /**
     * Looks a dtype up by its numpy name.
     *
     * @throws IllegalArgumentException naming the value and the accepted names
     */
    public static DType fromNumpyName(String name) {
        for (DType t : values()) {
            if (t.numpyName.equals(name.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException(
                "unknown dtype '"
                        + name
                        + "'; expected one of uint8, int32, int64, float32, float64, bool");
    }

    /**
     * Looks a dtype up by its {@code .npy} descriptor; {@code "<u1"} and {@code "|u1"} are both
     * accepted.
     *
     * @throws IllegalArgumentException if the descriptor is not one Genie4j reads
     */
    public static DType fromNpyDescr(String descr) {
        for (DType t : values()) {
            if (t.npyDescr.equals(descr)
                    || t.npyDescr.substring(1).equals(descr.substring(1))
                            && descr.length() == 3
                            && (descr.charAt(0) == '<'
                                    || descr.charAt(0) == '|'
                                    || descr.charAt(0) == '=')) {
                return t;
            }
        }
        throw new IllegalArgumentException(
                "unsupported .npy dtype '"
                        + descr
                        + "'; expected a little-endian u1, i4, i8, f4, f8 or b1");
    }
}
