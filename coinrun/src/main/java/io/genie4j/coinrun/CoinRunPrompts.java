package io.genie4j.coinrun;

import io.genie4j.env.Env;
import io.genie4j.env.Tensor;
import io.genie4j.env.registry.Envs;
import io.genie4j.env.registry.PromptSource;
import java.util.Map;

/**
 * Prompts for generated worlds from CoinRun: seed {@code s} gives the first frame of level {@code
 * s}, as {@code CoinRun-v0} (made with the world model's env options, else its defaults) shows it
 * after {@code reset(s)}.
 */
public final class CoinRunPrompts implements PromptSource {

    /** This source's name, {@value}. */
    public static final String NAME = "coinrun";

    /** Used by {@link java.util.ServiceLoader}. */
    public CoinRunPrompts() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "the first frame of the CoinRun level the episode seed picks";
    }

    @Override
    public Tensor frame(long seed, int size) {
        return frame(seed, size, Map.of());
    }

    /** As {@code CoinRun-v0} made with {@code options} (such as {@code art}) shows it. */
    @Override
    public Tensor frame(long seed, int size, Map<String, Object> options) {
        if (size != 64) {
            throw new IllegalArgumentException(
                    "CoinRun frames are 64x64; this world model reads " + size + "x" + size);
        }
        try (Env<?, ?> env = Envs.make(CoinRunEnv.ID, options)) {
            return (Tensor) env.reset((long) (int) seed, Map.of()).observation();
        }
    }
}
