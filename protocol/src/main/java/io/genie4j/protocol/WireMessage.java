package io.genie4j.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.genie4j.env.DType;
import io.genie4j.env.Tensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.zeromq.ZMQ;

/**
 * The framing of PROTOCOL.md §1–2: a JSON header whose values may be {@link Tensor}s anywhere; on
 * the wire each tensor becomes a reference {@code {"$tensor": i, "dtype", "shape"}} to buffer frame
 * {@code i} after the header.
 */
public final class WireMessage {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String REF = "$tensor";

    private WireMessage() {}

    /**
     * Encodes a header whose values may include {@link Tensor}s into frames: the JSON header, then
     * one buffer per tensor in the order they are met (maps in iteration order, lists in order).
     */
    public static List<byte[]> encode(Map<String, ?> header) {
        List<byte[]> buffers = new ArrayList<>();
        Object json = toWire(header, buffers);
        List<byte[]> frames = new ArrayList<>(buffers.size() + 1);
        try {
            frames.add(JSON.writeValueAsBytes(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "cannot encode message header: " + e.getMessage(), e);
        }
        frames.addAll(buffers);
        return frames;
    }

    private static Object toWire(Object v, List<byte[]> buffers) {
        if (v instanceof Tensor t) {
            Map<String, Object> ref = new LinkedHashMap<>();
            ref.put(REF, buffers.size());
            ref.put("dtype", t.dtype().numpyName());
            ref.put("shape", t.shape());
            buffers.add(t.toByteArray());
            return ref;
        } else if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), toWire(x, buffers)));
            return out;
        } else if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(x -> out.add(toWire(x, buffers)));
            return out;
        } else if (v == null
                || v instanceof Number
                || v instanceof String
                || v instanceof Boolean
                || v instanceof int[]
                || v instanceof long[]
                || v instanceof double[]) {
            if (v instanceof Double d && !Double.isFinite(d)
                    || v instanceof Float f && !Float.isFinite(f)) {
                return String.valueOf(v); // JSON has no NaN or infinity
            }
            return v;
        } else if (v instanceof Enum<?> e) {
            return e.name();
        }
        return String.valueOf(v);
    }

    /**
     * Receives one multipart message.
     *
     * @param flags {@code 0} to wait (up to the socket's receive time-out) or {@link ZMQ#DONTWAIT}
     * @return the frames, or {@code null} when nothing arrived
     * @throws org.zeromq.ZMQException when the socket's context is closing
     */
    static List<byte[]> receive(ZMQ.Socket socket, int flags) {
        byte[] first = socket.recv(flags);
        if (first == null) {
            return null;
        }
        List<byte[]> frames = new ArrayList<>(4);
        frames.add(first);
        while (socket.hasReceiveMore()) {
            frames.add(socket.recv(0));
        }
        return frames;
    }

    /**
     * Decodes frames into a header map whose tensor references are replaced by {@link Tensor}s.
     *
     * @throws ProtocolException ({@link ErrorCode#INVALID_ARGUMENT}) for malformed JSON, a header
     *     that is not an object, a bad reference, a buffer of the wrong size, or an unreferenced
     *     buffer
     */
    public static Map<String, Object> decode(List<byte[]> frames) {
        return decode(frames, null);
    }

    /**
     * As {@link #decode(List)}, also resolving shared-memory references ({@code "$shm"},
     * PROTOCOL.md §2.1) into copies of their data in {@code shm}.
     *
     * @param shm the session's shared memory, or {@code null} when there is none: then a
     *     shared-memory reference is an error
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> decode(List<byte[]> frames, SharedMemory shm) {
        if (frames.isEmpty()) {
            throw invalid("empty message: expected a JSON header frame");
        }
        Object parsed;
        try {
            parsed = JSON.readValue(frames.get(0), Object.class);
        } catch (JsonProcessingException e) {
            throw invalid("header is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw invalid("header is not valid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map)) {
            throw invalid("header must be a JSON object");
        }
        boolean[] used = new boolean[frames.size() - 1];
        Map<String, Object> header = (Map<String, Object>) fromWire(parsed, frames, used, shm, 0);
        for (int i = 0; i < used.length; i++) {
            if (!used[i]) {
                throw invalid("buffer frame " + i + " is not referenced by the header");
            }
        }
        return header;
    }

    /**
     * The {@code id} of a request whose frames could not be decoded, read from the header JSON
     * alone; {@code null} when the header is not JSON or has no integer id.
     */
    static Object peekId(byte[] header) {
        try {
            Object id = JSON.readTree(header).get("id").numberValue();
            return id instanceof Integer || id instanceof Long ? id : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** {@code v} as compact JSON, for error messages that quote what a client sent. */
    static String json(Object v) {
        try {
            return JSON.writeValueAsString(v);
        } catch (JsonProcessingException | RuntimeException e) {
            return String.valueOf(v);
        }
    }

    /** The JSON type of a decoded value, in words: "a string", "a number", ... */
    static String jsonType(Object v) {
        if (v == null) {
            return "null";
        } else if (v instanceof String) {
            return "a string";
        } else if (v instanceof Boolean) {
            return "a boolean";
        } else if (v instanceof Integer || v instanceof Long || v instanceof java.math.BigInteger) {
            return "an integer";
        } else if (v instanceof Number) {
            return "a non-integer number";
        } else if (v instanceof List) {
            return "a list";
        } else if (v instanceof Map) {
            return "an object";
        }
        return "a " + v.getClass().getSimpleName();
    }

    private static Object fromWire(
            Object v, List<byte[]> frames, boolean[] used, SharedMemory shm, int depth) {
        if (depth > 64) {
            throw invalid("header nested deeper than 64");
        }
        if (v instanceof Map<?, ?> m) {
            if (m.containsKey(REF)) {
                return tensor(m, frames, used);
            }
            if (m.containsKey(SharedMemory.REF)) {
                return shared(m, shm);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put((String) k, fromWire(x, frames, used, shm, depth + 1)));
            return out;
        } else if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(x -> out.add(fromWire(x, frames, used, shm, depth + 1)));
            return out;
        }
        return v;
    }

    private static Tensor tensor(Map<?, ?> ref, List<byte[]> frames, boolean[] used) {
        if (!(ref.get(REF) instanceof Integer index)) {
            throw invalid("tensor reference needs an integer \"$tensor\", got " + ref.get(REF));
        }
        if (index < 0 || index >= used.length) {
            throw invalid(
                    "tensor reference "
                            + index
                            + " but the message has "
                            + used.length
                            + " buffer frame(s)");
        }
        if (used[index]) {
            throw invalid("buffer frame " + index + " is referenced twice");
        }
        used[index] = true;
        String what = "tensor " + index;
        DType dtype = dtype(ref, what);
        int[] shape = shape(ref, what);
        long count = 1;
        for (int d : shape) {
            count *= d;
        }
        String dt = dtype.numpyName();
        byte[] data = frames.get(index + 1);
        if (data.length != count * dtype.byteSize()) {
            throw invalid(
                    "tensor "
                            + index
                            + " ("
                            + dt
                            + " "
                            + Arrays.toString(shape)
                            + ") needs "
                            + count * dtype.byteSize()
                            + " bytes, buffer has "
                            + data.length);
        }
        return Tensor.wrap(dtype, data, shape);
    }

    private static Tensor shared(Map<?, ?> ref, SharedMemory shm) {
        if (shm == null) {
            throw invalid(
                    "shared-memory reference \"$shm\" in a message of a session without shared"
                            + " memory");
        }
        if (!(ref.get(SharedMemory.REF) instanceof Integer offset)) {
            throw invalid(
                    "shared-memory reference needs an integer \"$shm\" offset, got "
                            + ref.get(SharedMemory.REF));
        }
        String what = "shared-memory tensor at " + offset;
        return shm.read(offset, dtype(ref, what), shape(ref, what));
    }

    private static DType dtype(Map<?, ?> ref, String what) {
        if (!(ref.get("dtype") instanceof String dt)) {
            throw invalid(what + " needs a string \"dtype\"");
        }
        try {
            return DType.fromNumpyName(dt);
        } catch (IllegalArgumentException e) {
            throw invalid(what + ": " + e.getMessage());
        }
    }

    private static int[] shape(Map<?, ?> ref, String what) {
        if (!(ref.get("shape") instanceof List<?> dims)) {
            throw invalid(what + " needs a list \"shape\"");
        }
        int[] shape = new int[dims.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Integer d) || d < 0) {
                throw invalid(what + " has a bad shape " + dims);
            }
            shape[i] = d;
            count *= d;
            if (count > Integer.MAX_VALUE) {
                throw invalid(what + " shape " + dims + " is too large");
            }
        }
        return shape;
    }

    private static ProtocolException invalid(String message) {
        return new ProtocolException(ErrorCode.INVALID_ARGUMENT, message);
    }
}
