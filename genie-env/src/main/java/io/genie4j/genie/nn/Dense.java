package io.genie4j.genie.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/** A fully connected layer over the last axis: {@code [..., in] -> [..., out]}. */
public final class Dense extends Module {

    private final Parameter weight;
    private final Parameter bias;

    /** A layer from {@code in} to {@code out} features, weights N(0, 0.02²), zero bias. */
    public Dense(int in, int out) {
        this(in, out, 0.02f);
    }

    /** A layer whose weights are drawn from N(0, std²). */
    public Dense(int in, int out, float std) {
        super((byte) 1);
        weight = param("weight", Parameter.Type.WEIGHT, new NormalInitializer(std), out, in);
        bias = param("bias", Parameter.Type.BIAS, Initializer.ZEROS, out);
    }

    /** Applies the layer. */
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        return Linear.linear(x, value(ps, weight, x, training), value(ps, bias, x, training))
                .singletonOrThrow();
    }

    /** The weight {@code [out, in]}. */
    public NDArray weight(ParameterStore ps, NDArray like) {
        return value(ps, weight, like, false);
    }

    /** The bias {@code [out]}. */
    public NDArray bias(ParameterStore ps, NDArray like) {
        return value(ps, bias, like, false);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return list(apply(ps, inputs.singletonOrThrow(), training));
    }
}
