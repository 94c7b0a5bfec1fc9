package io.genie4j.agents;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * PPO's actor and critic over one shared IMPALA body, as CleanRL's Procgen agent: a {@link
 * CnnPolicy} with {@code actions + 1} outputs, the first {@code actions} the policy's logits and
 * the last the value. One dense output layer over the shared hidden layer is the same function as
 * CleanRL's two heads side by side; its actor rows start small (see {@link #create}), so the first
 * policy is near uniform.
 *
 * <p>{@link #exportActor(Path)} writes the actor alone as a plain {@link CnnPolicy} file with
 * {@code actions} outputs, which {@link PolicyAgent} plays.
 */
final class ActorCritic implements AutoCloseable {
    private final CnnPolicy net;
    private final int actions;

    private ActorCritic(CnnPolicy net) {
        this.net = net;
        this.actions = net.outputs() - 1;
    }

    /**
     * A fresh network; seed the engine first for a reproducible start. Initialised as CleanRL's
     * agent is in PyTorch: every weight uniform in ±1/√fan-in (PyTorch's default for convolutions
     * and dense layers; DJL's Xavier default is about 2.5 times wider, which over IMPALA's residual
     * stages makes hidden features in the hundreds and first value estimates near ±20), biases 0,
     * and the output rows scaled to norm 0.01 for the actor and 1 for the critic (the norms of
     * CleanRL's orthogonal heads with gains 0.01 and 1).
     */
    static ActorCritic create(PpoConfig config, int actions, int frameSize) {
        ActorCritic ac = new ActorCritic(CnnPolicy.create(config.network(actions), frameSize));
        NDManager manager = ac.net.model().getNDManager();
        for (Parameter p : ac.parameters().values()) {
            NDArray a = p.getArray();
            if (p.getType() == Parameter.Type.WEIGHT) {
                float bound = (float) (1 / Math.sqrt(a.getShape().size() / a.getShape().get(0)));
                try (NDArray u = manager.randomUniform(-bound, bound, a.getShape())) {
                    a.set(new NDIndex("..."), u);
                }
            } else {
                a.set(new NDIndex("..."), 0f);
            }
        }
        NDArray w = ac.outputLayer().get(0).getArray(); // [actions + 1, hidden]
        for (int row = 0; row <= actions; row++) {
            NDIndex r = new NDIndex(row);
            try (NDArray x = w.get(r);
                    NDArray norm = x.square().sum().sqrt();
                    NDArray scaled = x.mul((row < actions ? 0.01f : 1f) / norm.getFloat())) {
                w.set(r, scaled);
            }
        }
        return ac;
    }

    /**
     * Reads a network written by {@link #save(Path)}, checking it has {@code actions + 1} outputs.
     */
    static ActorCritic load(Path file, int actions, int frameSize) {
        CnnPolicy p = CnnPolicy.load(file);
        if (p.outputs() != actions + 1 || p.frameSize() != frameSize) {
            String got = p.outputs() - 1 + " actions and " + p.frameSize() + " px frames";
            p.close();
            throw new IllegalArgumentException(
                    file
                            + " holds an actor-critic for "
                            + got
                            + "; the env has "
                            + actions
                            + " actions and "
                            + frameSize
                            + " px frames");
        }
        return new ActorCritic(p);
    }

    /** The underlying network. */
    CnnPolicy net() {
        return net;
    }

    /** Every parameter. */
    PairList<String, Parameter> parameters() {
        return net.model().getBlock().getParameters();
    }

    /** The weight and bias of the dense output layer. */
    private List<Parameter> outputLayer() {
        List<Parameter> all = parameters().values();
        return all.subList(all.size() - 2, all.size());
    }

    /**
     * Logits {@code [B, actions]} and values {@code [B]} for {@code inputs}, on {@code manager}.
     *
     * @param training record the forward for a backward pass
     */
    NDList forward(NDManager manager, List<byte[]> inputs, boolean training) {
        NDArray x = net.input(manager, inputs);
        NDArray out =
                net.model()
                        .getBlock()
                        .forward(new ParameterStore(manager, false), new NDList(x), training)
                        .singletonOrThrow(); // [B, actions + 1]
        return new NDList(
                out.get(new NDIndex(":, 0:" + actions)), out.get(new NDIndex(":, " + actions)));
    }

    /**
     * Samples one action per input from the policy.
     *
     * @param actionsOut receives the sampled action indices
     * @param logProbsOut receives their log-probabilities
     * @param valuesOut receives the value estimates
     */
    void act(
            List<byte[]> inputs,
            SplittableRandom rng,
            int[] actionsOut,
            float[] logProbsOut,
            float[] valuesOut) {
        try (NDManager m = net.model().getNDManager().newSubManager()) {
            NDList out = forward(m, inputs, false);
            float[] logp = out.get(0).logSoftmax(1).toFloatArray();
            float[] v = out.get(1).toFloatArray();
            double[] p = new double[actions];
            for (int b = 0; b < inputs.size(); b++) {
                for (int a = 0; a < actions; a++) {
                    p[a] = Math.exp(logp[b * actions + a]);
                }
                int a = Categorical.sample(p, rng);
                actionsOut[b] = a;
                logProbsOut[b] = logp[b * actions + a];
                valuesOut[b] = v[b];
            }
        }
    }

    /** Value estimates for {@code inputs}. */
    float[] values(List<byte[]> inputs) {
        try (NDManager m = net.model().getNDManager().newSubManager()) {
            return forward(m, inputs, false).get(1).toFloatArray();
        }
    }

    /** Writes the whole network (actor and critic) atomically. */
    void save(Path file) {
        net.save(file);
    }

    /** Writes the actor alone as a {@link CnnPolicy} with {@code actions} outputs, atomically. */
    void exportActor(Path file) {
        ImpalaCnn n = net.net();
        try (CnnPolicy actor =
                CnnPolicy.create(
                        new ImpalaCnn(n.channels(), n.hidden(), actions, n.downsample(), n.stack()),
                        net.frameSize())) {
            List<Parameter> src = parameters().values();
            List<Parameter> dst = actor.model().getBlock().getParameters().values();
            NDIndex actorRows = new NDIndex("0:" + actions);
            for (int k = 0; k < src.size(); k++) {
                NDArray s = src.get(k).getArray();
                NDArray d = dst.get(k).getArray();
                boolean output = k >= src.size() - 2;
                try (NDArray copy = output ? s.get(actorRows) : s.duplicate()) {
                    d.set(new NDIndex("..."), copy);
                }
            }
            actor.save(file);
        }
    }

    @Override
    public void close() {
        net.close();
    }
}
