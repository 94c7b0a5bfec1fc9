package io.genie4j.protocol;

import io.genie4j.env.Env;
import io.genie4j.env.EnvSpec;
import io.genie4j.env.Reset;
import io.genie4j.env.Step;
import io.genie4j.env.Tensor;
import io.genie4j.env.spaces.Space;
import io.genie4j.env.vector.VectorReset;
import io.genie4j.env.vector.VectorStep;
import java.util.List;
import java.util.Map;

/**
 * An {@link Env} that lives in an {@link EnvServer}: a session of one env. Agent code written
 * against {@code Env} runs unchanged; results equal the same env in-process. Stepping after an
 * episode ended, without a reset, resets it (the server's next-step autoreset) rather than failing.
 *
 * @param <O> the observation type
 * @param <A> the action type
 */
public final class RemoteEnv<O, A> implements Env<O, A> {
    private final RemoteVectorEnv<O, A> inner;

    private RemoteEnv(RemoteVectorEnv<O, A> inner) {
        this.inner = inner;
    }

    /**
     * Makes an env on the server at {@code address}.
     *
     * @throws ProtocolException if the server refuses (unknown id or option, limits)
     */
    public static RemoteEnv<Object, Object> make(
            String address, String envId, Map<String, ?> options) {
        return new RemoteEnv<>(RemoteVectorEnv.make(address, envId, 1, options));
    }

    /** Makes an env over an existing connection, which the env then owns. */
    public static RemoteEnv<Object, Object> make(
            RemoteConnection connection, String envId, Map<String, ?> options) {
        return new RemoteEnv<>(RemoteVectorEnv.make(connection, envId, 1, options));
    }

    /**
     * The value to give an image option (such as {@code Genie-v0}'s {@code prompt}) to send an
     * image file's bytes (PNG, JPEG, GIF or BMP) rather than name a file on the server: a uint8
     * tensor {@code [N]}, which the server decodes after checking the image's dimensions
     * (PROTOCOL.md §4.2). Pixels can be sent as they are, as a uint8 tensor {@code [H, W, 3]}.
     */
    public static Tensor imageBytes(byte[] encoded) {
        return Tensor.uint8(encoded.clone(), encoded.length);
    }

    @Override
    public Space<O> observationSpace() {
        return inner.singleObservationSpace();
    }

    @Override
    public Space<A> actionSpace() {
        return inner.singleActionSpace();
    }

    @Override
    public EnvSpec spec() {
        return inner.spec();
    }

    @Override
    public Reset<O> reset(Long seed, Map<String, Object> options) {
        VectorReset<O> r = inner.reset(seed, options);
        return new Reset<>(r.observations().get(0), r.infos().get(0));
    }

    @Override
    public Step<O> step(A action) {
        A checked = actionSpace().validate(action, "action");
        VectorStep<O> s = inner.step(List.of(checked));
        return new Step<>(
                s.observations().get(0),
                s.rewards()[0],
                s.terminated()[0],
                s.truncated()[0],
                s.infos().get(0));
    }

    @Override
    public Tensor render() {
        return inner.render().get(0);
    }

    @Override
    public void close() {
        inner.close();
    }
}
