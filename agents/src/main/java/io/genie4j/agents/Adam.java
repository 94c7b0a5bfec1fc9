package io.genie4j.agents;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam (Kingma and Ba, 2015) with global gradient-norm clipping, as PyTorch's {@code
 * clip_grad_norm_} then {@code optim.Adam}, updating parameters in place. Its moments live in a
 * manager of its own and can be encoded into a checkpoint and restored, so a resumed run keeps its
 * optimiser (DJL's optimisers keep their state private).
 */
final class Adam implements AutoCloseable {
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;

    private final float eps;
    private final NDManager manager;
    private final List<Parameter> params = new ArrayList<>();
    private final NDList mean = new NDList();
    private final NDList var = new NDList();
    private int t;

    /**
     * @param parent the manager the moments' manager hangs from
     * @param parameters the parameters to update (those that require a gradient)
     * @param eps added to the denominator (CleanRL's PPO uses 1e-5)
     */
    Adam(NDManager parent, PairList<String, Parameter> parameters, float eps) {
        this.eps = eps;
        this.manager = parent.newSubManager();
        for (Pair<String, Parameter> p : parameters) {
            if (p.getValue().requiresGradient()) {
                params.add(p.getValue());
                mean.add(manager.zeros(p.getValue().getShape()));
                var.add(manager.zeros(p.getValue().getShape()));
            }
        }
    }

    /** Updates taken so far. */
    int updates() {
        return t;
    }

    /**
     * Clips the gradients to global norm {@code clip} (if positive), takes one Adam step at {@code
     * lr} and zeroes the gradients. Returns the norm before clipping; when it is not finite the
     * parameters are left as they were.
     */
    float step(float lr, float clip) {
        // Temporaries would otherwise attach to the parameters' manager and pile up there.
        try (NDScope scope = new NDScope()) {
            return stepInScope(lr, clip);
        }
    }

    private float stepInScope(float lr, float clip) {
        NDArray[] grads = new NDArray[params.size()];
        NDArray sq = null;
        for (int i = 0; i < grads.length; i++) {
            grads[i] = params.get(i).getArray().getGradient();
            NDArray s = grads[i].square().sum();
            sq = sq == null ? s : sq.add(s);
        }
        float norm = (float) Math.sqrt(sq.getFloat());
        if (Float.isFinite(norm)) {
            t++;
            float scale = clip > 0 && norm > clip ? clip / norm : 1f;
            float c1 = 1 - (float) Math.pow(BETA1, t);
            float c2 = 1 - (float) Math.pow(BETA2, t);
            for (int i = 0; i < grads.length; i++) {
                NDArray g = scale == 1f ? grads[i] : grads[i].mul(scale);
                NDArray m = mean.get(i).muli(BETA1).addi(g.mul(1 - BETA1));
                NDArray v = var.get(i).muli(BETA2).addi(g.square().muli(1 - BETA2));
                // PyTorch's form: lr / c1 * m / (sqrt(v) / sqrt(c2) + eps)
                NDArray update = m.div(v.sqrt().divi((float) Math.sqrt(c2)).addi(eps));
                params.get(i).getArray().subi(update.muli(lr / c1));
            }
        }
        for (NDArray g : grads) {
            g.set(new NDIndex("..."), 0f);
        }
        return norm;
    }

    /** The step count and moments, for a checkpoint. */
    byte[] encode() {
        NDList all = new NDList();
        all.add(manager.create(new int[] {t}));
        all.addAll(mean);
        all.addAll(var);
        byte[] bytes = all.encode();
        all.get(0).close();
        return bytes;
    }

    /**
     * Restores {@link #encode()}'s output.
     *
     * @throws IllegalArgumentException if it belongs to other parameters
     */
    void decode(byte[] bytes, String where) {
        try (NDManager tmp = manager.newSubManager()) {
            NDList all;
            try {
                all = NDList.decode(tmp, bytes);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        where + " is not an optimiser state: " + e.getMessage(), e);
            }
            int n = params.size();
            if (all.size() != 1 + 2 * n) {
                throw new IllegalArgumentException(
                        where
                                + " holds the state of "
                                + (all.size() - 1) / 2
                                + " parameters; the network has "
                                + n);
            }
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < 2; k++) {
                    NDArray src = all.get(1 + k * n + i);
                    NDArray dst = (k == 0 ? mean : var).get(i);
                    if (!src.getShape().equals(dst.getShape())) {
                        throw new IllegalArgumentException(
                                where
                                        + ": parameter "
                                        + i
                                        + " has shape "
                                        + src.getShape()
                                        + ", the network's is "
                                        + dst.getShape());
                    }
                    dst.set(new NDIndex("..."), src);
                }
            }
            t = all.get(0).toIntArray()[0];
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
