package io.genie4j.agents;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Frames with a class label each, for supervised training of a {@link CnnPolicy}: expert frames
 * with their actions, or with the latent actions a world model inferred. Every frame also carries a
 * group (its episode), so a validation split never puts frames of one episode on both sides.
 *
 * <p>For a policy that reads a stack of frames, each entry is the whole stack ({@link
 * FrameHistory#of} builds it from an episode), {@code stack × size × size × 3} bytes.
 */
public final class LabelledFrames {
    private final int size;
    private final int classes;
    private final int stack;
    private final List<byte[]> frames = new ArrayList<>();
    private int[] labels = new int[64];
    private int[] groups = new int[64];

    /**
     * An empty set of single frames.
     *
     * @param size the frame side in pixels (frames are {@code size × size × 3} bytes)
     * @param classes labels lie in {@code [0, classes)}
     */
    public LabelledFrames(int size, int classes) {
        this(size, classes, 1);
    }

    /**
     * An empty set of frame stacks.
     *
     * @param size the frame side in pixels
     * @param classes labels lie in {@code [0, classes)}
     * @param stack frames per entry (entries are {@code stack × size × size × 3} bytes)
     */
    public LabelledFrames(int size, int classes, int stack) {
        if (size < 1 || classes < 1 || stack < 1) {
            throw new IllegalArgumentException(
                    "size, classes and stack must be >= 1, got "
                            + size
                            + ", "
                            + classes
                            + " and "
                            + stack);
        }
        this.size = size;
        this.classes = classes;
        this.stack = stack;
    }

    /** Adds an entry; the array is kept, not copied. */
    public LabelledFrames add(byte[] frame, int label, int group) {
        int bytes = stack * size * size * 3;
        if (frame.length != bytes) {
            throw new IllegalArgumentException(
                    (stack > 1 ? "frame stack" : "frame")
                            + " has "
                            + frame.length
                            + " bytes, expected "
                            + bytes);
        }
        if (label < 0 || label >= classes) {
            throw new IllegalArgumentException(
                    "label " + label + " is outside [0, " + classes + ")");
        }
        int n = frames.size();
        if (n == labels.length) {
            labels = Arrays.copyOf(labels, 2 * n);
            groups = Arrays.copyOf(groups, 2 * n);
        }
        frames.add(frame);
        labels[n] = label;
        groups[n] = group;
        return this;
    }

    /** The number of frames. */
    public int count() {
        return frames.size();
    }

    /** The frame side in pixels. */
    public int frameSize() {
        return size;
    }

    /** Frames per entry. */
    public int stack() {
        return stack;
    }

    /** The number of classes. */
    public int classes() {
        return classes;
    }

    /** Frame {@code i}. */
    public byte[] frame(int i) {
        return frames.get(i);
    }

    /** Label of frame {@code i}. */
    public int label(int i) {
        if (i >= frames.size()) {
            throw new IndexOutOfBoundsException(i);
        }
        return labels[i];
    }

    /** Group of frame {@code i}. */
    public int group(int i) {
        if (i >= frames.size()) {
            throw new IndexOutOfBoundsException(i);
        }
        return groups[i];
    }

    /** How many frames carry each label. */
    public int[] labelCounts() {
        int[] c = new int[classes];
        for (int i = 0; i < frames.size(); i++) {
            c[labels[i]]++;
        }
        return c;
    }

    /** Frame indices of a training and a validation part. */
    public record Split(int[] train, int[] validation) {}

    /**
     * Splits by group: a seeded shuffle of the distinct groups, the first {@code round(fraction ×
     * groups)} of them (at least one when {@code fraction > 0} and there are two or more groups) to
     * validation.
     */
    public Split split(double fraction, long seed) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException(
                    "validation fraction must be in [0, 1), got " + fraction);
        }
        Set<Integer> distinct = new LinkedHashSet<>();
        for (int i = 0; i < frames.size(); i++) {
            distinct.add(groups[i]);
        }
        int[] ids = distinct.stream().mapToInt(Integer::intValue).sorted().toArray();
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = ids.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = ids[i];
            ids[i] = ids[j];
            ids[j] = t;
        }
        int held = (int) Math.round(fraction * ids.length);
        if (fraction > 0 && held == 0 && ids.length >= 2) {
            held = 1;
        }
        Set<Integer> validation = new java.util.HashSet<>();
        for (int i = 0; i < held; i++) {
            validation.add(ids[i]);
        }
        int[] v = new int[frames.size()];
        int[] t = new int[frames.size()];
        int nv = 0;
        int nt = 0;
        for (int i = 0; i < frames.size(); i++) {
            if (validation.contains(groups[i])) {
                v[nv++] = i;
            } else {
                t[nt++] = i;
            }
        }
        return new Split(Arrays.copyOf(t, nt), Arrays.copyOf(v, nv));
    }
}
