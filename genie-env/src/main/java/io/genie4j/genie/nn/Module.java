package io.genie4j.genie.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import ai.djl.util.PairList;

/**
 * Base class of the world model's blocks: every parameter's shape is fixed when the block is
 * constructed (from its config), so initialisation needs no shape inference and a checkpoint of the
 * wrong shape is detected by comparing shapes (see {@link #checkShapes}).
 *
 * <p>Subclasses call {@link #param} and {@link #child} in their constructors and implement {@link
 * #forwardInternal}.
 */
public abstract class Module extends AbstractBlock {

    /** A module with the given encoding version (written into saved parameter files). */
    protected Module(byte version) {
        super(version);
    }

    /** Declares a parameter with a fixed shape and initialiser. */
    protected final Parameter param(
            String name, Parameter.Type type, Initializer init, long... shape) {
        return addParameter(
                Parameter.builder()
                        .setName(name)
                        .setType(type)
                        .optShape(new Shape(shape))
                        .optInitializer(init)
                        .build());
    }

    /** Declares a child block. */
    protected final <B extends Block> B child(String name, B block) {
        return addChildBlock(name, block);
    }

    /** The value of {@code p} for a forward pass on {@code like}'s device. */
    protected static NDArray value(ParameterStore ps, Parameter p, NDArray like, boolean training) {
        return ps.getValue(p, like.getDevice(), training);
    }

    /**
     * {@code x · v}, with {@code v} in a scalar that libtorch owns and {@code x}'s manager keeps
     * until it closes. Not {@code x.mul(v)}: DJL's PyTorch engine makes that scalar from a Java
     * buffer and closes it as soon as the product is made, but autograd keeps the scalar for the
     * backward pass, so a garbage collection in between can free the memory the gradient is then
     * computed from (NaN or overflowing gradients with a finite loss, in the layers before the
     * product).
     */
    protected static NDArray times(NDArray x, float v) {
        return x.mul(x.getManager().full(new Shape(), v));
    }

    /** Initialises every parameter of this block and its children (shapes are already fixed). */
    public final void initialize(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1));
    }

    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Pair<String, Block> c : children) {
            c.getValue().initialize(manager, dataType, inputShapes);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    /** The number of scalar parameters. */
    public final long parameterCount() {
        long n = 0;
        for (Pair<String, Parameter> p : getParameters()) {
            n += p.getValue().getShape().size();
        }
        return n;
    }

    /**
     * Throws {@link IllegalArgumentException} naming the first parameter whose loaded array's shape
     * differs from the shape this block was built with.
     */
    public final void checkShapes(PairList<String, Shape> expected) {
        PairList<String, Parameter> actual = getParameters();
        if (actual.size() != expected.size()) {
            throw new IllegalArgumentException(
                    "checkpoint has "
                            + actual.size()
                            + " parameters, the config expects "
                            + expected.size());
        }
        for (int i = 0; i < actual.size(); i++) {
            Shape want = expected.get(i).getValue();
            Shape got = actual.get(i).getValue().getArray().getShape();
            if (!want.equals(got)) {
                throw new IllegalArgumentException(
                        "parameter "
                                + actual.get(i).getKey()
                                + " has shape "
                                + got
                                + " in the checkpoint but "
                                + want
                                + " in the config");
            }
        }
    }

    /** The declared shape of every parameter, in order. */
    public final PairList<String, Shape> declaredShapes() {
        PairList<String, Shape> out = new PairList<>();
        for (Pair<String, Parameter> p : getParameters()) {
            out.add(p.getKey(), p.getValue().getShape());
        }
        return out;
    }

    /** Convenience: a one-array {@link NDList}. */
    protected static NDList list(NDArray a) {
        return new NDList(a);
    }
}
