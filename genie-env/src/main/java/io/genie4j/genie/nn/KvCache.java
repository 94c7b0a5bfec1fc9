package io.genie4j.genie.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The temporal keys and values {@code [M, H, t, dh]} of each layer of an {@link StTransformer}, for
 * stepping one frame at a time: because temporal attention is causal and spatial attention stays
 * within a frame, a past frame's keys and values never change once computed. The cache keeps at
 * most {@code window} frames, dropping the oldest.
 *
 * <p>Each layer's keys and values live in one buffer of {@code window} frame slots, allocated once
 * and written in place: a new frame takes the slot of the oldest, so stepping copies only the new
 * frame, and no memory is allocated per step (fresh memory is costly: every new page faults). Once
 * the window has wrapped the slots are not in time order, which attention does not mind: keys carry
 * their positions (RoPE) and a softmax over keys is the same in any order.
 */
public final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final int window;
    private int length;
    private int head;
    private long next;

    /** An empty cache for {@code layers} layers keeping at most {@code window} frames. */
    public KvCache(NDManager parent, int layers, int window) {
        if (window <= 0) {
            throw new IllegalArgumentException("cache window must be positive, got " + window);
        }
        this.manager = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
        this.window = window;
    }

    /** Frames cached. */
    public int length() {
        return length;
    }

    /** The most frames kept. */
    public int window() {
        return window;
    }

    /** The position of the next frame (frames stepped since the last {@link #clear()}). */
    public long nextPosition() {
        return next;
    }

    /**
     * The cached keys of {@code layer}, {@code [M, H, length, dh]} (null when empty), as a view
     * owned by {@code into}: arrays computed from it belong there too, not to the cache.
     */
    NDArray keys(int layer, NDManager into) {
        return view(keys[layer], into);
    }

    /** The cached values of {@code layer}, as {@link #keys}. */
    NDArray values(int layer, NDManager into) {
        return view(values[layer], into);
    }

    private NDArray view(NDArray buffer, NDManager into) {
        if (length == 0) {
            return null;
        }
        NDArray v = buffer.get(new NDIndex(":, :, 0:{}", length));
        v.attach(into);
        return v;
    }

    /**
     * Replaces the content with {@code l} frames whose keys and values per layer are {@code
     * kv[layer] = {k, v}} ({@code [M, H, l, dh]}), the first frame at position {@code first}.
     */
    void fill(NDArray[][] kv, long first, int l) {
        for (int i = 0; i < keys.length; i++) {
            long rows = kv[i][0].getShape().get(0);
            fillRows(i, rows, 0, kv[i][0], kv[i][1]);
        }
        filled(first, l);
    }

    /**
     * Writes the keys and values {@code [m, H, l, dh]} of rows {@code row..row+m-1} (of {@code
     * rows}) of a refill of {@code layer}; once every layer's rows are written, {@link #filled}
     * makes them the content. Only the last {@code window} frames are kept.
     */
    void fillRows(int layer, long rows, long row, NDArray k, NDArray v) {
        long l = k.getShape().get(2);
        long keep = Math.min(l, window);
        String rowRange = row + ":" + (row + k.getShape().get(0));
        NDIndex at = new NDIndex(rowRange + ", :, 0:{}", keep);
        NDIndex from = new NDIndex(":, :, {}:", l - keep);
        keys[layer] = buffer(keys[layer], rows, k, true);
        values[layer] = buffer(values[layer], rows, v, true);
        keys[layer].set(at, keep == l ? k : k.get(from));
        values[layer].set(at, keep == l ? v : v.get(from));
    }

    /**
     * Makes the rows written by {@link #fillRows} the content: {@code l} frames from {@code first}.
     */
    void filled(long first, int l) {
        length = Math.min(l, window);
        head = length % window;
        next = first + l;
    }

    /**
     * Appends one frame's keys and values per layer ({@code [M, H, 1, dh]}), dropping the oldest.
     */
    void append(NDArray[][] kv) {
        NDIndex slot = new NDIndex(":, :, {}:{}", head, head + 1);
        for (int i = 0; i < keys.length; i++) {
            long rows = kv[i][0].getShape().get(0);
            keys[i] = buffer(keys[i], rows, kv[i][0], length == 0);
            values[i] = buffer(values[i], rows, kv[i][1], length == 0);
            keys[i].set(slot, kv[i][0]);
            values[i].set(slot, kv[i][1]);
        }
        head = (head + 1) % window;
        length = Math.min(length + 1, window);
        next++;
    }

    /**
     * {@code buffer} if it fits entries like {@code like} for {@code rows} rows, else a new one
     * when the content may be dropped ({@code fresh}).
     */
    private NDArray buffer(NDArray buffer, long rows, NDArray like, boolean fresh) {
        Shape s = like.getShape();
        Shape want = new Shape(rows, s.get(1), window, s.get(3));
        if (buffer != null
                && buffer.getShape().equals(want)
                && buffer.getDataType() == like.getDataType()) {
            return buffer;
        }
        if (buffer != null) {
            if (!fresh) {
                throw new IllegalStateException(
                        "the cache holds entries for "
                                + buffer.getShape()
                                + ", the new frame's are "
                                + s);
            }
            buffer.close();
        }
        return manager.zeros(want, like.getDataType());
    }

    /**
     * Overwrites rows {@code to..to+count-1} of every layer with rows {@code from..from+count-1} of
     * {@code source}: a refill of a few rows, computed apart from the others, joins them. {@code
     * source} must hold as many frames at the same positions, in time order from its first slot (as
     * a fill leaves it); this cache may have wrapped, and each frame goes to the slot that holds
     * its position here.
     *
     * @throws IllegalStateException if the two caches' frames, windows or layers differ
     */
    public void copyRows(KvCache source, long from, long to, long count) {
        if (source.keys.length != keys.length
                || source.window != window
                || source.length != length
                || source.next != next
                || source.head != length % window) {
            throw new IllegalStateException(
                    "cannot copy rows between caches of different frames: "
                            + source.length
                            + " frames up to position "
                            + source.next
                            + " into "
                            + length
                            + " up to position "
                            + next);
        }
        if (length == 0) {
            return;
        }
        // The oldest frame's slot here; the source's frames run from its slot 0 in time order.
        int oldest = Math.floorMod(head - length, window);
        int firstRun = Math.min(length, window - oldest);
        for (int i = 0; i < keys.length; i++) {
            copy(source.keys[i], keys[i], from, to, count, oldest, firstRun);
            copy(source.values[i], values[i], from, to, count, oldest, firstRun);
        }
    }

    /** Source slots 0..length-1 into slots oldest.. (wrapping) of rows of {@code into}. */
    private void copy(
            NDArray source, NDArray into, long from, long to, long count, int oldest, int run) {
        String src = from + ":" + (from + count) + ", :, ";
        String dst = to + ":" + (to + count) + ", :, ";
        try (NDArray a = source.get(new NDIndex(src + "0:{}", run))) {
            into.set(new NDIndex(dst + "{}:{}", oldest, oldest + run), a);
        }
        if (run < length) {
            try (NDArray b = source.get(new NDIndex(src + "{}:{}", run, length))) {
                into.set(new NDIndex(dst + "0:{}", length - run), b);
            }
        }
    }

    /** Forgets every frame (keeping the buffers for reuse); the next frame is at position 0. */
    public void clear() {
        length = 0;
        head = 0;
        next = 0;
    }

    @Override
    public void close() {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) {
                keys[i].close();
                values[i].close();
                keys[i] = null;
                values[i] = null;
            }
        }
        manager.close();
    }
}
