package io.genie4j.coinrun;

import io.genie4j.env.AutoresetMode;
import io.genie4j.env.Env;
import io.genie4j.env.EnvSpec;
import io.genie4j.env.Reset;
import io.genie4j.env.Step;
import io.genie4j.env.Tensor;
import io.genie4j.env.registry.EnvOption;
import io.genie4j.env.registry.EnvOptions;
import io.genie4j.env.registry.EnvRegistration;
import io.genie4j.env.spaces.Box;
import io.genie4j.env.spaces.Discrete;
import io.genie4j.env.spaces.Space;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code CoinRun-v0}: OpenAI Procgen's CoinRun as an {@link Env}. 15 actions (0 LEFT+DOWN … 8
 * RIGHT+UP; 9–14 act as NOOP), 64×64 RGB observations, reward 10 on the coin; {@code terminated} on
 * the coin or death, {@code truncated} at 1000 steps. Info: {@code level_seed}, {@code
 * level_complete}, {@code death} ({@code lava}, {@code saw}, {@code enemy}, {@code fell} or null)
 * and {@code steps}. Option {@code art}: {@code v1} (default) or {@code v2}, a second look of the
 * same game ({@link CoinRunRenderer.Art}); option {@code ground_grain} (default true) false draws
 * v2's ground flat.
 *
 * <p>Levels: each reset draws a level seed from {@code [start_level, start_level + num_levels)}
 * (all non-negative ints when {@code num_levels} is 0) with a generator that {@code reset(seed)}
 * seeds as Procgen's first env of a {@code ProcgenEnv(rand_seed=seed)} is seeded, so episodes
 * follow Procgen's level sequence.
 */
public final class CoinRunEnv implements Env<Tensor, Integer> {
    /** The registry id, {@value}. */
    public static final String ID = "CoinRun-v0";

    private static final int SIZE = 64;

    /**
     * What each of the 15 actions does, as Procgen names them: the 3×3 moves, then six keys ({@code
     * D A W S Q E}) that CoinRun ignores, so they play as {@code NOOP}.
     */
    public static final List<String> ACTION_NAMES =
            List.of(
                    "LEFT+DOWN",
                    "LEFT",
                    "LEFT+UP",
                    "DOWN",
                    "NOOP",
                    "UP",
                    "RIGHT+DOWN",
                    "RIGHT",
                    "RIGHT+UP",
                    "NOOP",
                    "NOOP",
                    "NOOP",
                    "NOOP",
                    "NOOP",
                    "NOOP");

    private final EnvSpec spec;
    private final boolean hard;
    private final int levelLow;
    private final int levelHigh;
    private final CoinRunRenderer renderer;
    private final Discrete actions = new Discrete(15);
    private final Box observations = Box.image(SIZE, SIZE);
    private ProcgenRandom levelSeeds;
    private int levelSeed;
    private CoinRunGame game;

    /** Makes the env from registry options. */
    public CoinRunEnv(EnvOptions options) {
        this.spec = options.spec();
        this.hard = options.getString("distribution_mode").equals("hard");
        int numLevels = options.getInt("num_levels");
        int startLevel = options.getInt("start_level");
        if (numLevels < 0) {
            throw new IllegalArgumentException(
                    "option num_levels = " + numLevels + " is invalid: expected >= 0");
        }
        if (startLevel < 0) {
            throw new IllegalArgumentException(
                    "option start_level = " + startLevel + " is invalid: expected >= 0");
        }
        this.levelLow = numLevels == 0 ? 0 : startLevel;
        this.levelHigh = numLevels == 0 ? Integer.MAX_VALUE : startLevel + numLevels;
        this.renderer =
                new CoinRunRenderer(
                        options.getBoolean("center_agent"),
                        options.getBoolean("use_backgrounds"),
                        options.getBoolean("use_monochrome_assets"),
                        options.getBoolean("restrict_themes"),
                        CoinRunRenderer.Art.of(options.getString("art")),
                        options.getBoolean("ground_grain"),
                        options.getInt("background_scale"));
        this.levelSeeds = seeded(new java.util.SplittableRandom().nextInt());
    }

    /**
     * The action a player means by holding these direction keys, as Procgen's interactive mode
     * combines them: {@code 3 × (x + 1) + (y + 1)} with x from left/right and y from down/up (up is
     * the jump). Opposite keys held together cancel.
     */
    public static int action(boolean left, boolean right, boolean up, boolean down) {
        int x = (right ? 1 : 0) - (left ? 1 : 0);
        int y = (up ? 1 : 0) - (down ? 1 : 0);
        return 3 * (x + 1) + (y + 1);
    }

    static EnvRegistration registration() {
        EnvSpec spec = new EnvSpec(ID, 1000, 15, 10.0, AutoresetMode.NEXT_STEP, Map.of());
        return new EnvRegistration(
                ID,
                "OpenAI Procgen's CoinRun, reimplemented step for step in Java",
                spec,
                List.of(
                        EnvOption.ofString(
                                "distribution_mode", "hard", "level difficulty", "easy", "hard"),
                        EnvOption.ofInt(
                                "num_levels", 0, "number of distinct levels; 0 for unlimited"),
                        EnvOption.ofInt("start_level", 0, "first level seed when num_levels > 0"),
                        EnvOption.ofBoolean("use_backgrounds", true, "draw backgrounds"),
                        EnvOption.ofBoolean("restrict_themes", false, "one theme for every level"),
                        EnvOption.ofBoolean(
                                "use_monochrome_assets", false, "flat single-colour art"),
                        EnvOption.ofBoolean(
                                "center_agent", true, "camera follows the agent (13 cells across)"),
                        EnvOption.ofString(
                                "art",
                                "v1",
                                "art style: v1 flat shapes, v2 shows the agent's facing and pose"
                                        + " over a textured background",
                                "v1",
                                "v2"),
                        EnvOption.ofBoolean(
                                "ground_grain",
                                true,
                                "art v2: specks on the ground (false: flat ground, so fewer"
                                        + " pixels change when the camera moves)"),
                        EnvOption.ofInt(
                                "background_scale",
                                1,
                                "art v2: the background's patterns drawn this many times larger"
                                        + " (1 to 16), so fewer pixels change when the camera"
                                        + " moves")),
                CoinRunEnv::new);
    }

    /**
     * Procgen's VecGame: the game's level-seed generator is seeded with randint() of rand_seed's.
     */
    private static ProcgenRandom seeded(int randSeed) {
        return new ProcgenRandom(new ProcgenRandom(randSeed).randint());
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
     * Starts an episode on the next level. A seed is taken as a 32-bit int, as Procgen's {@code
     * rand_seed}.
     */
    @Override
    public Reset<Tensor> reset(Long seed, Map<String, Object> options) {
        if (!options.isEmpty()) {
            throw new IllegalArgumentException(
                    ID + " takes no reset options, got " + options.keySet());
        }
        if (seed != null) {
            levelSeeds = seeded((int) (long) seed);
        }
        levelSeed = levelSeeds.randint(levelLow, levelHigh);
        game = new CoinRunGame(CoinRunLevel.generate(levelSeed, hard));
        return new Reset<>(render(), info(null));
    }

    @Override
    public Step<Tensor> step(Integer action) {
        int a = actions.validate(action, "action");
        if (game == null) {
            throw new IllegalStateException("step() called before reset()");
        }
        CoinRunGame.Outcome o = game.step(a);
        boolean truncated = !o.done() && game.time() >= CoinRunGame.TIMEOUT;
        return new Step<>(render(), o.reward(), o.done(), truncated, info(o));
    }

    private Map<String, Object> info(CoinRunGame.Outcome o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("level_seed", levelSeed);
        m.put("level_complete", o != null && o.levelComplete());
        m.put("death", o == null ? null : o.death());
        m.put("steps", game.time());
        return m;
    }

    @Override
    public Tensor render() {
        return render(1);
    }

    /** The current frame at {@code scale} times 64 pixels a side, for a person to look at. */
    public Tensor render(int scale) {
        if (game == null) {
            throw new IllegalStateException("render() called before reset()");
        }
        if (scale < 1 || scale > 32) {
            throw new IllegalArgumentException("scale " + scale + " is outside 1..32");
        }
        int size = SIZE * scale;
        byte[] px = new byte[size * size * 3];
        renderer.render(game, px, size);
        return Tensor.uint8(px, size, size, 3);
    }

    /** A copy of the game state, for planners (privileged information). */
    public CoinRunGame gameState() {
        if (game == null) {
            throw new IllegalStateException("no episode yet: call reset()");
        }
        return game.copy();
    }

    /** The current level seed. */
    public int levelSeed() {
        return levelSeed;
    }

    @Override
    public void close() {
        game = null;
    }
}
