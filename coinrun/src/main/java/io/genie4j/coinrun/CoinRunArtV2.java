package io.genie4j.coinrun;

/**
 * The {@code v2} art of {@link CoinRunRenderer}: the same game state as {@code v1}, drawn so that
 * what the agent does shows in the frame, as Procgen's art shows it.
 *
 * <ul>
 *   <li>The agent is a small pixel-art figure (helmet with a visor on the front, a pack on the
 *       back) drawn, as Procgen draws the player, over its collision box stretched upward to 1.7415
 *       times its height; it faces the way of the last horizontal action (Procgen's {@code
 *       is_reflected}); its pose is chosen as Procgen's {@code image_for_type} chooses it: standing
 *       when still on support with no horizontal action, otherwise the first walking image in the
 *       air and on steps whose {@code time / 5} is even, the second on the others.
 *   <li>Walking enemies alternate two images every 5 steps and face the way they move; saws turn
 *       every step, as Procgen's.
 *   <li>The background is a texture defined in world coordinates, so it scrolls one for one with
 *       the level, as Procgen's background image drawn over the whole world does: one of {@value
 *       #NUM_PATTERNS} patterns (clouds, dunes, stars, bricks, bubbles, diamonds) in a colour, both
 *       chosen from the level's background draw; easy levels (and restricted themes) all get the
 *       first. Contrast is kept low so that the things the agent must see stand out.
 *   <li>The ground is its theme's fill with darker and lighter specks a third of a cell across,
 *       also fixed to the level; with the ground grain off (env option {@code ground_grain=false})
 *       it is flat. Each camera move re-samples the specks under almost every ground patch of the
 *       frame, which a world model must then predict; flat ground changes only at its edges.
 * </ul>
 *
 * Nothing here draws from a random generator: the texture's variation is a hash of world
 * coordinates. For speed each pattern is made once as a table of shade indices that repeats every
 * 32 cells (a level looks at it through a window offset by a hash of its colour), so a background
 * pixel costs two look-ups; v2 frames take about a quarter longer to draw than v1's.
 */
final class CoinRunArtV2 {
    /**
     * The agent's images: Procgen's {@code PLAYER}, {@code PLAYER_RIGHT1}, {@code PLAYER_RIGHT2}.
     */
    enum Pose {
        STAND,
        WALK1,
        WALK2
    }

    /** Procgen draws the player over its box stretched upward to this many times its height. */
    static final float AGENT_IMAGE_STRETCH = 1.7415f;

    /** Background patterns. */
    static final int NUM_PATTERNS = 6;

    private static final int CLOUDS = 0;
    private static final int DUNES = 1;
    private static final int STARS = 2;
    private static final int BRICKS = 3;
    private static final int BUBBLES = 4;
    private static final int DIAMONDS = 5;

    /**
     * Each pattern's four shades, applied to the sky colour of the row: negative darkens by that
     * fraction, positive lightens toward white by it.
     */
    private static final float[][] SHADES = {
        {0f, .07f, .14f, .21f}, // clouds: sky, then lighter puffs
        {-.09f, -.03f, .03f, .11f}, // dunes: three bands and a light crest
        {0f, .06f, .30f, .62f}, // stars: night, nebula, star glow, star core
        {-.13f, -.04f, 0f, .04f}, // bricks: mortar, three brick tints
        {0f, .05f, .15f, 0f}, // bubbles: water, inside, rim
        {-.09f, -.02f, .04f, 0f} // diamonds: lines, two tiles
    };

    // Sprite texel codes.
    private static final byte CLEAR = 0;
    private static final byte BODY = 1;
    private static final byte DARK = 2;
    private static final byte VISOR = 3;
    private static final byte EYE = 4;
    private static final byte FOOT = 5;

    /**
     * The agent's head, facing right: 10 texels across its cell, 20 down its image, row 0 at the
     * top. At 64 pixels a texel is about half a pixel, so what must show is drawn in 2×2 blocks.
     */
    private static final String[] AGENT_TOP = {
        "..bbbbbb..", //
        ".bbbbbbbb.",
        "dbbbbbbbbb",
        "ddbbbbllll",
        "ddbbbbllkk",
        "ddbbbbllkk",
        "ddbbbbllll",
        ".dbbbbbbb.",
        "..bbbbbb..",
    };

    /** Torso (with a pack on the back) and legs of each pose, facing right. */
    private static final String[][] AGENT_BOTTOM = {
        { // STAND: arms down, legs straight
            ".ddbbbbdd.", //
            ".ddbbbbdd.",
            ".ddbbbbdd.",
            ".ddbbbbdd.",
            "..bbbbbb..",
            "..dddddd..",
            "..dd..dd..",
            "..dd..dd..",
            "..dd..dd..",
            "..dd..dd..",
            "..ff..ffff",
        },
        { // WALK1: front arm forward, back arm back, legs in a wide stride
            "ddbbbbbddd", //
            "ddbbbbbddd",
            ".ddbbbbb..",
            ".ddbbbbb..",
            "..bbbbbb..",
            "..dddddd..",
            ".dd....dd.",
            ".dd....dd.",
            "dd......dd",
            "dd......dd",
            "ff......ff",
        },
        { // WALK2: front arm swung back across the body, front knee raised
            ".ddbbbbbb.", //
            ".ddddbbbb.",
            ".ddddbbbb.",
            ".ddbbbbbb.",
            "..bbbbbb..",
            "..dddddddd",
            "..dd..dddd",
            "..dd....ff",
            "..dd....ff",
            "..dd......",
            "..ffff....",
        },
    };

    /** A walking enemy's two images, facing right, 10×10 texels over its cell. */
    private static final String[][] ENEMY_IMAGES = {
        { // squashed
            "..........", //
            "..........",
            "..........",
            "...bbbbb..",
            "..bbbbbbb.",
            ".bbbbbbllb",
            ".bbbbbbkll",
            "bbbbbbbbbb",
            "bbbbbbbbbb",
            "dddddddddd",
        },
        { // stretched
            "....bbb...", //
            "...bbbbb..",
            "..bbbbbbb.",
            "..bbbbbllb",
            "..bbbbbkll",
            "..bbbbbbbb",
            ".bbbbbbbbb",
            ".bbbbbbbb.",
            ".bbbbbbbb.",
            ".dd.dd.dd.",
        },
    };

    /**
     * Colours of the sprite codes (clear, body, dark, visor, eye, foot) per agent theme and per
     * enemy kind; monochrome draws a flat silhouette with the visor or eye cut out in black.
     */
    private static final int[][] AGENT_PALETTES = new int[CoinRunRenderer.AGENT.length][];

    private static final int[][] ENEMY_PALETTES = new int[CoinRunRenderer.ENEMY.length][];
    private static final int[] AGENT_MONOCHROME = {-1, 0x30a0ff, 0x30a0ff, 0, 0, 0x30a0ff};
    private static final int[] ENEMY_MONOCHROME = {-1, 0xff3030, 0xff3030, 0, 0, 0xff3030};

    static final byte[][][] AGENT_SPRITES = new byte[3][][];
    private static final byte[][][] ENEMY_SPRITES = new byte[2][][];

    static {
        for (int p = 0; p < 3; p++) {
            String[] rows = new String[AGENT_TOP.length + AGENT_BOTTOM[p].length];
            System.arraycopy(AGENT_TOP, 0, rows, 0, AGENT_TOP.length);
            System.arraycopy(AGENT_BOTTOM[p], 0, rows, AGENT_TOP.length, AGENT_BOTTOM[p].length);
            AGENT_SPRITES[p] = texels(rows);
        }
        for (int f = 0; f < 2; f++) {
            ENEMY_SPRITES[f] = texels(ENEMY_IMAGES[f]);
        }
        for (int t = 0; t < AGENT_PALETTES.length; t++) {
            int body = CoinRunRenderer.AGENT[t];
            AGENT_PALETTES[t] =
                    new int[] {
                        -1, body, shade(body, -.38f), 0xd6f0ff, 0x1a2030, shade(body, -.62f)
                    };
        }
        for (int t = 0; t < ENEMY_PALETTES.length; t++) {
            int body = CoinRunRenderer.ENEMY[t];
            ENEMY_PALETTES[t] = new int[] {-1, body, shade(body, -.4f), 0xffffff, 0x101010, body};
        }
    }

    private static byte[][] texels(String[] rows) {
        byte[][] t = new byte[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length() != rows[0].length()) {
                throw new IllegalStateException("sprite rows differ in width at " + r);
            }
            t[r] = new byte[rows[r].length()];
            for (int c = 0; c < rows[r].length(); c++) {
                t[r][c] =
                        switch (rows[r].charAt(c)) {
                            case '.' -> CLEAR;
                            case 'b' -> BODY;
                            case 'd' -> DARK;
                            case 'l' -> VISOR;
                            case 'k' -> EYE;
                            case 'f' -> FOOT;
                            default ->
                                    throw new IllegalStateException(
                                            "sprite texel " + rows[r].charAt(c));
                        };
            }
        }
        return t;
    }

    private final boolean centerAgent;
    private final boolean useBackgrounds;
    private final boolean monochrome;
    private final boolean restrictThemes;
    private final boolean groundGrain;
    private final int backgroundScale;

    CoinRunArtV2(
            boolean centerAgent,
            boolean useBackgrounds,
            boolean monochrome,
            boolean restrictThemes,
            boolean groundGrain) {
        this(centerAgent, useBackgrounds, monochrome, restrictThemes, groundGrain, 1);
    }

    /**
     * With {@code backgroundScale} k the background's patterns are drawn k times larger (the sky's
     * gradient and the ground are unchanged): fewer of their edges fall in each 8×8 patch, so fewer
     * patches change when the camera moves. {@link CoinRunRenderer} checks it ({@link
     * #checkBackgroundScale}).
     */
    CoinRunArtV2(
            boolean centerAgent,
            boolean useBackgrounds,
            boolean monochrome,
            boolean restrictThemes,
            boolean groundGrain,
            int backgroundScale) {
        this.centerAgent = centerAgent;
        this.useBackgrounds = useBackgrounds;
        this.monochrome = monochrome;
        this.restrictThemes = restrictThemes;
        this.groundGrain = groundGrain;
        this.backgroundScale = backgroundScale;
    }

    /** The largest {@code background_scale}. */
    static final int MAX_BACKGROUND_SCALE = 16;

    /** Refuses a {@code background_scale} outside 1 to {@link #MAX_BACKGROUND_SCALE}. */
    static void checkBackgroundScale(int backgroundScale) {
        if (backgroundScale < 1 || backgroundScale > MAX_BACKGROUND_SCALE) {
            throw new IllegalArgumentException(
                    "background_scale = "
                            + backgroundScale
                            + " is invalid: expected 1 (art v2 as first drawn) to "
                            + MAX_BACKGROUND_SCALE);
        }
    }

    /** The agent's image as Procgen's coinrun.cpp {@code image_for_type} chooses it. */
    static Pose pose(CoinRunGame g) {
        if (Math.abs(g.agent.vx) < .01 && g.actionVx() == 0 && g.hasSupport()) {
            return Pose.STAND;
        }
        return g.curTime / 5 % 2 == 0 || !g.hasSupport() ? Pose.WALK1 : Pose.WALK2;
    }

    /** The background pattern of {@code level}: 0 for every easy level. */
    static int pattern(CoinRunLevel level, boolean restrictThemes) {
        return restrictThemes ? 0 : level.backgroundIndex % NUM_PATTERNS;
    }

    /** The background colour index of {@code level}: 0 for every easy level. */
    static int colour(CoinRunLevel level, boolean restrictThemes) {
        return restrictThemes ? 0 : level.backgroundColour;
    }

    void render(CoinRunGame game, byte[] out, int size) {
        render(game, out, size, pose(game));
    }

    /** Draws {@code game} with the agent in {@code agentPose}; tests pick the pose. */
    void render(CoinRunGame game, byte[] out, int size, Pose agentPose) {
        CoinRunLevel level = game.level;
        float cells = centerAgent ? CoinRunRenderer.VISIBILITY : CoinRunLevel.SIZE;
        float unit = size / cells;
        float left = centerAgent ? game.agent.x - cells / 2 : 0;
        float top = centerAgent ? game.agent.y + cells / 2 : CoinRunLevel.SIZE;
        int wallTheme = restrictThemes ? 0 : level.wallTheme;
        int pattern = pattern(level, restrictThemes);
        int colour = colour(level, restrictThemes);
        byte[] texture = TEXTURES[pattern];
        byte[] grain = groundGrain ? GRAIN : NO_GRAIN;
        // Without backgrounds every shade is black, as v1 draws it.
        int[] shades = useBackgrounds && !monochrome ? palette(pattern, colour) : BLACK_SHADES;
        // The level's window onto the texture, in texels.
        int offX = hash(colour, pattern, 1) & TEX_MASK;
        int offY = hash(colour, pattern, 2) & TEX_MASK;
        int groundFill = monochrome ? 0x707070 : CoinRunRenderer.GROUND[wallTheme][0];
        int groundTop = monochrome ? 0x707070 : CoinRunRenderer.GROUND[wallTheme][1];
        int[] ground =
                monochrome
                        ? new int[] {groundFill, groundFill, groundFill}
                        : new int[] {groundFill, shade(groundFill, -.12f), shade(groundFill, .07f)};
        // What depends on x alone, once per column.
        int[] cellX = new int[size];
        int[] texX = new int[size];
        int[] grainX = new int[size];
        float[] grassEdge = new float[size];
        float[] lavaEdge = new float[size];
        for (int px = 0; px < size; px++) {
            float wx = left + (px + .5f) / unit;
            cellX[px] = (int) Math.floor(wx);
            int tx = (int) Math.floor(wx * TEXELS_PER_CELL);
            int bx = (int) Math.floor(wx * TEXELS_PER_CELL / backgroundScale);
            texX[px] = (bx + offX) & TEX_MASK;
            grainX[px] = (int) Math.floor(wx * GRAIN_PER_CELL) & GRAIN_MASK;
            grassEdge[px] = GRASS_EDGE[tx & WAVE_MASK];
            lavaEdge[px] = LAVA_EDGE[tx & WAVE_MASK];
        }
        // The cells a row crosses are looked up once per row, not once per pixel.
        int firstCell = cellX[0];
        byte[] rowCells = new byte[cellX[size - 1] - firstCell + 1];
        int[] cellIndex = new int[size];
        for (int px = 0; px < size; px++) {
            cellIndex[px] = cellX[px] - firstCell;
        }
        for (int py = 0; py < size; py++) {
            float wy = top - (py + .5f) / unit;
            int cellY = (int) Math.floor(wy);
            float fracY = wy - cellY;
            int ty = (int) Math.floor(wy * TEXELS_PER_CELL);
            int by = (int) Math.floor(wy * TEXELS_PER_CELL / backgroundScale);
            int texRow = ((by + offY) & TEX_MASK) << TEX_BITS;
            int grainRow = ((int) Math.floor(wy * GRAIN_PER_CELL) & GRAIN_MASK) << GRAIN_BITS;
            // The sky's shades for this row: the gradient is stored per texel of height.
            int shadeRow = Math.max(0, Math.min(GRADIENT_STEPS - 1, ty)) * 4;
            int row = py * size * 3;
            // Outside the grid (negative coordinates included) is wall, as in Procgen.
            for (int i = 0; i < rowCells.length; i++) {
                rowCells[i] = level.cell(firstCell + i, cellY);
            }
            for (int px = 0; px < size; px++) {
                byte cell = rowCells[cellIndex[px]];
                int color;
                switch (cell) {
                    case CoinRunLevel.WALL_MID -> color = ground[grain[grainRow + grainX[px]]];
                    case CoinRunLevel.WALL_TOP ->
                            color =
                                    fracY > grassEdge[px]
                                            ? groundTop
                                            : ground[grain[grainRow + grainX[px]]];
                    case CoinRunLevel.LAVA_MID -> color = CoinRunRenderer.LAVA;
                    case CoinRunLevel.LAVA_TOP ->
                            color =
                                    fracY > lavaEdge[px]
                                            ? CoinRunRenderer.LAVA_TOP
                                            : CoinRunRenderer.LAVA;
                    case CoinRunLevel.GOAL -> {
                        float wx = left + (px + .5f) / unit;
                        color = coin(wx - cellX[px] - .5f, wy - cellY - .5f);
                        if (color < 0) {
                            color = shades[shadeRow + texture[texRow + texX[px]]];
                        }
                    }
                    default -> color = shades[shadeRow + texture[texRow + texX[px]]];
                }
                CoinRunRenderer.put(out, row + px * 3, color);
            }
        }
        Frame f = new Frame(out, size, unit, left, top);
        drawEntities(f, game, cells);
        drawAgent(f, game.agent, agentPose, game.facingRight);
    }

    /** Draws the saws, enemies and crates in view of {@code f}'s {@code cells} × {@code cells}. */
    private void drawEntities(Frame f, CoinRunGame game, float cells) {
        float left = f.left();
        float top = f.top();
        float right = left + cells;
        float bottom = top - cells;
        for (CoinRunEntity e : game.entities()) {
            if (e.x + e.rx < left
                    || e.x - e.rx > right
                    || e.y + e.ry < bottom
                    || e.y - e.ry > top) {
                continue; // out of view
            }
            switch (e.kind) {
                case SAW -> drawSaw(f, e, game.curTime % 2);
                case ENEMY -> drawEnemy(f, e, game.curTime / 5 % 2);
                case CRATE -> drawCrate(f, e);
                case AGENT -> {}
            }
        }
    }

    /** The coin's colour at offset (dx, dy) from its cell's centre, or -1 outside it. */
    private int coin(float dx, float dy) {
        float r2 = dx * dx + dy * dy;
        if (monochrome) {
            return r2 <= .35f * .35f ? CoinRunRenderer.COIN : -1;
        }
        if (r2 > .4f * .4f) {
            return -1;
        }
        if (r2 > .27f * .27f) {
            return 0xc8901a;
        }
        return dx < -.04f && dx > -.18f && dy > -.14f && dy < .18f
                ? 0xfff4b0
                : CoinRunRenderer.COIN;
    }

    /** Where and how big a frame is, for drawing entities. */
    private record Frame(byte[] out, int size, float unit, float left, float top) {}

    private void drawAgent(Frame f, CoinRunEntity a, Pose pose, boolean facingRight) {
        int theme = restrictThemes ? 0 : a.theme;
        int[] pal = monochrome ? AGENT_MONOCHROME : AGENT_PALETTES[theme % AGENT_PALETTES.length];
        float bottom = a.y - a.ry;
        float height = 2 * a.ry * AGENT_IMAGE_STRETCH;
        sprite(
                f,
                AGENT_SPRITES[pose.ordinal()],
                a.x - a.rx,
                bottom,
                2 * a.rx,
                height,
                !facingRight,
                pal);
    }

    private void drawEnemy(Frame f, CoinRunEntity e, int image) {
        int theme = restrictThemes ? 0 : e.theme;
        int[] pal = monochrome ? ENEMY_MONOCHROME : ENEMY_PALETTES[theme % ENEMY_PALETTES.length];
        // Procgen reflects its left-facing enemy images when vx > 0; ours face right.
        sprite(
                f,
                ENEMY_SPRITES[image],
                e.x - e.rx,
                e.y - e.ry,
                2 * e.rx,
                2 * e.ry,
                !(e.vx > 0),
                pal);
    }

    /** Draws {@code texels} (row 0 at the top) stretched over a world rect, mirrored if asked. */
    private static void sprite(
            Frame f,
            byte[][] texels,
            float x0,
            float y0,
            float w,
            float h,
            boolean mirror,
            int[] palette) {
        int rows = texels.length;
        int cols = texels[0].length;
        float x1 = x0 + w;
        float y1 = y0 + h;
        float perRow = rows / h;
        float perCol = cols / w;
        int pxa = Math.max(0, (int) Math.floor((x0 - f.left) * f.unit));
        int pxb = Math.min(f.size - 1, (int) Math.ceil((x1 - f.left) * f.unit));
        int pya = Math.max(0, (int) Math.floor((f.top - y1) * f.unit));
        int pyb = Math.min(f.size - 1, (int) Math.ceil((f.top - y0) * f.unit));
        for (int py = pya; py <= pyb; py++) {
            float wy = f.top - (py + .5f) / f.unit;
            if (wy < y0 || wy > y1) {
                continue;
            }
            byte[] line = texels[Math.min(rows - 1, (int) ((y1 - wy) * perRow))];
            for (int px = pxa; px <= pxb; px++) {
                float wx = f.left + (px + .5f) / f.unit;
                if (wx < x0 || wx > x1) {
                    continue;
                }
                int c = Math.min(cols - 1, (int) ((wx - x0) * perCol));
                byte code = line[mirror ? cols - 1 - c : c];
                if (code != CLEAR) {
                    CoinRunRenderer.put(f.out, (py * f.size + px) * 3, palette[code]);
                }
            }
        }
    }

    /** A saw: a disc with six teeth, turned by half a tooth on odd steps. */
    private void drawSaw(Frame f, CoinRunEntity e, int image) {
        // cos and sin of the teeth's turn: 0 or 30 degrees.
        float rc = image == 0 ? 1f : .8660254f;
        float rs = image == 0 ? 0f : .5f;
        forPixels(
                f,
                e,
                (dx, dy) -> {
                    float r2 = dx * dx + dy * dy;
                    if (r2 > .48f * .48f) {
                        return -1;
                    }
                    if (r2 > .33f * .33f) {
                        // Teeth where cos(6 (angle + turn)) > 0, the sign of the real part
                        // of z^6 for z = (dx + i dy) turned: no need to normalise z.
                        float c = dx * rc - dy * rs;
                        float s = dx * rs + dy * rc;
                        float c2 = c * c - s * s;
                        float s2 = 2 * c * s;
                        float c4 = c2 * c2 - s2 * s2;
                        float s4 = 2 * c2 * s2;
                        float c6 = c4 * c2 - s4 * s2;
                        if (c6 <= 0) {
                            return -1;
                        }
                        return monochrome ? 0xffffff : CoinRunRenderer.SAW;
                    }
                    if (monochrome) {
                        return 0xffffff;
                    }
                    return r2 < .12f * .12f ? 0x505058 : 0xd4d4dc;
                });
    }

    private void drawCrate(Frame f, CoinRunEntity e) {
        int theme = restrictThemes ? 0 : e.theme;
        int fill = CoinRunRenderer.CRATE[theme % CoinRunRenderer.CRATE.length];
        int edge = shade(fill, -.5f);
        int plank = shade(fill, -.15f);
        forPixels(
                f,
                e,
                (dx, dy) -> {
                    if (monochrome) {
                        return 0xa06020;
                    }
                    float ax = Math.abs(dx);
                    float ay = Math.abs(dy);
                    if (ax > .38f || ay > .38f || Math.abs(dx - dy) < .08f) {
                        return edge;
                    }
                    return ay < .04f ? plank : fill;
                });
    }

    private interface Shape {
        /** The colour at offset (dx, dy) from the entity's centre, or -1 for none. */
        int at(float dx, float dy);
    }

    private static void forPixels(Frame f, CoinRunEntity e, Shape shape) {
        float x0 = e.x - e.rx;
        float x1 = e.x + e.rx;
        float y0 = e.y - e.ry;
        float y1 = e.y + e.ry;
        int pxa = Math.max(0, (int) Math.floor((x0 - f.left) * f.unit));
        int pxb = Math.min(f.size - 1, (int) Math.ceil((x1 - f.left) * f.unit));
        int pya = Math.max(0, (int) Math.floor((f.top - y1) * f.unit));
        int pyb = Math.min(f.size - 1, (int) Math.ceil((f.top - y0) * f.unit));
        for (int py = pya; py <= pyb; py++) {
            float wy = f.top - (py + .5f) / f.unit;
            if (wy < y0 || wy > y1) {
                continue;
            }
            for (int px = pxa; px <= pxb; px++) {
                float wx = f.left + (px + .5f) / f.unit;
                if (wx < x0 || wx > x1) {
                    continue;
                }
                int color = shape.at(wx - e.x, wy - e.y);
                if (color >= 0) {
                    CoinRunRenderer.put(f.out, (py * f.size + px) * 3, color);
                }
            }
        }
    }

    // --- The background and ground textures ---
    //
    // A background is a shade index (0-3) per texel of a texture that repeats every TEX_CELLS
    // cells, 16 texels a cell, made once per pattern; a level sees it through a window offset by a
    // hash of its colour, and colours it with its sky's shades, which darken toward the ground.
    // Drawing a background pixel is then two table look-ups.

    static final int TEXELS_PER_CELL = 16;
    private static final int TEX_BITS = 9;
    private static final int TEX_SIZE = 1 << TEX_BITS; // texels: 32 cells
    private static final int TEX_MASK = TEX_SIZE - 1;
    private static final float TEX_CELLS = TEX_SIZE / (float) TEXELS_PER_CELL;

    /** The ground's grain: specks a third of a cell across, repeating every 32 specks. */
    private static final int GRAIN_PER_CELL = 3;

    private static final int GRAIN_BITS = 5;
    private static final int GRAIN_MASK = (1 << GRAIN_BITS) - 1;
    private static final int WAVE_MASK = CoinRunLevel.SIZE * TEXELS_PER_CELL - 1;

    /** The sky gradient is stored per texel of height, up to where it stops changing. */
    private static final int GRADIENT_STEPS = 32 * TEXELS_PER_CELL + 1;

    private static final byte[][] TEXTURES = new byte[NUM_PATTERNS][];
    private static final byte[] GRAIN = new byte[1 << (2 * GRAIN_BITS)];

    /** The ground without grain: every speck the fill colour. */
    private static final byte[] NO_GRAIN = new byte[GRAIN.length];

    /** Heights in the cell of the ground's top layer and of the lava's surface, per texel of x. */
    private static final float[] GRASS_EDGE = new float[WAVE_MASK + 1];

    private static final float[] LAVA_EDGE = new float[WAVE_MASK + 1];

    static {
        for (int p = 0; p < NUM_PATTERNS; p++) {
            TEXTURES[p] = texture(p);
        }
        for (int gy = 0; gy <= GRAIN_MASK; gy++) {
            for (int gx = 0; gx <= GRAIN_MASK; gx++) {
                int h = hash(gx, gy, 11) & 15;
                GRAIN[gy << GRAIN_BITS | gx] = (byte) (h == 0 ? 1 : h == 1 ? 2 : 0);
            }
        }
        for (int tx = 0; tx <= WAVE_MASK; tx++) {
            double x = (tx + .5) / TEXELS_PER_CELL;
            // Whole numbers of waves across the level, so that the tables wrap smoothly.
            GRASS_EDGE[tx] = (float) (.7 + .07 * Math.sin(x * 2 * Math.PI * 52 / 64));
            LAVA_EDGE[tx] = (float) (.55 + .1 * Math.sin(x * 2 * Math.PI * 44 / 64));
        }
    }

    private static final int[] BLACK_SHADES = new int[GRADIENT_STEPS * 4];

    /** The last level's sky shades, {@code [heightTexel * 4 + shade]}; levels repeat their look. */
    private volatile Palette lastPalette;

    private record Palette(int pattern, int colour, int[] shades) {}

    private int[] palette(int pattern, int colour) {
        Palette p = lastPalette;
        if (p == null || p.pattern != pattern || p.colour != colour) {
            p = new Palette(pattern, colour, shades(pattern, colour));
            lastPalette = p;
        }
        return p.shades;
    }

    /** A pattern's four shades of a sky coloured by {@code colour}, at every height. */
    private static int[] shades(int pattern, int colour) {
        float hue = (.58f + colour * .618034f) % 1f;
        float sat = .28f + .06f * (colour % 3);
        boolean night = pattern == STARS;
        int low = CoinRunRenderer.hsv(hue, night ? .45f : sat, night ? .16f : .52f);
        int high =
                CoinRunRenderer.hsv((hue + .04f) % 1f, night ? .4f : sat * .8f, night ? .3f : .72f);
        int[] shades = new int[GRADIENT_STEPS * 4];
        for (int i = 0; i < GRADIENT_STEPS; i++) {
            int base = CoinRunRenderer.lerp(low, high, i / (float) (GRADIENT_STEPS - 1));
            for (int k = 0; k < 4; k++) {
                shades[i * 4 + k] = shade(base, SHADES[pattern][k]);
            }
        }
        return shades;
    }

    /** A pattern's shade indices, {@code [ty << TEX_BITS | tx]}, repeating every 32 cells. */
    private static byte[] texture(int pattern) {
        byte[] t = new byte[TEX_SIZE * TEX_SIZE];
        for (int ty = 0; ty < TEX_SIZE; ty++) {
            float y = (ty + .5f) / TEXELS_PER_CELL;
            for (int tx = 0; tx < TEX_SIZE; tx++) {
                float x = (tx + .5f) / TEXELS_PER_CELL;
                t[ty << TEX_BITS | tx] = (byte) shadeIndex(pattern, x, y);
            }
        }
        return t;
    }

    /**
     * The shade (0-3) of {@code pattern} at (x, y) in cells, 0 <= x, y < 32. Every lattice divides
     * 32 cells a whole number of times, so the texture wraps without a seam.
     */
    private static int shadeIndex(int pattern, float x, float y) {
        switch (pattern) {
            case CLOUDS -> {
                float n = .75f * noise(x, y, 14, 1) + .25f * noise(x, y, 40, 2);
                return n < .5f ? 0 : n < .6f ? 1 : n < .7f ? 2 : 3;
            }
            case DUNES -> {
                // 27 bands of 32/27 cells, shaded in threes, their edges waving along x.
                double a = 2 * Math.PI * x / TEX_CELLS;
                float t =
                        y * 27 / TEX_CELLS
                                + (float)
                                        (.55 * Math.sin(3 * a + .8) + .22 * Math.sin(8 * a + 2.1));
                int band = (int) Math.floor(t);
                return t - band > .84f ? 3 : Math.floorMod(band, 3);
            }
            case STARS -> {
                // A star in some cells of a 36-to-the-tile lattice, a dim nebula behind them.
                float u = x * 36 / TEX_CELLS;
                float v = y * 36 / TEX_CELLS;
                int iu = (int) Math.floor(u);
                int iv = (int) Math.floor(v);
                int h = hash(iu, iv, 977);
                if ((h & 255) < 34) {
                    float dx = Math.abs(u - iu - (.2f + .6f * ((h >>> 8) & 255) / 255f));
                    float dy = Math.abs(v - iv - (.2f + .6f * ((h >>> 16) & 255) / 255f));
                    if (dx < .13f && dy < .13f) {
                        return 3;
                    }
                    if ((dx < .09f && dy < .3f) || (dy < .09f && dx < .3f)) {
                        return 2;
                    }
                }
                return noise(x, y, 11, 3) > .6f ? 1 : 0;
            }
            case BRICKS -> {
                // 20 bricks across and 40 courses up the tile, every other course shifted.
                float v = y * 40 / TEX_CELLS;
                int course = (int) Math.floor(v);
                float u = x * 20 / TEX_CELLS + ((course & 1) == 0 ? 0 : .5f);
                int brick = (int) Math.floor(u);
                if (v - course < .22f || u - brick < .11f) {
                    return 0;
                }
                return 1 + Math.floorMod(hash(brick % 20, course, 5), 3);
            }
            case BUBBLES -> {
                // A bubble in most cells of a 14-to-the-tile lattice: a rim and a lighter inside.
                float u = x * 14 / TEX_CELLS;
                float v = y * 14 / TEX_CELLS;
                int iu = (int) Math.floor(u);
                int iv = (int) Math.floor(v);
                int h = hash(iu, iv, 313);
                if ((h & 7) == 0) {
                    return 0;
                }
                float dx = u - iu - (.35f + .3f * ((h >>> 8) & 255) / 255f);
                float dy = v - iv - (.35f + .3f * ((h >>> 16) & 255) / 255f);
                float r = .18f + .12f * ((h >>> 24) & 255) / 255f;
                float d2 = dx * dx + dy * dy;
                if (d2 > r * r) {
                    return 0;
                }
                float ri = r - .09f;
                return d2 > ri * ri ? 2 : 1;
            }
            case DIAMONDS -> {
                // Diamonds 1.6 cells across in two shades, outlined.
                float u = x * 20 / TEX_CELLS;
                float v = y * 20 / TEX_CELLS;
                float s = u + v;
                float d = u - v;
                int a = (int) Math.floor(s);
                int b = (int) Math.floor(d);
                if (s - a < .12f || d - b < .12f) {
                    return 0;
                }
                return ((a + b) & 1) == 0 ? 1 : 2;
            }
            default -> throw new IllegalArgumentException("pattern " + pattern);
        }
    }

    /** Smooth value noise in [0, 1) on a lattice of {@code n} points across the tile, wrapping. */
    private static float noise(float x, float y, int n, int salt) {
        float u = x * n / TEX_CELLS;
        float v = y * n / TEX_CELLS;
        int iu = (int) Math.floor(u);
        int iv = (int) Math.floor(v);
        float fu = smooth(u - iu);
        float fv = smooth(v - iv);
        float a = lattice(iu, iv, n, salt);
        float b = lattice(iu + 1, iv, n, salt);
        float c = lattice(iu, iv + 1, n, salt);
        float d = lattice(iu + 1, iv + 1, n, salt);
        float top = a + (b - a) * fu;
        float bottom = c + (d - c) * fu;
        return top + (bottom - top) * fv;
    }

    private static float lattice(int iu, int iv, int n, int salt) {
        return (hash(Math.floorMod(iu, n), Math.floorMod(iv, n), salt) >>> 8) / 16777216f;
    }

    private static float smooth(float t) {
        return t * t * (3 - 2 * t);
    }

    /** A well-mixed 32-bit hash of a lattice point. */
    static int hash(int x, int y, int salt) {
        int h = x * 0x27d4eb2d + y * 0x165667b1 + salt * 0x61c88647;
        h ^= h >>> 15;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    /** Darkens {@code rgb} by {@code -amount} (scaling) or lightens it toward white by amount. */
    static int shade(int rgb, float amount) {
        int r = (rgb >>> 16) & 255;
        int g = (rgb >>> 8) & 255;
        int b = rgb & 255;
        if (amount < 0) {
            float m = 1 + amount;
            r = (int) (r * m);
            g = (int) (g * m);
            b = (int) (b * m);
        } else {
            r += (int) ((255 - r) * amount);
            g += (int) ((255 - g) * amount);
            b += (int) ((255 - b) * amount);
        }
        return r << 16 | g << 8 | b;
    }
}
