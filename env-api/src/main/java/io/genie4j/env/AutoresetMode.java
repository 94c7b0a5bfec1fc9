package io.genie4j.env;

import io.genie4j.env.vector.VectorEnv;

/**
 * How a {@link VectorEnv} resets a sub-environment whose episode ended, as Gymnasium 1.x's {@code
 * AutoresetMode}. The wire and Python names are {@link #wireName()}.
 */
public enum AutoresetMode {
    /**
     * Gymnasium 1.x's default: the step that ends an episode returns its last observation; the next
     * {@code step} ignores that env's action, resets it and returns the first observation of the
     * new episode with reward 0, {@code terminated = truncated = false} and the reset's info.
     */
    NEXT_STEP("NextStep"),
    /**
     * The step that ends an episode resets at once and returns the new episode's first observation.
     */
    SAME_STEP("SameStep"),
    /** No automatic reset: the caller resets ended envs. */
    DISABLED("Disabled");

    private final String wireName;

    AutoresetMode(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in JSON, on the wire and in Python ({@code "NextStep"}, ...). */
    public String wireName() {
        return wireName;
    }

    /**
     * Looks a mode up by its wire name.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static AutoresetMode fromWireName(String name) {
        for (AutoresetMode m : values()) {
            if (m.wireName.equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException(
                "unknown autoreset mode '" + name + "'; expected NextStep, SameStep or Disabled");
    }
}
