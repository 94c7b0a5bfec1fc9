package io.genie4j.env.wrappers;

import io.genie4j.env.Env;
import io.genie4j.env.Reset;
import io.genie4j.env.Step;
import io.genie4j.env.Tensor;
import io.genie4j.env.spaces.Box;
import io.genie4j.env.spaces.Space;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Map;

/**
 * Stacks the last {@code k} observations along a new first axis, as Gymnasium 1.x's {@code
 * FrameStackObservation}: an env with {@code Box} observations of shape {@code S} becomes one with
 * shape {@code [k, S...]}, oldest first. After a reset the stack is padded with copies of the reset
 * observation ({@link Padding#RESET}, Gymnasium's default) or with zeros ({@link Padding#ZERO}).
 *
 * @param <A> the action type
 */
public final class FrameStack<A> extends Wrapper<Tensor, A> {
    /** What fills the stack before {@code k} observations have been seen. */
    public enum Padding {
        /** Copies of the reset observation. */
        RESET,
        /** Zeros. */
        ZERO
    }

    private final int k;
    private final Padding padding;
    private final Box space;
    private final ArrayDeque<Tensor> frames = new ArrayDeque<>();

    /**
     * @param env an env with {@link Box} observations
     * @param k how many observations to stack, at least 1
     * @param padding what fills the stack after a reset
     */
    public FrameStack(Env<Tensor, A> env, int k, Padding padding) {
        super(env);
        if (k < 1) {
            throw new IllegalArgumentException("FrameStack needs k >= 1, got " + k);
        }
        if (!(env.observationSpace() instanceof Box box)) {
            throw new IllegalArgumentException(
                    "FrameStack needs Box observations, got " + env.observationSpace());
        }
        this.k = k;
        this.padding = padding;
        int[] inner = box.shape();
        int[] shape = new int[inner.length + 1];
        shape[0] = k;
        System.arraycopy(inner, 0, shape, 1, inner.length);
        double[] lo = box.low();
        double[] hi = box.high();
        double[] low = new double[lo.length * k];
        double[] high = new double[hi.length * k];
        for (int i = 0; i < k; i++) {
            System.arraycopy(lo, 0, low, i * lo.length, lo.length);
            System.arraycopy(hi, 0, high, i * hi.length, hi.length);
        }
        this.space = Box.of(low, high, box.dtype(), shape);
    }

    /** {@code FrameStack(env, k, Padding.RESET)}. */
    public FrameStack(Env<Tensor, A> env, int k) {
        this(env, k, Padding.RESET);
    }

    @Override
    public Space<Tensor> observationSpace() {
        return space;
    }

    @Override
    public Reset<Tensor> reset(Long seed, Map<String, Object> options) {
        Reset<Tensor> r = env.reset(seed, options);
        frames.clear();
        Tensor pad =
                padding == Padding.RESET
                        ? r.observation()
                        : Tensor.zeros(r.observation().dtype(), r.observation().shape());
        for (int i = 0; i < k - 1; i++) {
            frames.addLast(pad);
        }
        frames.addLast(r.observation());
        return new Reset<>(Tensor.stack(new ArrayList<>(frames)), r.info());
    }

    @Override
    public Step<Tensor> step(A action) {
        if (frames.isEmpty()) {
            throw new IllegalStateException("step() called before reset()");
        }
        Step<Tensor> s = env.step(action);
        frames.removeFirst();
        frames.addLast(s.observation());
        return new Step<>(
                Tensor.stack(new ArrayList<>(frames)),
                s.reward(),
                s.terminated(),
                s.truncated(),
                s.info());
    }
}
