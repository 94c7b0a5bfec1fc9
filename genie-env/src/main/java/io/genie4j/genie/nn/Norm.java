package io.genie4j.genie.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/** Layer normalisation over the last axis, with a learned scale and shift. */
public final class Norm extends Module {

    private final int dim;
    private final Parameter gamma;
    private final Parameter beta;

    /** Normalises vectors of {@code dim} features. */
    public Norm(int dim) {
        super((byte) 1);
        this.dim = dim;
        gamma = param("gamma", Parameter.Type.GAMMA, Initializer.ONES, dim);
        beta = param("beta", Parameter.Type.BETA, Initializer.ZEROS, dim);
    }

    /** Applies the normalisation. */
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        return x.getNDArrayInternal()
                .layerNorm(
                        x,
                        new Shape(dim),
                        value(ps, gamma, x, training),
                        value(ps, beta, x, training),
                        1e-5f)
                .singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return list(apply(ps, inputs.singletonOrThrow(), training));
    }
}
