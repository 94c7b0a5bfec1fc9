package io.genie4j.genie.data;

/**
 * A run of consecutive frames of one episode.
 *
 * @param source the episode
 * @param start the first frame
 * @param length the number of frames
 */
public record Clip(Source source, int start, int length) {

    /**
     * The frames of clips {@code from} to {@code from + n - 1} of {@code clips} (all of one
     * length), back to back: uint8 {@code [n, length, H, W, 3]}.
     */
    public static byte[] frames(java.util.List<Clip> clips, int from, int n) {
        int length = clips.get(from).length();
        int bytes = length * clips.get(from).source().frameBytes();
        byte[] out = new byte[n * bytes];
        for (int j = 0; j < n; j++) {
            Clip c = clips.get(from + j);
            if (c.length() != length) {
                throw new IllegalArgumentException("clips of different lengths in one batch");
            }
            c.copyTo(out, j * bytes);
        }
        return out;
    }

    /** Copies the clip's frames into {@code out} at {@code offset}. */
    public void copyTo(byte[] out, int offset) {
        source.copyClip(start, length, 1, out, offset);
    }

    /**
     * One episode's frames in memory.
     *
     * @param name the episode's file name
     * @param pixels uint8 frames {@code [T, H, W, 3]}, row-major
     * @param frames T
     * @param actions the action taken after each frame but the last ({@code T - 1}, -1 where
     *     unknown), or null when the episode records none
     * @param rewards the reward of each transition ({@code T - 1}), or null when unknown
     * @param terminated whether the episode's last transition ended it (not a time limit)
     * @param replay how to play the episode again in the env it was recorded in, or null when its
     *     file does not say
     */
    public record Source(
            String name,
            byte[] pixels,
            int frames,
            int[] actions,
            float[] rewards,
            boolean terminated,
            Replay replay) {

        /** An episode without recorded actions. */
        public Source(String name, byte[] pixels, int frames) {
            this(name, pixels, frames, null, null, false, null);
        }

        /** An episode with recorded actions but no rewards. */
        public Source(String name, byte[] pixels, int frames, int[] actions) {
            this(name, pixels, frames, actions, null, false, null);
        }

        /** The reward of transition {@code t} (0 where unknown). */
        public float reward(int t) {
            return rewards == null || t < 0 || t >= rewards.length ? 0 : rewards[t];
        }

        /** Whether transition {@code t} ended the episode. */
        public boolean terminal(int t) {
            return terminated && t == frames - 2;
        }

        /** The action taken after frame {@code t}, or -1 if unknown. */
        public int action(int t) {
            return actions == null || t < 0 || t >= actions.length ? -1 : actions[t];
        }

        /** Bytes per frame. */
        public int frameBytes() {
            return pixels.length / frames;
        }

        /** Copies frames start, start+stride, … ({@code length} of them) into {@code out}. */
        public void copyClip(int start, int length, int stride, byte[] out, int offset) {
            int fb = frameBytes();
            for (int i = 0; i < length; i++) {
                System.arraycopy(pixels, (start + i * stride) * fb, out, offset + i * fb, fb);
            }
        }
    }

    /**
     * What an episode's file says of the env it was recorded in: made with {@code options} and
     * reset with {@code seed}, the recorded actions give the recorded frames again (the env
     * contract's determinism).
     *
     * @param envId the registered env id
     * @param options the options the env was made with
     * @param seed the reset seed
     */
    public record Replay(String envId, java.util.Map<String, Object> options, long seed) {
        public Replay {
            options = java.util.Map.copyOf(options);
        }
    }
}
