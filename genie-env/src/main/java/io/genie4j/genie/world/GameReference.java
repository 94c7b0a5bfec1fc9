package io.genie4j.genie.world;

import io.genie4j.env.Env;
import io.genie4j.env.Step;
import io.genie4j.env.Tensor;
import io.genie4j.env.registry.Envs;
import io.genie4j.env.spaces.Discrete;
import io.genie4j.genie.data.Clip;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The real env as a reference for {@link WorldEval}'s ΔtPSNR: each recorded clip is played again in
 * the env it was recorded in, up to its last prompt frame, and from there on with uniformly random
 * actions. Scored through the model's tokenizer against the recorded frames, these give the ΔtPSNR
 * a perfect dynamics would reach on the same clips: how much the game's own frames depend on the
 * actions played over that many steps. On video where actions change little in a few steps
 * (one-step random play scrolls CoinRun's camera by a pixel or two), no world can score much more.
 */
final class GameReference {
    private GameReference() {}

    /** Why the clips cannot be played again, or null if they can. */
    static String unplayable(List<Clip> clips) {
        for (Clip c : clips) {
            Clip.Source s = c.source();
            if (s.replay() == null) {
                return s.name()
                        + " does not record the env options it was made with (episode metadata"
                        + " \"env_options\"); record the data again with this version of genie4j"
                        + " record";
            }
            if (s.actions() == null) {
                return s.name() + " records no actions";
            }
        }
        return null;
    }

    /** A clip that plays differently in its env than it was recorded. */
    static final class ReplayMismatch extends Exception {
        ReplayMismatch(String message) {
            super(message);
        }
    }

    /**
     * For clips {@code first .. first + n - 1}: frames {@code [n, context + steps]}, uint8, back to
     * back: each clip's first {@code context} recorded frames, then the env's frames under {@code
     * steps} uniformly random actions from its last prompt frame (an episode that ends holds its
     * last frame). {@code ended[0]} counts the clips whose episode ended early.
     *
     * @throws ReplayMismatch if the env does not give the recorded prompt frame again
     */
    @SuppressWarnings("unchecked")
    static byte[] randomActionVideo(
            List<Clip> clips,
            int first,
            int n,
            int context,
            int steps,
            SplittableRandom random,
            int[] ended)
            throws ReplayMismatch {
        int fb = clips.get(first).source().frameBytes();
        int length = context + steps;
        byte[] out = new byte[n * length * fb];
        for (int j = 0; j < n; j++) {
            Clip clip = clips.get(first + j);
            Clip.Source src = clip.source();
            Clip.Replay r = src.replay();
            src.copyClip(clip.start(), context, 1, out, j * length * fb);
            int last = clip.start() + context - 1;
            try (Env<Tensor, Integer> env =
                    (Env<Tensor, Integer>) Envs.make(r.envId(), r.options())) {
                if (!(env.actionSpace() instanceof Discrete d)) {
                    throw new ReplayMismatch(r.envId() + " does not have Discrete actions");
                }
                byte[] obs = env.reset(r.seed(), java.util.Map.of()).observation().toByteArray();
                for (int t = 0; t < last; t++) {
                    obs = env.step(src.action(t)).observation().toByteArray();
                }
                if (obs.length != fb
                        || !Arrays.equals(obs, 0, fb, src.pixels(), last * fb, (last + 1) * fb)) {
                    throw new ReplayMismatch(
                            src.name()
                                    + " plays differently in "
                                    + r.envId()
                                    + " than it was recorded (frame "
                                    + last
                                    + " differs); was it recorded by another version of the env?");
                }
                boolean done = false;
                for (int k = 0; k < steps; k++) {
                    if (!done) {
                        Step<Tensor> st = env.step(d.start() + random.nextInt(d.n()));
                        obs = st.observation().toByteArray();
                        done = st.terminated() || st.truncated();
                        if (done && k < steps - 1) {
                            ended[0]++;
                        }
                    }
                    System.arraycopy(obs, 0, out, (j * length + context + k) * fb, fb);
                }
            }
        }
        return out;
    }
}
