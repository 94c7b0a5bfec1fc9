package io.genie4j.env.episodes;

/** Names and version of the arrays in an episode {@code .npz} file. */
final class EpisodeFormat {
    static final String FORMAT = "genie4j-episode";
    static final int VERSION = 1;
    static final String FRAMES = "frames";
    static final String ACTIONS = "actions";
    static final String REWARDS = "rewards";
    static final String TERMINATED = "terminated";
    static final String TRUNCATED = "truncated";
    static final String SEED = "seed";
    static final String ENV_ID = "env_id";
    static final String METADATA = "metadata";
    static final String FORMAT_KEY = "format";

    private EpisodeFormat() {}

    static String formatString() {
        return FORMAT + "/" + VERSION;
    }
}
