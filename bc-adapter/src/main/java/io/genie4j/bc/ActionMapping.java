package io.genie4j.bc;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Turns latent actions into real ones, learned from a few transitions labelled with both (Genie
 * §3.3, "a small number of expert samples"). Every mapping answers for every code, including codes
 * its samples never showed.
 */
public interface ActionMapping {

    /** The number of latent codes. */
    int codes();

    /** The number of real actions. */
    int actions();

    /**
     * Real actions for latent codes.
     *
     * @param frames the policy input each code was chosen on (a frame, or a {@link
     *     io.genie4j.agents.FrameHistory} of them); mappings that ignore frames accept any
     * @param codes one latent code per frame
     * @param rng source of the sampling
     */
    int[] map(List<byte[]> frames, int[] codes, SplittableRandom rng);

    /** A short name for reports: {@code dictionary} or {@code learned}. */
    String name();

    /** What the mapping learned, as JSON-ready values. */
    Map<String, Object> describe();
}
