package io.genie4j.agents;

import io.genie4j.env.DType;
import io.genie4j.env.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The inputs of a policy that reads the last {@code k} frames, one {@code k × S × S × 3} byte array
 * per env slot, oldest frame first. Observations may come either way:
 *
 * <ul>
 *   <li>single {@code [S, S, 3]} frames, as a plain env or vector env gives them: each slot's
 *       recent frames are kept here, and a slot's first frame after {@link #reset(int)} stands in
 *       for the frames before it;
 *   <li>already stacked {@code [k, S, S, 3]} observations from an env wrapped in {@link
 *       io.genie4j.env.wrappers.FrameStack}, whose default padding follows the same rule: these
 *       pass through.
 * </ul>
 *
 * {@link #of} builds the same inputs from a recorded episode, so a policy is trained on exactly the
 * inputs it meets when it plays. Not thread-safe.
 */
public final class FrameHistory {
    private final int size;
    private final int k;
    private final int[] frameShape;
    private final int[] stackShape;
    private final List<byte[][]> slots = new ArrayList<>();

    /**
     * @param size the frame side in pixels
     * @param k frames per input, at least 1
     */
    public FrameHistory(int size, int k) {
        if (size < 1 || k < 1) {
            throw new IllegalArgumentException(
                    "frame size and stack must be >= 1, got " + size + " and " + k);
        }
        this.size = size;
        this.k = k;
        this.frameShape = new int[] {size, size, 3};
        this.stackShape = new int[] {k, size, size, 3};
    }

    /**
     * Each slot's input after its newest observation.
     *
     * @param observations one per env slot, slot {@code i} at index {@code i}
     * @throws IllegalArgumentException if an observation is neither a uint8 {@code [S, S, 3]} frame
     *     nor a {@code [k, S, S, 3]} stack of them
     */
    public List<byte[]> inputs(List<Tensor> observations) {
        while (slots.size() < observations.size()) {
            slots.add(null);
        }
        List<byte[]> out = new ArrayList<>(observations.size());
        for (int i = 0; i < observations.size(); i++) {
            Tensor t = observations.get(i);
            int[] shape = t.shape();
            if (t.dtype() == DType.UINT8 && k > 1 && Arrays.equals(shape, stackShape)) {
                out.add(t.toByteArray());
                continue;
            }
            if (t.dtype() != DType.UINT8 || !Arrays.equals(shape, frameShape)) {
                throw new IllegalArgumentException(
                        "expected a uint8 ["
                                + size
                                + ", "
                                + size
                                + ", 3] image"
                                + (k > 1
                                        ? " or a [" + k + ", " + size + ", " + size + ", 3] stack"
                                        : "")
                                + ", got "
                                + t.describe());
            }
            out.add(push(i, t.toByteArray()));
        }
        return out;
    }

    private byte[] push(int slot, byte[] f) {
        if (k == 1) {
            return f;
        }
        byte[][] h = slots.get(slot);
        if (h == null) {
            h = new byte[k][];
            Arrays.fill(h, f);
            slots.set(slot, h);
        } else {
            System.arraycopy(h, 1, h, 0, k - 1);
            h[k - 1] = f;
        }
        return join(h);
    }

    /** Slot {@code slot} starts a new episode: its next frame fills the whole stack. */
    public void reset(int slot) {
        if (slot < slots.size()) {
            slots.set(slot, null);
        }
    }

    /**
     * The input at step {@code t} of a recorded episode: frames {@code t - k + 1 .. t}, with frame
     * 0 standing in for those before the episode began.
     */
    public static byte[] of(List<byte[]> episode, int t, int k) {
        if (t < 0 || t >= episode.size()) {
            throw new IndexOutOfBoundsException(
                    "step " + t + " of an episode of " + episode.size() + " frames");
        }
        if (k == 1) {
            return episode.get(t);
        }
        byte[][] h = new byte[k][];
        for (int j = 0; j < k; j++) {
            h[j] = episode.get(Math.max(0, t - k + 1 + j));
        }
        return join(h);
    }

    private static byte[] join(byte[][] frames) {
        int n = frames[0].length;
        byte[] out = new byte[frames.length * n];
        for (int j = 0; j < frames.length; j++) {
            System.arraycopy(frames[j], 0, out, j * n, n);
        }
        return out;
    }
}
