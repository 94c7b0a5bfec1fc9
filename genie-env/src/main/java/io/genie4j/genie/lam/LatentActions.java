package io.genie4j.genie.lam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genie4j.env.Tensor;
import io.genie4j.genie.nn.Patches;
import io.genie4j.genie.train.Checkpoints;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * A trained latent action model, loaded for labelling video: its inverse model and the codebook
 * that turns latents into discrete actions. Not thread-safe; close it to free its native memory.
 */
public final class LatentActions implements AutoCloseable {
    /** The parameter file in a LAM directory. */
    public static final String PARAMS = "lam.params";

    private final NDManager manager;
    private final ConvLatentActionModel model;
    private final ActionCodebook codebook;
    private final ObjectNode json;
    private final ParameterStore ps;

    LatentActions(
            NDManager manager,
            ConvLatentActionModel model,
            ActionCodebook codebook,
            ObjectNode json) {
        this.manager = manager;
        this.model = model;
        this.codebook = codebook;
        this.json = json;
        this.ps = new ParameterStore(manager, false);
    }

    /** Loads the LAM in {@code dir} (a {@code genie4j train lam} run directory). */
    public static LatentActions load(Path dir) throws IOException {
        return load(Checkpoints.Source.of(dir));
    }

    /** Loads the LAM at {@code source}. */
    public static LatentActions load(Checkpoints.Source source) throws IOException {
        ObjectNode json;
        try (InputStream in = source.open("model.json")) {
            json =
                    Checkpoints.checkModelJson(
                            in, source.where("model.json"), ConvLatentActionModel.KIND);
        }
        LamConfig config = Checkpoints.JSON.treeToValue(json.get("config"), LamConfig.class);
        ActionCodebook codebook = codebookOf(json, source.where("model.json"));
        NDManager manager = NDManager.newBaseManager();
        try {
            ConvLatentActionModel model = new ConvLatentActionModel(config);
            model.initialize(manager);
            try (InputStream in = source.open(PARAMS)) {
                Checkpoints.loadParameters(model, manager, in, source.where(PARAMS));
            }
            return new LatentActions(manager, model, codebook, json);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    static ActionCodebook codebookOf(JsonNode json, String where) {
        JsonNode c = json.path("action_centroids");
        if (!c.isArray() || c.isEmpty()) {
            throw new IllegalArgumentException(
                    where
                            + " has no action_centroids: the run stopped before its first"
                            + " checkpoint");
        }
        float[][] centroids = new float[c.size()][];
        for (int i = 0; i < c.size(); i++) {
            JsonNode row = c.get(i);
            centroids[i] = new float[row.size()];
            for (int j = 0; j < row.size(); j++) {
                centroids[i][j] = (float) row.get(j).asDouble();
            }
        }
        return new ActionCodebook(centroids);
    }

    static void putCodebook(ObjectNode json, ActionCodebook codebook) {
        ArrayNode rows = json.putArray("action_centroids");
        for (float[] c : codebook.centroids()) {
            ArrayNode row = rows.addArray();
            for (float v : c) {
                row.add(Math.round(v * 1e6) / 1e6);
            }
        }
    }

    /** The model's config. */
    public LamConfig config() {
        return model.config();
    }

    /** The discrete actions. */
    public ActionCodebook codebook() {
        return codebook;
    }

    /** The run's {@code model.json}. */
    public ObjectNode json() {
        return json.deepCopy();
    }

    /**
     * The latents {@code [n][latentDim]} of {@code n} transitions, each three uint8 frames x_{t−1},
     * x_t, x_{t+1} of {@code size × size × 3}, back to back in {@code clips}.
     */
    public float[][] latents(byte[] clips, int n) {
        return latents(model, ps, manager, clips, n);
    }

    /**
     * The discrete action of every transition of an episode's frames uint8 {@code [T, S, S, 3]}
     * ({@code T - 1} of them, in batches of {@code batch}); the first transition, which has no
     * frame before it, sees its first frame twice.
     */
    public int[] label(Tensor frames, int batch) {
        int s = config().imageSize();
        int[] shape = frames.shape();
        if (shape.length != 4 || shape[1] != s || shape[2] != s || shape[3] != 3) {
            throw new IllegalArgumentException(
                    "the LAM reads uint8 [T, "
                            + s
                            + ", "
                            + s
                            + ", 3] frames, got "
                            + frames.describe());
        }
        int transitions = Math.max(0, shape[0] - 1);
        int[] out = new int[transitions];
        byte[] all = frames.toByteArray();
        int fb = s * s * 3;
        for (int from = 0; from < transitions; from += batch) {
            int n = Math.min(batch, transitions - from);
            byte[] clips = new byte[n * 3 * fb];
            for (int j = 0; j < n; j++) {
                int t = from + j;
                System.arraycopy(all, Math.max(t - 1, 0) * fb, clips, j * 3 * fb, fb);
                System.arraycopy(all, t * fb, clips, (j * 3 + 1) * fb, 2 * fb);
            }
            float[][] z = latents(clips, n);
            for (int j = 0; j < n; j++) {
                out[from + j] = codebook.action(z[j]);
            }
        }
        return out;
    }

    /**
     * The discrete action {@code [B, T-1]} (int64, in {@code video}'s manager) of every transition
     * of clips uint8 {@code [B, T, S, S, 3]}; each transition t−1 → t is read from x_{t−2},
     * x_{t−1}, x_t, and the first, which has no frame before it, sees its first frame twice (as
     * {@link #label} does at an episode's start).
     */
    public NDArray infer(NDArray video) {
        Shape shape = video.getShape();
        int s = config().imageSize();
        if (shape.dimension() != 5
                || shape.get(1) < 2
                || shape.get(2) != s
                || shape.get(3) != s
                || shape.get(4) != 3) {
            throw new IllegalArgumentException(
                    "the LAM reads clips uint8 [B, T >= 2, " + s + ", " + s + ", 3], got " + shape);
        }
        long b = shape.get(0);
        long t = shape.get(1);
        NDManager out = video.getManager();
        try (NDManager sm = manager.newSubManager()) {
            // A copy, so the arrays derived from it live (and die) in this sub-manager.
            NDArray v = video.toType(DataType.UINT8, true);
            v.attach(sm);
            NDArray previous =
                    t == 2
                            ? v.get(":, 0:1")
                            : NDArrays.concat(
                                    new NDList(
                                            v.get(":, 0:1"), v.get(new NDIndex(":, 0:{}", t - 2))),
                                    1);
            NDArray clips =
                    NDArrays.stack(
                                    new NDList(
                                            previous,
                                            v.get(new NDIndex(":, 0:{}", t - 1)),
                                            v.get(new NDIndex(":, 1:{}", t))),
                                    2)
                            .reshape(b * (t - 1), 3, s, s, 3);
            float[] flat = model.latents(ps, clips).toFloatArray();
            int d = config().latentDim();
            long[] codes = new long[(int) (b * (t - 1))];
            float[] z = new float[d];
            for (int i = 0; i < codes.length; i++) {
                System.arraycopy(flat, i * d, z, 0, d);
                codes[i] = codebook.action(z);
            }
            return out.create(codes, new Shape(b, t - 1));
        }
    }

    /** The label head's most likely real action of each latent (meaningful for supervised LAMs). */
    public int[] labelHead(float[][] latents) {
        try (NDManager sm = manager.newSubManager()) {
            int d = latents[0].length;
            float[] flat = new float[latents.length * d];
            for (int i = 0; i < latents.length; i++) {
                System.arraycopy(latents[i], 0, flat, i * d, d);
            }
            NDArray z = sm.create(flat, new Shape(latents.length, d));
            long[] best = model.labelLogits(ps, z).argMax(-1).toLongArray();
            int[] out = new int[best.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = (int) best[i];
            }
            return out;
        }
    }

    static float[][] latents(
            ConvLatentActionModel model,
            ParameterStore ps,
            NDManager manager,
            byte[] clips,
            int n) {
        int s = model.config().imageSize();
        try (NDManager sm = manager.newSubManager()) {
            NDArray video = Patches.video(sm, clips, n, 3, s, s, 3);
            float[] flat = model.latents(ps, video).toFloatArray();
            int d = model.config().latentDim();
            float[][] out = new float[n][d];
            for (int i = 0; i < n; i++) {
                System.arraycopy(flat, i * d, out[i], 0, d);
            }
            return out;
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
