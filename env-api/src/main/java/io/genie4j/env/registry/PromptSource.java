package io.genie4j.env.registry;

import io.genie4j.env.Tensor;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * A named source of first frames for generated worlds: given an episode seed, the frame a world
 * model starts from. A module that can supply such frames (CoinRun: the first frame of the level
 * the seed picks) implements this interface and lists the class in {@code
 * META-INF/services/io.genie4j.env.registry.PromptSource}; a world model finds it by {@link
 * #name()} with {@link #find(String)}, so the dependency is an interface this module owns, not an
 * env id in a string.
 */
public interface PromptSource {

    /** The name a user writes to choose this source, such as {@code coinrun}. */
    String name();

    /** A one-line description for help texts. */
    String description();

    /**
     * The prompt frame for {@code seed}: uint8 {@code [size, size, 3]}.
     *
     * @throws IllegalArgumentException if this source cannot draw frames of that size
     */
    Tensor frame(long seed, int size);

    /**
     * The prompt frame for {@code seed} drawn with env options (a world model trained on frames
     * rendered with, say, CoinRun's {@code art=v2} asks for its prompts in the same art). A source
     * that takes no options refuses any.
     *
     * @throws IllegalArgumentException if this source cannot draw frames of that size or with those
     *     options
     */
    default Tensor frame(long seed, int size, java.util.Map<String, Object> options) {
        if (!options.isEmpty()) {
            throw new IllegalArgumentException(
                    "prompt source " + name() + " takes no options, got " + options.keySet());
        }
        return frame(seed, size);
    }

    /** The source called {@code name} on the class path, if any. */
    static Optional<PromptSource> find(String name) {
        return all().stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** Every source on the class path, in class-path order. */
    static List<PromptSource> all() {
        return ServiceLoader.load(PromptSource.class, PromptSource.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get)
                .collect(Collectors.toList());
    }

    /** The names of every source on the class path, comma-separated, for error messages. */
    static String names() {
        return all().stream().map(PromptSource::name).collect(Collectors.joining(", "));
    }
}
