package io.genie4j.genie.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * The temporal keys and values {@code [M, H, t, dh]} of each layer of an {@link StTransformer}, for
 * stepping one frame at a time: because temporal attention is causal and spatial attention stays
 * within a frame, a past frame's keys and values never change once computed. The cache owns its
 * arrays (in its own manager) and keeps at most {@code window} frames, dropping the oldest.
 */
public final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final int window;
    private int length;
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

    NDArray keys(int layer) {
        return keys[layer];
    }

    NDArray values(int layer) {
        return values[layer];
    }

    /**
     * Replaces the content with {@code l} frames whose keys and values per layer are {@code
     * kv[layer] = {k, v}}, the first frame at position {@code first}.
     */
    void fill(NDArray[][] kv, long first, int l) {
        release();
        for (int i = 0; i < keys.length; i++) {
            keys[i] = own(kv[i][0]);
            values[i] = own(kv[i][1]);
        }
        length = l;
        next = first + l;
        trim();
    }

    /** Appends one frame's keys and values per layer. */
    void append(NDArray[][] kv) {
        for (int i = 0; i < keys.length; i++) {
            keys[i] = grow(keys[i], kv[i][0]);
            values[i] = grow(values[i], kv[i][1]);
        }
        length++;
        next++;
        trim();
    }

    private NDArray grow(NDArray old, NDArray add) {
        if (old == null) {
            return own(add);
        }
        NDArray c = own(NDArrays.concat(new NDList(old, add), 2));
        old.close();
        return c;
    }

    private void trim() {
        if (length <= window) {
            return;
        }
        String range = (length - window) + ":";
        for (int i = 0; i < keys.length; i++) {
            NDArray k = own(keys[i].get(new NDIndex(":, :, " + range)));
            NDArray v = own(values[i].get(new NDIndex(":, :, " + range)));
            keys[i].close();
            values[i].close();
            keys[i] = k;
            values[i] = v;
        }
        length = window;
    }

    private NDArray own(NDArray a) {
        NDArray d = a.duplicate();
        d.attach(manager);
        return d;
    }

    /** Forgets every frame; the next frame is at position 0. */
    public void clear() {
        release();
        length = 0;
        next = 0;
    }

    private void release() {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) {
                keys[i].close();
                values[i].close();
                keys[i] = null;
                values[i] = null;
            }
        }
    }

    @Override
    public void close() {
        release();
        manager.close();
    }
}
