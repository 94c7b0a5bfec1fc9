package io.genie4j.coinrun;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A CoinRun level as OpenAI Procgen 0.10 generates it ({@code procgen/src/games/coinrun.cpp} and
 * {@code basic-abstract-game.cpp}, MIT licence): the 64×64 grid, the entities in creation order,
 * the agent's start, and the themes and background index. The same level seed and mode give the
 * same level as Procgen, because the generator consumes Procgen's random outputs in Procgen's
 * order; that order is noted at each draw below.
 *
 * <p>Coordinates: {@code x} to the right and {@code y} up, in cells; cell {@code (x, y)} covers
 * {@code [x, x+1) × [y, y+1)}; entity positions are centres.
 */
public final class CoinRunLevel {
    /** Grid width and height in cells. */
    public static final int SIZE = 64;

    /** Grid cell types, with Procgen's ids. */
    public static final byte SPACE = 100;

    /** The coin: touching it completes the level. */
    public static final byte GOAL = 1;

    /** Solid ground. */
    public static final byte WALL_MID = 15;

    /** The top layer of solid ground. */
    public static final byte WALL_TOP = 16;

    /** Lava: touching it kills. */
    public static final byte LAVA_MID = 17;

    /** The top layer of lava. */
    public static final byte LAVA_TOP = 18;

    /** Invisible: turns walking enemies around. */
    public static final byte ENEMY_BARRIER = 19;

    /**
     * Backgrounds in Procgen's {@code platform_backgrounds} list as {@code images_load()} leaves it
     * ({@code resources.cpp}): 37 {@code platform_backgrounds/} and 12 {@code
     * platform_backgrounds_2/} images, then the 13 space backgrounds appended to it.
     */
    static final int NUM_BACKGROUNDS = 62;

    /**
     * Background colours of our renderer's art. Each level's colour comes from the same draw as its
     * background index, as that draw modulo 37: an earlier port took 37 for Procgen's background
     * count, and the shipped tokenizer and world model learned from frames coloured so, so the
     * correction of {@link #NUM_BACKGROUNDS} keeps every pixel as it was.
     */
    static final int NUM_BACKGROUND_COLOURS = 37;

    /**
     * Player colours, walking-enemy kinds, crate looks and ground themes: Procgen's asset counts.
     */
    static final int NUM_PLAYER_THEMES = 5;

    static final int NUM_ENEMY_THEMES = 9;
    static final int NUM_CRATE_THEMES = 4;
    static final int NUM_GROUND_THEMES = 6;

    // Physics constants set at reset; the generator sizes gaps and steps from them.
    static final float GRAVITY = 0.2f;
    static final float MAX_JUMP = 1.5f;
    static final float MAX_SPEED = .5f;
    static final float AIR_CONTROL = 0.15f;

    final int seed;
    final boolean hard;
    final byte[] grid = new byte[SIZE * SIZE];
    final List<CoinRunEntity> entities = new ArrayList<>();
    final float agentX;
    final float agentY;
    final float agentRx = .5f;
    final float agentRy = 0.5787f;
    final int agentTheme;
    final int wallTheme;
    final int backgroundIndex;
    final int backgroundColour;
    final float backgroundOffset;

    private final ProcgenRandom rng;

    private CoinRunLevel(int seed, boolean hard) {
        this.seed = seed;
        this.hard = hard;
        this.rng = new ProcgenRandom(seed);
        // --- BasicAbstractGame::game_reset ---
        backgroundOffset = rng.rand01();
        long bgDraw = rng.nextUInt(); // randn(NUM_BACKGROUNDS) takes this output mod the count
        rng.rand01(); // the generic random agent start, which CoinRun then overrides (x)
        rng.rand01(); // (y)
        java.util.Arrays.fill(grid, SPACE);
        // --- CoinRun::game_reset ---
        if (hard) {
            agentTheme = rng.randn(NUM_PLAYER_THEMES);
            wallTheme = rng.randn(NUM_GROUND_THEMES);
            backgroundIndex = (int) (bgDraw % NUM_BACKGROUNDS);
            backgroundColour = (int) (bgDraw % NUM_BACKGROUND_COLOURS);
        } else {
            agentTheme = 0;
            wallTheme = 0;
            backgroundIndex = 0;
            backgroundColour = 0;
        }
        agentX = 1 + agentRx;
        agentY = 1 + agentRy;
        initFloorAndWalls();
        generateCoinToTheRight();
    }

    /**
     * Generates the level of {@code seed}.
     *
     * @param hard Procgen's distribution mode: {@code true} for hard, {@code false} for easy
     */
    public static CoinRunLevel generate(int seed, boolean hard) {
        return new CoinRunLevel(seed, hard);
    }

    /** The game's generator as generation left it: play continues drawing from it. */
    ProcgenRandom generatorAfterGeneration() {
        return rng.copy();
    }

    /** The x of the coin's cell. */
    public int goalX() {
        for (int i = 0; i < grid.length; i++) {
            if (grid[i] == GOAL) {
                return i % SIZE;
            }
        }
        throw new IllegalStateException("level " + seed + " has no coin");
    }

    /** The level seed. */
    public int seed() {
        return seed;
    }

    /** Whether this is a hard-mode level. */
    public boolean hard() {
        return hard;
    }

    /** The cell type at {@code (x, y)}; outside the grid, {@link #WALL_MID} as in Procgen. */
    public byte cell(int x, int y) {
        return x < 0 || y < 0 || x >= SIZE || y >= SIZE ? WALL_MID : grid[y * SIZE + x];
    }

    /** The entities (saws, walking enemies, crates) in creation order, without the agent. */
    public List<CoinRunEntity> entities() {
        return Collections.unmodifiableList(entities);
    }

    /** The agent's start, centre x. */
    public float agentX() {
        return agentX;
    }

    /** The agent's start, centre y. */
    public float agentY() {
        return agentY;
    }

    /** The agent's colour theme (0 in easy mode). */
    public int agentTheme() {
        return agentTheme;
    }

    /** The ground theme (0 in easy mode). */
    public int wallTheme() {
        return wallTheme;
    }

    /** Procgen's background image index, 0–61 (0 in easy mode). */
    public int backgroundIndex() {
        return backgroundIndex;
    }

    /**
     * The level as one JSON object, the form {@code genie4j coinrun level} prints to compare with
     * Procgen: {@code {"seed","mode","grid":[64 strings, grid[0] is row y=63 … grid[63] is y=0;
     * char i is x=i],"agent":[x,y],"entities":[[type,x,y,vx,vy],…]}}, cells {@code .} empty, {@code
     * #} wall, {@code ^} wall top, {@code L} lava, {@code l} lava top, {@code G} coin, {@code B}
     * enemy barrier.
     */
    public java.util.Map<String, Object> toJson() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("seed", seed);
        m.put("mode", hard ? "hard" : "easy");
        List<String> rows = new ArrayList<>(SIZE);
        for (int y = SIZE - 1; y >= 0; y--) {
            StringBuilder row = new StringBuilder(SIZE);
            for (int x = 0; x < SIZE; x++) {
                row.append(cellChar(cell(x, y)));
            }
            rows.add(row.toString());
        }
        m.put("grid", rows);
        m.put("agent", List.of(agentX, agentY));
        List<Object> ents = new ArrayList<>();
        for (CoinRunEntity e : entities) {
            ents.add(
                    List.of(
                            e.kind.name().toLowerCase(java.util.Locale.ROOT),
                            e.x,
                            e.y,
                            e.vx,
                            e.vy));
        }
        m.put("entities", ents);
        return m;
    }

    static char cellChar(byte type) {
        return switch (type) {
            case SPACE -> '.';
            case WALL_MID -> '#';
            case WALL_TOP -> '^';
            case LAVA_MID -> 'L';
            case LAVA_TOP -> 'l';
            case GOAL -> 'G';
            case ENEMY_BARRIER -> 'B';
            default -> '?';
        };
    }

    private void set(int x, int y, byte type) {
        if (x < 0 || y < 0 || x >= SIZE || y >= SIZE) {
            throw new IllegalStateException(
                    "level " + seed + " writes outside the grid at " + x + "," + y);
        }
        grid[y * SIZE + x] = type;
    }

    private void fill(int x, int y, int dx, int dy, byte type) {
        for (int j = 0; j < dx; j++) {
            for (int k = 0; k < dy; k++) {
                set(x + j, y + k, type);
            }
        }
    }

    private void fillBlockTop(int x, int y, int dx, int dy, byte fill, byte top) {
        fill(x, y, dx, dy - 1, fill);
        fill(x, y + dy - 1, dx, 1, top);
    }

    private void fillGround(int x, int y, int dx, int dy) {
        fillBlockTop(x, y, dx, dy, WALL_MID, WALL_TOP);
    }

    private static boolean isWall(byte type) {
        return type == WALL_MID || type == WALL_TOP;
    }

    private void initFloorAndWalls() {
        fill(0, 0, SIZE, 1, WALL_TOP);
        fill(0, 0, 1, SIZE, WALL_MID);
        fill(SIZE - 1, 0, 1, SIZE, WALL_MID);
        fill(0, SIZE - 1, SIZE, 1, WALL_MID);
    }

    private void createSaw(int x, int y) {
        entities.add(new CoinRunEntity(CoinRunEntity.Kind.SAW, x + .5f, y + .5f, 0, 0, 0));
    }

    private void createEnemy(int x, int y) {
        // Direction first, then the look (choose_random_theme), as Procgen draws them.
        float vx = (float) (.15 * (rng.randn(2) * 2 - 1));
        int theme = rng.randn(NUM_ENEMY_THEMES);
        entities.add(new CoinRunEntity(CoinRunEntity.Kind.ENEMY, x + .5f, y + .5f, vx, 0, theme));
    }

    private void createCrate(int x, int y) {
        int theme = rng.randn(NUM_CRATE_THEMES);
        entities.add(new CoinRunEntity(CoinRunEntity.Kind.CRATE, x + .5f, y + .5f, 0, 0, theme));
    }

    /** Procgen's {@code generate_coin_to_the_right}: sections of ground, pits and obstacles. */
    private void generateCoinToTheRight() {
        int dif = rng.randn(3) + 1;
        int numSections = rng.randn(dif) + dif;
        int currX = 5;
        int currY = 1;
        int pitThreshold = dif;
        int dangerType = rng.randn(3);
        // Float arithmetic as in Procgen, then a double subtraction (".5" is a double literal
        // there).
        float maxDyF = MAX_JUMP * MAX_JUMP / (2 * GRAVITY);
        float maxDxF = MAX_SPEED * 2 * MAX_JUMP / GRAVITY;
        int maxDy = (int) (maxDyF - .5);
        int maxDx = (int) (maxDxF - .5);
        boolean allowMonsters = hard;

        for (int section = 0; section < numSections; section++) {
            if (currX + 15 >= SIZE) {
                break;
            }
            int dy = rng.randn(4) + 1 + dif / 3;
            if (dy > maxDy) {
                dy = maxDy;
            }
            if (currY >= 20) {
                dy *= -1;
            } else if (currY >= 5 && rng.randn(2) == 1) {
                dy *= -1;
            }
            int dx = rng.randn(2 * dif) + 3 + dif / 3;
            currY += dy;
            if (currY < 1) {
                currY = 1;
            }
            boolean usePit = dx > 7 && currY > 3 && rng.randn(20) >= pitThreshold;
            if (usePit) {
                int x1 = rng.randn(3) + 1;
                int x2 = rng.randn(3) + 1;
                int pitWidth = dx - x1 - x2;
                if (pitWidth > maxDx) {
                    pitWidth = maxDx;
                    x2 = dx - x1 - pitWidth;
                }
                fillGround(currX, 0, x1, currY);
                fillGround(currX + dx - x2, 0, x2, currY);
                int lavaHeight = rng.randn(currY - 3) + 1;
                if (dangerType == 0) {
                    fillBlockTop(currX + x1, 1, pitWidth, lavaHeight, LAVA_MID, LAVA_TOP);
                } else if (dangerType == 1) {
                    for (int i = 0; i < pitWidth; i++) {
                        createSaw(currX + x1 + i, 1);
                    }
                } else {
                    for (int i = 0; i < pitWidth; i++) {
                        createEnemy(currX + x1 + i, 1);
                    }
                }
                if (pitWidth > 4) {
                    int x3;
                    int w1;
                    if (pitWidth == 5) {
                        x3 = 1 + rng.randn(2);
                        w1 = 1 + rng.randn(2);
                    } else if (pitWidth == 6) {
                        x3 = 2 + rng.randn(2);
                        w1 = 1 + rng.randn(2);
                    } else {
                        x3 = 2 + rng.randn(2);
                        int x4 = 2 + rng.randn(2);
                        w1 = pitWidth - x3 - x4;
                    }
                    fillGround(currX + x1 + x3, currY - 1, w1, 1);
                }
            } else {
                fillGround(currX, 0, dx, currY);
                int ob1X = -1;
                int ob2X = -1;
                if (rng.randn(10) < 2 * dif && dx > 3) {
                    ob1X = currX + rng.randn(dx - 2) + 1;
                    createSaw(ob1X, currY);
                }
                if (rng.randn(10) < dif && dx > 3 && maxDx >= 4 && allowMonsters) {
                    ob2X = currX + rng.randn(dx - 2) + 1;
                    createEnemy(ob2X, currY);
                }
                for (int i = 0; i < 2; i++) {
                    int crateX = currX + rng.randn(dx - 2) + 1;
                    if (rng.randn(2) == 1 && ob1X != crateX && ob2X != crateX) {
                        int pileHeight = rng.randn(3) + 1;
                        for (int j = 0; j < pileHeight; j++) {
                            createCrate(crateX, currY + j);
                        }
                    }
                }
            }
            if (!isWall(cell(currX - 1, currY))) {
                set(currX - 1, currY, ENEMY_BARRIER);
            }
            currX += dx;
            set(currX, currY, ENEMY_BARRIER);
        }
        set(currX, currY, GOAL);
        fillGround(currX, 0, 1, currY);
        fill(currX + 1, 0, SIZE - currX - 1, SIZE, WALL_MID);
    }
}
