package io.genie4j.genie;

import io.genie4j.env.AutoresetMode;
import io.genie4j.env.Env;
import io.genie4j.env.EnvSpec;
import io.genie4j.env.Reset;
import io.genie4j.env.Step;
import io.genie4j.env.Tensor;
import io.genie4j.env.registry.EnvOption;
import io.genie4j.env.registry.EnvOptions;
import io.genie4j.env.registry.EnvRegistration;
import io.genie4j.env.registry.PromptSource;
import io.genie4j.env.spaces.Box;
import io.genie4j.env.spaces.Discrete;
import io.genie4j.env.spaces.Space;
import io.genie4j.genie.world.ActionTable;
import io.genie4j.genie.world.EventHeads;
import io.genie4j.genie.world.GenieWorld;
import io.genie4j.genie.world.WorldModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code Genie-v0}: a generated world as an {@link Env}. Each episode starts from a prompt (the
 * first frame of a CoinRun level chosen by the reset seed, a frame of recorded episodes chosen by
 * it (option {@code prompt_video}), an image file, or frames given as the reset option {@code
 * prompt_frames}), and each step plays one of the model's latent actions ({@code Discrete(8)} for
 * the default model), or with option {@code actions=coinrun} one of CoinRun's 15 actions, played as
 * the latent action the model's {@link ActionTable} maps it to. Observations are 64×64 RGB frames.
 * A model with {@link EventHeads} pays their reward and ends the episode when its termination head
 * fires (option {@code events=false} turns both off, {@code termination=false} the termination
 * alone); otherwise reward is 0 and episodes end only by the time limit. Info: {@code step} and
 * {@code uncertainty}, the mean entropy (nats) of the distributions the frame's tokens were drawn
 * from, with real actions {@code latent_action}, the code played, and with event heads {@code
 * reward_probability} and {@code termination_probability}.
 *
 * <p>The same model, prompt, seed and actions give the same frames.
 */
public final class GenieEnv implements Env<Tensor, Integer> {

    /** The registry id. */
    public static final String ID = "Genie-v0";

    /** The prompt option's value that prompts with a CoinRun level's first frame. */
    public static final String COINRUN = "coinrun";

    private static final Map<String, WorldModel> MODELS = new ConcurrentHashMap<>();

    private final EnvSpec spec;
    private final GenieWorld world;
    private final Prompts prompts;
    private final Discrete actions;
    private final ActionTable table;
    private final EventHeads events;
    private final Box observations;
    private final int size;
    private java.util.SplittableRandom seeds = new java.util.SplittableRandom();
    private Tensor last;
    private int latent = -1;

    /** Makes the env from registry options. */
    public GenieEnv(EnvOptions options) {
        this.spec = options.spec();
        WorldModel model = model(options.getString("model"));
        this.world = new GenieWorld(model, 1, sampling(options));
        this.size = model.config().imageSize();
        this.table = actionTable(options, model);
        this.actions = new Discrete(table == null ? model.config().actions() : table.size());
        this.events = events(options, model);
        this.observations = Box.image(size, size);
        this.prompts = Prompts.of(options, model);
    }

    /**
     * The table that maps the game's real actions to latent ones for option {@code
     * actions=coinrun}, or null for {@code actions=latent}.
     */
    static ActionTable actionTable(EnvOptions options, WorldModel model) {
        if (!options.getString("actions").equals(COINRUN)) {
            return null;
        }
        ActionTable t = model.actionTable();
        String where = options.getString("model").isEmpty() ? "the shipped model" : "the model";
        if (t == null) {
            throw new IllegalArgumentException(
                    "actions=coinrun needs a real-action table, and "
                            + where
                            + " has none; fit one with genie4j train actions --model DIR --data"
                            + " EPISODES (CoinRun episodes from genie4j record)");
        }
        if (!t.env().equals("CoinRun-v0")) {
            throw new IllegalArgumentException(
                    "actions=coinrun needs a table fitted on CoinRun-v0 episodes; "
                            + where
                            + "'s was fitted on "
                            + t.env());
        }
        return t;
    }

    /**
     * The event heads registry options ask for: the model's (null if it has none), none with {@code
     * events=false}, and without their termination head with {@code termination=false}.
     */
    static EventHeads events(EnvOptions options, WorldModel model) {
        EventHeads heads = options.getBoolean("events") ? model.eventHeads() : null;
        if (heads == null || options.getBoolean("termination")) {
            return heads;
        }
        return heads.withoutTermination();
    }

    /** The sampling options of registry options. */
    static GenieWorld.Options sampling(EnvOptions options) {
        return new GenieWorld.Options(
                options.getInt("maskgit_steps"),
                (float) options.getDouble("temperature"),
                options.getInt("context"),
                true,
                options.getBoolean("slide"),
                options.getInt("decoder_context"),
                (float) options.getDouble("guidance"),
                options.getBoolean("soft_decode"));
    }

    static EnvRegistration registration() {
        EnvSpec spec = new EnvSpec(ID, 1000, 15, null, AutoresetMode.NEXT_STEP, Map.of());
        return new EnvRegistration(
                ID,
                "a world generated by the Genie world model, played with its latent actions or"
                        + " (actions=coinrun) CoinRun's, with the model's reward and termination"
                        + " heads if it has them",
                spec,
                List.of(
                        EnvOption.ofPath(
                                "model",
                                "",
                                "world model directory (empty: the shipped model)",
                                ""),
                        EnvOption.ofImage(
                                "prompt",
                                COINRUN,
                                "'coinrun' (a CoinRun level's first frame, level from the reset"
                                        + " seed), an image file, or RGB pixels (uint8 [H, W, 3])",
                                promptNames()),
                        EnvOption.ofPath(
                                "prompt_video",
                                "",
                                "a directory of recorded episodes (genie4j record): each episode"
                                        + " starts from one of their frames, drawn by the reset"
                                        + " seed, in place of prompt (empty: prompt)",
                                ""),
                        EnvOption.ofInt(
                                "maskgit_steps",
                                GenieWorld.Options.DEFAULT_MASKGIT_STEPS,
                                "MaskGIT iterations per frame"),
                        EnvOption.ofDouble(
                                "temperature",
                                (double) GenieWorld.Options.DEFAULT_TEMPERATURE,
                                "sampling temperature (0: most likely)"),
                        EnvOption.ofInt(
                                "context", 0, "frames the dynamics attends to (0: the model's)"),
                        EnvOption.ofBoolean(
                                "slide",
                                false,
                                "a full window of past frames slides by one frame per step,"
                                        + " keeping their cached keys and values (faster, not"
                                        + " exact); false: it restarts from its last half"),
                        EnvOption.ofInt(
                                "decoder_context",
                                0,
                                "frames the tokenizer's decoder attends to (0: its window; 1:"
                                        + " each frame decoded alone, fastest)"),
                        EnvOption.ofBoolean(
                                "soft_decode",
                                GenieWorld.Options.DEFAULT_SOFT_DECODE,
                                "the decoder draws each generated token as the mean of the codes"
                                        + " it was sampled from (false: the code sampled,"
                                        + " Genie's way; the world plays the same either way,"
                                        + " only its pixels change)"),
                        EnvOption.ofDouble(
                                "guidance",
                                1.0,
                                "classifier-free guidance on the action (1: off; above 1 pushes"
                                        + " frames towards what the action changes, at a second"
                                        + " dynamics pass; for models trained with action"
                                        + " dropout)"),
                        EnvOption.ofBoolean(
                                "events",
                                true,
                                "reward and termination from the model's event heads, if it has"
                                        + " them (false: reward 0, no termination)"),
                        EnvOption.ofBoolean(
                                "termination",
                                true,
                                "end an episode when the termination head fires (false: only a"
                                        + " reward that ends episodes, as CoinRun's coin does, and"
                                        + " the time limit end it)"),
                        EnvOption.ofString(
                                "actions",
                                "latent",
                                "'latent' (the model's latent actions) or 'coinrun' (CoinRun's 15"
                                        + " actions, each played as the latent action the model's"
                                        + " action table maps it to)",
                                "latent",
                                COINRUN)),
                GenieEnv::new,
                GenieVectorEnv::new);
    }

    /** The prompt values that name a prompt source rather than an image file. */
    private static String[] promptNames() {
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
        names.add(COINRUN);
        PromptSource.all().forEach(s -> names.add(s.name()));
        return names.toArray(String[]::new);
    }

    /** The model in {@code dir} (the shipped one if empty), loaded once per process. */
    static WorldModel model(String dir) {
        return MODELS.computeIfAbsent(
                dir,
                d -> {
                    try {
                        return WorldModel.load(d.isEmpty() ? null : Path.of(d));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    @Override
    public Space<Tensor> observationSpace() {
        return observations;
    }

    @Override
    public Space<Integer> actionSpace() {
        return actions;
    }

    @Override
    public EnvSpec spec() {
        return spec;
    }

    /**
     * Starts an episode. The seed picks the CoinRun level (for the {@code coinrun} prompt) and
     * seeds the sampler. Option {@code prompt_frames}: a uint8 tensor {@code [P, S, S, 3]} or
     * {@code [S, S, 3]} to prompt with instead.
     */
    @Override
    public Reset<Tensor> reset(Long seed, Map<String, Object> options) {
        for (String k : options.keySet()) {
            if (!k.equals("prompt_frames")) {
                throw new IllegalArgumentException(
                        ID + " takes only the reset option prompt_frames, got " + k);
            }
        }
        if (seed != null) {
            seeds = new java.util.SplittableRandom(seed);
        }
        long episodeSeed = seeds.nextLong();
        Tensor frames =
                options.containsKey("prompt_frames")
                        ? checkFrames(options.get("prompt_frames"))
                        : prompts.frame(episodeSeed);
        int p = frames.rank() == 3 ? 1 : frames.dim(0);
        byte[] out = world.reset(frames.toByteArray(), p, new long[] {episodeSeed});
        last = Tensor.uint8(out, size, size, 3);
        latent = -1;
        return new Reset<>(last, info());
    }

    private Tensor checkFrames(Object value) {
        return checkFrames(value, size);
    }

    /** Checks a {@code prompt_frames} reset option. */
    static Tensor checkFrames(Object value, int size) {
        if (!(value instanceof Tensor t)
                || t.dtype() != io.genie4j.env.DType.UINT8
                || t.rank() < 3
                || t.rank() > 4
                || t.dim(t.rank() - 1) != 3
                || t.dim(t.rank() - 2) != size
                || t.dim(t.rank() - 3) != size) {
            throw new IllegalArgumentException(
                    "prompt_frames must be a uint8 tensor [P, "
                            + size
                            + ", "
                            + size
                            + ", 3] or ["
                            + size
                            + ", "
                            + size
                            + ", 3]");
        }
        return t;
    }

    private Map<String, Object> info() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", world.steps());
        m.put("uncertainty", world.uncertainty()[0]);
        if (latent >= 0) {
            m.put("latent_action", latent);
        }
        return m;
    }

    @Override
    public Step<Tensor> step(Integer action) {
        int a = actions.validate(action, "action");
        if (last == null) {
            throw new IllegalStateException("step() called before reset()");
        }
        latent = table == null ? -1 : table.code(a);
        last = Tensor.uint8(world.step(new int[] {table == null ? a : latent}), size, size, 3);
        Map<String, Object> info = info();
        double[][] p = events == null ? null : world.eventProbabilities();
        if (p == null) {
            return new Step<>(last, 0.0, false, false, info);
        }
        info.put("reward_probability", p[0][0]);
        info.put("termination_probability", p[0][1]);
        double reward = events.rewardFires(p[0][0]) ? events.rewardValue() : 0.0;
        return new Step<>(last, reward, events.ends(p[0]), false, info);
    }

    @Override
    public Tensor render() {
        if (last == null) {
            throw new IllegalStateException("render() called before reset()");
        }
        return last;
    }

    @Override
    public void close() {
        world.close();
    }
}
