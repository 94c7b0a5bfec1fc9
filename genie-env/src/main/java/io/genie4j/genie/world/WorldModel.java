package io.genie4j.genie.world;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genie4j.genie.lam.LatentActions;
import io.genie4j.genie.tokenizer.VideoTokenizer;
import io.genie4j.genie.train.Checkpoints;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A complete, trained world model: the frozen tokenizer, the latent action model and the dynamics,
 * loaded from a model directory ({@code model.json} of kind "world", {@code dynamics.params}, the
 * tokenizer in {@code tokenizer/}, and either the co-trained LAM in {@code lam.params} or the
 * frozen LAM v2 in {@code lam/}, and optionally the real-action table {@value ActionTable#FILE}) or
 * from the model shipped in this jar.
 */
public final class WorldModel implements AutoCloseable {

    /** The "kind" of a world model's {@code model.json}. */
    public static final String KIND = "world";

    /** The class-path folder of the model shipped in this jar. */
    public static final String DEFAULT_RESOURCE = "/io/genie4j/genie/models/";

    /** The LAM's parameter file. */
    public static final String LAM_PARAMS = "lam.params";

    /** The dynamics model's parameter file. */
    public static final String DYNAMICS_PARAMS = "dynamics.params";

    /** The folder holding the tokenizer the world model was trained on. */
    public static final String TOKENIZER_DIR = "tokenizer";

    /**
     * The folder holding the frozen LAM v2 a world model's dynamics was trained on; a model without
     * it carries a co-trained LAM in {@link #LAM_PARAMS}.
     */
    public static final String LAM_DIR = "lam";

    private final NDManager manager;
    private final ObjectNode json;
    private final WorldConfig config;
    private final VideoTokenizer tokenizer;
    private final LatentActionModel lam;
    private final LatentActions latentActions;
    private final MaskGitDynamics dynamics;
    private final ActionTable actionTable;
    private final EventHeads eventHeads;

    private WorldModel(
            NDManager manager,
            ObjectNode json,
            WorldConfig config,
            VideoTokenizer tokenizer,
            LatentActionModel lam,
            LatentActions latentActions,
            MaskGitDynamics dynamics,
            ActionTable actionTable,
            EventHeads eventHeads) {
        this.manager = manager;
        this.json = json;
        this.config = config;
        this.tokenizer = tokenizer;
        this.lam = lam;
        this.latentActions = latentActions;
        this.dynamics = dynamics;
        this.actionTable = actionTable;
        this.eventHeads = eventHeads;
    }

    /** Loads the model in {@code dir}, or the shipped model when {@code dir} is null. */
    public static WorldModel load(Path dir) throws IOException {
        return load(
                dir == null
                        ? Checkpoints.Source.resource(DEFAULT_RESOURCE)
                        : Checkpoints.Source.of(dir));
    }

    /** Loads a world model, checking format, version, configs and every parameter's shape. */
    public static WorldModel load(Checkpoints.Source source) throws IOException {
        ObjectNode json = Checkpoints.readModelJson(source, KIND);
        WorldConfig config = config(json, source.where("model.json"));
        NDManager manager = NDManager.newBaseManager();
        LatentActions frozen = null;
        try {
            VideoTokenizer tok = VideoTokenizer.load(source.resolve(TOKENIZER_DIR), manager);
            config.checkTokenizer(tok.config());
            LatentActionModel lam = null;
            if (source.resolve(LAM_DIR).has("model.json")) {
                frozen = LatentActions.load(source.resolve(LAM_DIR));
                checkLam(frozen, config, source.where(LAM_DIR));
            } else {
                lam = new LatentActionModel(config);
                lam.initialize(manager);
                Checkpoints.loadParameters(lam, manager, source, LAM_PARAMS);
            }
            MaskGitDynamics dyn = new MaskGitDynamics(config, tok.quantizer().dim());
            dyn.initialize(manager);
            Checkpoints.loadParameters(dyn, manager, source, DYNAMICS_PARAMS);
            dyn.useCodebook(tok.quantizer(), manager);
            ActionTable table = ActionTable.load(source);
            if (table != null && table.codes() != config.actions()) {
                throw new IllegalArgumentException(
                        source.where(ActionTable.FILE)
                                + " maps to "
                                + table.codes()
                                + " codes; the model has "
                                + config.actions()
                                + " (fit it again with genie4j train actions)");
            }
            EventHeads events = EventHeads.load(source);
            if (events != null && events.width() != 2 * config.dim()) {
                throw new IllegalArgumentException(
                        source.where(EventHeads.FILE)
                                + " reads states of "
                                + events.width()
                                + " numbers; this model's are "
                                + 2 * config.dim()
                                + " (fit them again with genie4j train events)");
            }
            return new WorldModel(manager, json, config, tok, lam, frozen, dyn, table, events);
        } catch (IOException | RuntimeException e) {
            if (frozen != null) {
                frozen.close();
            }
            manager.close();
            throw e;
        }
    }

    /** Refuses a LAM v2 whose frames or action count do not match the world's. */
    static void checkLam(LatentActions lam, WorldConfig config, String where) {
        if (lam.config().imageSize() != config.imageSize()
                || lam.codebook().size() != config.actions()) {
            throw new IllegalArgumentException(
                    where
                            + " reads "
                            + lam.config().imageSize()
                            + "-pixel frames into "
                            + lam.codebook().size()
                            + " actions; the world model needs "
                            + config.imageSize()
                            + " and "
                            + config.actions());
        }
    }

    /** The world config recorded in a {@code model.json}. */
    static WorldConfig config(ObjectNode json, String where) {
        WorldConfig config;
        try {
            config = Checkpoints.JSON.treeToValue(json.get("config"), WorldConfig.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    where + " has a malformed config: " + e.getMessage());
        }
        if (config == null) {
            throw new IllegalArgumentException(where + " has no config");
        }
        return config.validate();
    }

    /**
     * The options of the env whose video the model was trained on ({@code model.json}'s {@code
     * data.env_options}, such as CoinRun's {@code art}): prompts drawn from that env should use
     * them. Empty if the model records none.
     */
    public java.util.Map<String, Object> envOptions() {
        return envOptions(json);
    }

    /**
     * For a model whose {@code model.json} records no env options of its training video: a one-line
     * warning on stderr that frames of its game drawn for it ({@code what}) use the game's default
     * options, which may not be those of the video it learned (CoinRun's default art is v1). Silent
     * for a model that records them, even as empty.
     */
    public void warnIfNoEnvOptions(String what) {
        if (!json.path("data").has("env_options")) {
            System.err.println(
                    "warning: the world model records no env options of its training video"
                            + " (model.json data.env_options), so "
                            + what
                            + " are drawn with the game's defaults (CoinRun: art v1). If its video"
                            + " was recorded with other options, add them there, such as"
                            + " \"env_options\": {\"art\": \"v2\"}");
        }
    }

    /** The env options a {@code model.json} records (see {@link #envOptions()}). */
    public static java.util.Map<String, Object> envOptions(
            com.fasterxml.jackson.databind.JsonNode json) {
        java.util.Map<String, Object> out = new java.util.TreeMap<>();
        json.path("data")
                .path("env_options")
                .fields()
                .forEachRemaining(
                        e -> {
                            var v = e.getValue();
                            out.put(
                                    e.getKey(),
                                    v.isBoolean()
                                            ? (Object) v.asBoolean()
                                            : v.isIntegralNumber()
                                                    ? (Object) v.asLong()
                                                    : v.isNumber()
                                                            ? (Object) v.asDouble()
                                                            : v.asText());
                        });
        return out;
    }

    /** The model's description ({@code model.json}). */
    public ObjectNode json() {
        return json;
    }

    /** The config. */
    public WorldConfig config() {
        return config;
    }

    /** The tokenizer. */
    public VideoTokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * The co-trained latent action model (Genie's, trained with the dynamics), or null when the
     * dynamics was trained on a frozen LAM v2 ({@link #latentActions()}).
     */
    public LatentActionModel lam() {
        return lam;
    }

    /** The frozen LAM v2 the dynamics was trained on, or null for a co-trained LAM. */
    public LatentActions latentActions() {
        return latentActions;
    }

    /**
     * What reads real video's latent actions: the frozen LAM v2 if any, else the co-trained one.
     */
    public ActionInference actions() {
        return latentActions != null
                ? (ps, video, codes) -> latentActions.infer(video)
                : lam::infer;
    }

    /**
     * The model's real-action table ({@value ActionTable#FILE}, written by {@code genie4j train
     * actions}), or null if it has none.
     */
    public ActionTable actionTable() {
        return actionTable;
    }

    /**
     * The model's reward and termination heads ({@value EventHeads#FILE}, written by {@code genie4j
     * train events}), or null if it has none.
     */
    public EventHeads eventHeads() {
        return eventHeads;
    }

    /** The dynamics model. */
    public MaskGitDynamics dynamics() {
        return dynamics;
    }

    /** The manager holding the parameters. */
    public NDManager manager() {
        return manager;
    }

    /**
     * The codes {@code [B, T, h, w]} of {@code video [B, T, H, W, 3]}, encoded in windows of {@code
     * window} frames (the tokenizer's training clip length).
     */
    public static NDArray tokenize(
            VideoTokenizer tok, ParameterStore ps, NDArray video, int window) {
        long t = video.getShape().get(1);
        if (t <= window) {
            return tok.encode(ps, video);
        }
        NDList parts = new NDList();
        for (long s = 0; s < t; s += window) {
            long e = Math.min(t, s + window);
            parts.add(tok.encode(ps, video.get(new NDIndex(":, {}:{}", s, e))));
        }
        return NDArrays.concat(parts, 1);
    }

    @Override
    public void close() {
        if (latentActions != null) {
            latentActions.close();
        }
        manager.close();
    }
}
