package io.genie4j.genie.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/** A learned embedding table: integer ids {@code [...]} become vectors {@code [..., dim]}. */
public final class Embed extends Module {

    private final int count;
    private final Parameter table;

    /** A table of {@code count} vectors of {@code dim} features, drawn from N(0, 0.02²). */
    public Embed(int count, int dim) {
        super((byte) 1);
        this.count = count;
        table = param("table", Parameter.Type.OTHER, new NormalInitializer(0.02f), count, dim);
    }

    /** The number of ids. */
    public int count() {
        return count;
    }

    /** The vectors of {@code ids} (int64, each in [0, count)). */
    public NDArray apply(ParameterStore ps, NDArray ids, boolean training) {
        return Embedding.embedding(ids, value(ps, table, ids, training), SparseFormat.DENSE)
                .singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return list(apply(ps, inputs.singletonOrThrow(), training));
    }
}
