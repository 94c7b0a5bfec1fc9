package io.genie4j.genie.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * AdamW (Loshchilov and Hutter, 2019) with global gradient-norm clipping, updating parameters in
 * place. Its moments live in a manager of their own and can be saved and restored, so a resumed run
 * continues exactly where it stopped (DJL's own optimisers keep their state private).
 */
public final class AdamW implements AutoCloseable {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.95f;
    private static final float EPS = 1e-8f;

    private final NDManager manager;
    private final List<Parameter> params = new ArrayList<>();
    private final List<Boolean> decay = new ArrayList<>();
    private final NDList mean = new NDList();
    private final NDList var = new NDList();
    private int t;
    private String nonFinite;

    /**
     * An optimiser for every trainable parameter in {@code parameters}; weight decay applies to
     * parameters of type WEIGHT only.
     */
    public AdamW(NDManager parent, PairList<String, Parameter> parameters) {
        manager = parent.newSubManager();
        for (Pair<String, Parameter> p : parameters) {
            Parameter param = p.getValue();
            if (!param.requiresGradient()) {
                continue;
            }
            params.add(param);
            decay.add(param.getType() == Parameter.Type.WEIGHT);
            mean.add(manager.zeros(param.getShape()));
            var.add(manager.zeros(param.getShape()));
        }
    }

    /** Updates taken so far. */
    public int updates() {
        return t;
    }

    /**
     * Clips the gradients to global norm {@code clip} (if positive), takes one AdamW step at
     * learning rate {@code lr}, and zeroes the gradients. Returns the gradient norm before
     * clipping; if it is not finite the parameters are left unchanged, and the trainers stop the
     * run (see {@link Numerics}).
     */
    public float step(float lr, float weightDecay, float clip) {
        NDArray[] grads = new NDArray[params.size()];
        NDArray sq = null;
        for (int i = 0; i < grads.length; i++) {
            grads[i] = params.get(i).getArray().getGradient();
            NDArray s = grads[i].square().sum();
            sq = sq == null ? s : sq.add(s);
        }
        float norm = (float) Math.sqrt(sq.getFloat());
        nonFinite = Float.isFinite(norm) ? null : describeNonFinite(grads);
        if (Float.isFinite(norm)) {
            t++;
            float scale = clip > 0 && norm > clip ? clip / norm : 1f;
            float c1 = 1 - (float) Math.pow(BETA1, t);
            float c2 = 1 - (float) Math.pow(BETA2, t);
            for (int i = 0; i < grads.length; i++) {
                NDArray w = params.get(i).getArray();
                NDArray g = scale == 1f ? grads[i] : grads[i].mul(scale);
                NDArray m = mean.get(i);
                NDArray v = var.get(i);
                m.muli(BETA1).addi(g.mul(1 - BETA1));
                v.muli(BETA2).addi(g.square().muli(1 - BETA2));
                NDArray update = m.div(c1).divi(v.div(c2).sqrt().addi(EPS));
                if (decay.get(i) && weightDecay > 0) {
                    update.addi(w.mul(weightDecay));
                }
                w.subi(update.muli(lr));
            }
        }
        for (NDArray g : grads) {
            g.set(new NDIndex("..."), 0f);
        }
        return norm;
    }

    /**
     * After a {@link #step} whose gradient norm was not finite: which parameters' gradients held
     * NaN or infinite values, and how many; null after a finite step.
     */
    public String lastNonFinite() {
        return nonFinite;
    }

    private String describeNonFinite(NDArray[] grads) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < grads.length; i++) {
            long nan = grads[i].isNaN().sum().getLong();
            long inf = grads[i].isInfinite().sum().getLong();
            if (nan + inf > 0) {
                b.append(b.length() > 0 ? "; " : "")
                        .append(params.get(i).getName())
                        .append(' ')
                        .append(grads[i].getShape())
                        .append(": ")
                        .append(nan)
                        .append(" NaN, ")
                        .append(inf)
                        .append(" infinite of ")
                        .append(grads[i].size());
            }
        }
        return b.length() > 0
                ? b.toString()
                : "every gradient element is finite; their squares overflow float";
    }

    /** The moments and step count, for a checkpoint. */
    public byte[] encode() {
        NDList all = new NDList();
        all.add(manager.create(new int[] {t}));
        all.addAll(mean);
        all.addAll(var);
        return all.encode();
    }

    /** Restores {@link #encode()}'s output; throws if it belongs to different parameters. */
    public void decode(byte[] bytes) {
        try (NDManager tmp = manager.newSubManager()) {
            NDList all = NDList.decode(tmp, bytes);
            int n = params.size();
            if (all.size() != 1 + 2 * n) {
                throw new IllegalArgumentException(
                        "optimizer state holds "
                                + (all.size() - 1) / 2
                                + " parameters, the model has "
                                + n);
            }
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < 2; k++) {
                    NDArray src = all.get(1 + k * n + i);
                    NDArray dst = (k == 0 ? mean : var).get(i);
                    if (!src.getShape().equals(dst.getShape())) {
                        throw new IllegalArgumentException(
                                "optimizer state for parameter "
                                        + params.get(i).getName()
                                        + " has shape "
                                        + src.getShape()
                                        + ", expected "
                                        + dst.getShape());
                    }
                    // A native copy into the moment's own memory (see
                    // VectorQuantizer.resetDeadCodes
                    // for why not set(float[])).
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
