package io.genie4j.agents;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.genie4j.env.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A policy network over square RGB frames: an {@link ImpalaCnn} that maps {@code N} inputs of uint8
 * pixels to {@code N} rows of logits. An input is {@link ImpalaCnn#stack()} consecutive {@code S ×
 * S × 3} frames, oldest first, one after the other in a byte array ({@link FrameHistory} builds
 * them). It owns a DJL {@link Model}; close it when done.
 *
 * <p>Saved as one file: a header (magic, version, frame size, network sizes; version 2 added the
 * input downsampling, version 3 the frame stack; older files read as full resolution and single
 * frames) followed by DJL's parameter stream, written atomically. Loading checks the header and
 * names what does not match.
 */
public final class CnnPolicy implements AutoCloseable {
    private static final String MAGIC = "genie4j-cnn-policy";
    private static final int VERSION = 3;

    private final ImpalaCnn net;
    private final int size;
    private final Model model;

    private CnnPolicy(ImpalaCnn net, int size, Model model) {
        this.net = net;
        this.size = size;
        this.model = model;
    }

    /**
     * A freshly initialised network. Initialisation draws from the engine's generator; seed it with
     * {@code Engine.getInstance().setRandomSeed} first for a reproducible start.
     *
     * @param net the network's sizes
     * @param size the frame side in pixels
     */
    public static CnnPolicy create(ImpalaCnn net, int size) {
        if (size < 4) {
            throw new IllegalArgumentException("frame size must be >= 4, got " + size);
        }
        if (size % net.downsample() != 0 || size / net.downsample() < 4) {
            throw new IllegalArgumentException(
                    "frame size "
                            + size
                            + " does not downsample by "
                            + net.downsample()
                            + " to a whole side of at least 4");
        }
        Model model = Model.newInstance("cnn-policy");
        Block block = net.build();
        model.setBlock(block);
        block.initialize(
                model.getNDManager(), DataType.FLOAT32, new Shape(1, 3 * net.stack(), size, size));
        return new CnnPolicy(net, size, model);
    }

    /** The network's sizes. */
    public ImpalaCnn net() {
        return net;
    }

    /** The frame side in pixels. */
    public int frameSize() {
        return size;
    }

    /** The number of logits per input. */
    public int outputs() {
        return net.outputs();
    }

    /** Consecutive frames per input. */
    public int stack() {
        return net.stack();
    }

    /** Bytes of one input: {@code stack × S × S × 3}. */
    public int inputBytes() {
        return net.stack() * size * size * 3;
    }

    /** The DJL model, for a trainer. */
    Model model() {
        return model;
    }

    /**
     * Converts inputs to the network's {@code [N, 3 × stack, S, S]} floats in [0, 1], on {@code
     * manager}.
     *
     * @param frames each {@code stack × S × S × 3} bytes: row-major RGB frames, oldest first
     */
    public NDArray input(NDManager manager, List<byte[]> frames) {
        int k = net.stack();
        int inputBytes = inputBytes();
        ByteBuffer buf = ByteBuffer.allocateDirect(frames.size() * inputBytes);
        for (byte[] f : frames) {
            if (f.length != inputBytes) {
                throw new IllegalArgumentException(
                        "an input has "
                                + f.length
                                + " bytes; this policy reads "
                                + (k > 1 ? k + "x" : "")
                                + size
                                + "x"
                                + size
                                + "x3 = "
                                + inputBytes);
            }
            buf.put(f);
        }
        buf.flip();
        int n = frames.size();
        NDArray u8 = manager.create(buf, new Shape(n, k, size, size, 3), DataType.UINT8);
        return u8.toType(DataType.FLOAT32, false)
                .transpose(0, 1, 4, 2, 3)
                .reshape(n, 3 * k, size, size)
                .div(255f);
    }

    /** Logits {@code [N, outputs]} for {@code frames}, in evaluation mode, on {@code manager}. */
    public NDArray logits(NDManager manager, List<byte[]> frames) {
        NDArray x = input(manager, frames);
        return model.getBlock()
                .forward(new ParameterStore(manager, false), new NDList(x), false)
                .singletonOrThrow();
    }

    /**
     * The hidden layer's activations {@code [N, hidden]} (after its ReLU, before the output layer),
     * in evaluation mode: the frame features a small head can reuse.
     */
    public NDArray features(NDManager manager, List<byte[]> frames) {
        ParameterStore ps = new ParameterStore(manager, false);
        NDList x = new NDList(input(manager, frames));
        List<Block> layers = model.getBlock().getChildren().values();
        for (int i = 0; i < layers.size() - 1; i++) {
            x = layers.get(i).forward(ps, x, false);
        }
        return x.singletonOrThrow();
    }

    /** Row-wise softmax probabilities of {@link #logits}, as Java arrays. */
    public float[][] probabilities(List<byte[]> frames) {
        try (NDManager m = model.getNDManager().newSubManager()) {
            NDArray p = logits(m, frames).softmax(1);
            float[] flat = p.toFloatArray();
            int k = outputs();
            float[][] out = new float[frames.size()][k];
            for (int i = 0; i < out.length; i++) {
                System.arraycopy(flat, i * k, out[i], 0, k);
            }
            return out;
        }
    }

    /** Writes the policy to {@code file} atomically. */
    public void save(Path file) {
        try {
            writeTo(file);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write policy " + file + ": " + e.getMessage(), e);
        }
    }

    private void writeTo(Path file) throws IOException {
        AtomicFiles.write(
                file,
                out -> {
                    DataOutputStream d = new DataOutputStream(new BufferedOutputStream(out));
                    d.writeUTF(MAGIC);
                    d.writeInt(VERSION);
                    d.writeInt(size);
                    d.writeInt(net.downsample());
                    d.writeInt(net.stack());
                    d.writeInt(net.hidden());
                    d.writeInt(net.outputs());
                    int[] ch = net.channels();
                    d.writeInt(ch.length);
                    for (int c : ch) {
                        d.writeInt(c);
                    }
                    model.getBlock().saveParameters(d);
                    d.flush();
                });
    }

    /**
     * Reads a policy written by {@link #save(Path)}.
     *
     * @throws IllegalArgumentException if the file is not a policy, has another version, or its
     *     parameters do not fit its header
     */
    public static CnnPolicy load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read policy " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a policy from a stream; {@code name} appears in error messages. */
    public static CnnPolicy read(InputStream in, String name) throws IOException {
        DataInputStream d = new DataInputStream(new BufferedInputStream(in));
        String magic;
        try {
            magic = d.readUTF();
        } catch (IOException e) {
            magic = "";
        }
        if (!MAGIC.equals(magic)) {
            throw new IllegalArgumentException(name + " is not a genie4j CNN policy file");
        }
        int version = d.readInt();
        if (version < 1 || version > VERSION) {
            throw new IllegalArgumentException(
                    name
                            + " is CNN policy format version "
                            + version
                            + "; this build reads versions 1 to "
                            + VERSION);
        }
        int size = d.readInt();
        int downsample = version >= 2 ? d.readInt() : 1;
        int stack = version >= 3 ? d.readInt() : 1;
        int hidden = d.readInt();
        int outputs = d.readInt();
        int stages = d.readInt();
        if (stages < 1 || stages > 16) {
            throw new IllegalArgumentException(
                    name + " has a corrupt header (" + stages + " stages)");
        }
        int[] channels = new int[stages];
        for (int i = 0; i < stages; i++) {
            channels[i] = d.readInt();
        }
        CnnPolicy p;
        try {
            p = create(new ImpalaCnn(channels, hidden, outputs, downsample, stack), size);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    name + " has a corrupt header: " + e.getMessage(), e);
        }
        try {
            p.model.getBlock().loadParameters(p.model.getNDManager(), d);
        } catch (MalformedModelException | RuntimeException e) {
            p.close();
            throw new IllegalArgumentException(
                    name + "'s parameters do not fit its header: " + e.getMessage(), e);
        }
        return p;
    }

    @Override
    public void close() {
        model.close();
    }
}
