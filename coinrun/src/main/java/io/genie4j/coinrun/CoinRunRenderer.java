package io.genie4j.coinrun;

/**
 * Draws CoinRun frames straight into an RGB byte buffer, with art made here from flat shapes (no
 * third-party images). The camera follows Procgen's: centred on the agent, 13 cells across; with
 * {@code centerAgent} off it shows the whole 64×64 level. Hard-mode levels differ visibly by ground
 * theme, agent colour, enemy kind and background; monochrome mode draws each kind of thing in one
 * colour; restricted themes draw every level in theme 0.
 *
 * <p>Two art styles ({@link Art}): {@code V1}, the default, draws exactly the frames the shipped
 * models learned from; {@code V2} ({@link CoinRunArtV2}) draws the agent facing and posed as
 * Procgen does and a textured background that scrolls with the level. Both draw the same game
 * state.
 */
public final class CoinRunRenderer {
    /** Cells across the agent-centred view, as Procgen's CoinRun. */
    public static final int VISIBILITY = 13;

    static final int[][]
            GROUND = { // fill, top, per ground theme: dirt grass planet sand snow stone
        {0x8a5a2b, 0x6b4220}, {0x7a5230, 0x4caf50}, {0x6a4c93, 0xb48ee0},
        {0xd8b46a, 0xf0d890}, {0xb0c4d8, 0xf4f8ff}, {0x6e6e6e, 0x9a9a9a}
    };
    static final int[] AGENT = {0xe8c9a0, 0x4f8fe6, 0x5cc45c, 0xf07cc0, 0xf2d23a};
    static final int[] ENEMY = {
        0x3f9f3f, 0x9b59b6, 0x3498db, 0x2ecc71, 0x95a5a6, 0xd35400, 0xe74c3c, 0x27ae60, 0xff6fa8
    };
    static final int[] CRATE = {0xb5793a, 0xa0662c, 0xc48a48, 0xc9a227};
    static final int LAVA = 0xe8501a;
    static final int LAVA_TOP = 0xffa020;
    static final int COIN = 0xffd700;
    static final int SAW = 0xb0b0b8;

    /** The art styles: what is drawn is the same game state, only its look differs. */
    public enum Art {
        /** Flat shapes; the frames the shipped tokenizer and world model learned from. */
        V1,
        /**
         * The agent as a sprite that faces the last horizontal move and is posed (stand, walk 1,
         * walk 2) as Procgen poses it, animated enemies and saws, a textured background fixed to
         * the level.
         */
        V2;

        /** The art named {@code v1} or {@code v2} (any case). */
        public static Art of(String name) {
            return switch (name.toLowerCase(java.util.Locale.ROOT)) {
                case "v1" -> V1;
                case "v2" -> V2;
                default ->
                        throw new IllegalArgumentException(
                                "unknown art \"" + name + "\": expected v1 or v2");
            };
        }
    }

    private final boolean centerAgent;
    private final boolean useBackgrounds;
    private final boolean monochrome;
    private final boolean restrictThemes;
    private final CoinRunArtV2 v2;

    /** A renderer with Procgen's option meanings, drawing the {@link Art#V1} art. */
    public CoinRunRenderer(
            boolean centerAgent,
            boolean useBackgrounds,
            boolean monochrome,
            boolean restrictThemes) {
        this(centerAgent, useBackgrounds, monochrome, restrictThemes, Art.V1);
    }

    /**
     * A renderer with Procgen's option meanings, drawing {@code art} (v2 with its ground grain).
     */
    public CoinRunRenderer(
            boolean centerAgent,
            boolean useBackgrounds,
            boolean monochrome,
            boolean restrictThemes,
            Art art) {
        this(centerAgent, useBackgrounds, monochrome, restrictThemes, art, true);
    }

    /**
     * A renderer with Procgen's option meanings, drawing {@code art}; {@code groundGrain} off draws
     * v2's ground in flat colours, without the specks that every camera move re-samples (v1 has
     * none either way).
     */
    public CoinRunRenderer(
            boolean centerAgent,
            boolean useBackgrounds,
            boolean monochrome,
            boolean restrictThemes,
            Art art,
            boolean groundGrain) {
        this(centerAgent, useBackgrounds, monochrome, restrictThemes, art, groundGrain, 1);
    }

    /**
     * A renderer as above whose art v2 background patterns are drawn {@code backgroundScale} times
     * larger (1: as first drawn; v1 ignores it).
     */
    public CoinRunRenderer(
            boolean centerAgent,
            boolean useBackgrounds,
            boolean monochrome,
            boolean restrictThemes,
            Art art,
            boolean groundGrain,
            int backgroundScale) {
        // Checked whatever the art, so that a bad value is named even where v1 ignores it.
        CoinRunArtV2.checkBackgroundScale(backgroundScale);
        this.centerAgent = centerAgent;
        this.useBackgrounds = useBackgrounds;
        this.monochrome = monochrome;
        this.restrictThemes = restrictThemes;
        this.v2 =
                switch (java.util.Objects.requireNonNull(art, "art")) {
                    case V1 -> null;
                    case V2 ->
                            new CoinRunArtV2(
                                    centerAgent,
                                    useBackgrounds,
                                    monochrome,
                                    restrictThemes,
                                    groundGrain,
                                    backgroundScale);
                };
    }

    /** Draws {@code game} into {@code out}, {@code size × size × 3} RGB bytes, row 0 at the top. */
    public void render(CoinRunGame game, byte[] out, int size) {
        if (v2 != null) {
            v2.render(game, out, size);
            return;
        }
        CoinRunLevel level = game.level;
        float cells = centerAgent ? VISIBILITY : CoinRunLevel.SIZE;
        float unit = size / cells; // pixels per cell
        float left = centerAgent ? game.agent.x - cells / 2 : 0;
        float top = centerAgent ? game.agent.y + cells / 2 : CoinRunLevel.SIZE;
        int wallTheme = restrictThemes ? 0 : level.wallTheme;
        int bg = level.backgroundColour;
        int bgLow = hsv((bg * 0.618034f) % 1f, .45f, .55f);
        int bgHigh = hsv((bg * 0.618034f + .15f) % 1f, .35f, .85f);
        // A column's world x and cell are the same on every row: computed once per frame.
        float[] wxs = new float[size];
        int[] cellX = new int[size];
        for (int px = 0; px < size; px++) {
            wxs[px] = left + (px + .5f) / unit;
            cellX[px] = (int) Math.floor(wxs[px]);
        }
        for (int py = 0; py < size; py++) {
            float wy = top - (py + .5f) / unit;
            int rowBg =
                    useBackgrounds && !monochrome
                            ? lerp(bgLow, bgHigh, Math.max(0, Math.min(1, wy / CoinRunLevel.SIZE)))
                            : 0x000000;
            int cellY = (int) Math.floor(wy);
            float fracY = wy - cellY;
            int wallTop = monochrome ? 0x707070 : GROUND[wallTheme][fracY > .7f ? 1 : 0];
            int lavaTop = fracY > .5f ? LAVA_TOP : LAVA;
            int row = py * size * 3;
            for (int px = 0; px < size; px++) {
                float wx = wxs[px];
                byte cell = wx < 0 || wy < 0 ? CoinRunLevel.WALL_MID : level.cell(cellX[px], cellY);
                int color;
                switch (cell) {
                    case CoinRunLevel.WALL_MID ->
                            color = monochrome ? 0x707070 : GROUND[wallTheme][0];
                    case CoinRunLevel.WALL_TOP -> color = wallTop;
                    case CoinRunLevel.LAVA_MID -> color = LAVA;
                    case CoinRunLevel.LAVA_TOP -> color = lavaTop;
                    case CoinRunLevel.GOAL ->
                            color =
                                    inDisc(wx, wy, cellX[px] + .5f, cellY + .5f, .35f)
                                            ? COIN
                                            : rowBg;
                    default -> color = rowBg;
                }
                put(out, row + px * 3, color);
            }
        }
        for (CoinRunEntity e : game.entities()) {
            drawEntity(out, size, unit, left, top, e, game.facingRight);
        }
        drawEntity(out, size, unit, left, top, game.agent, game.facingRight);
    }

    private void drawEntity(
            byte[] out,
            int size,
            float unit,
            float left,
            float top,
            CoinRunEntity e,
            boolean facingRight) {
        int theme = restrictThemes ? 0 : e.theme;
        float x0 = e.x - e.rx;
        float x1 = e.x + e.rx;
        float y0 = e.y - e.ry;
        float y1 = e.y + e.ry;
        int pxa = Math.max(0, (int) Math.floor((x0 - left) * unit));
        int pxb = Math.min(size - 1, (int) Math.ceil((x1 - left) * unit));
        int pya = Math.max(0, (int) Math.floor((top - y1) * unit));
        int pyb = Math.min(size - 1, (int) Math.ceil((top - y0) * unit));
        for (int py = pya; py <= pyb; py++) {
            float wy = top - (py + .5f) / unit;
            for (int px = pxa; px <= pxb; px++) {
                float wx = left + (px + .5f) / unit;
                if (wx < x0 || wx > x1 || wy < y0 || wy > y1) {
                    continue;
                }
                int color =
                        switch (e.kind) {
                            case SAW ->
                                    monochrome
                                            ? 0xffffff
                                            : inDisc(wx, wy, e.x, e.y, .18f)
                                                    ? 0x505058
                                                    : inDisc(wx, wy, e.x, e.y, .5f) ? SAW : -1;
                            case ENEMY ->
                                    !inDisc(wx, wy, e.x, e.y - .1f, .45f)
                                            ? -1
                                            : monochrome
                                                    ? 0xff3030
                                                    : inDisc(
                                                                    wx,
                                                                    wy,
                                                                    e.x + Math.signum(e.vx) * .2f,
                                                                    e.y + .05f,
                                                                    .1f)
                                                            ? 0x000000
                                                            : ENEMY[theme % ENEMY.length];
                            case CRATE ->
                                    monochrome
                                            ? 0xa06020
                                            : (Math.abs(wx - e.x) > .38f
                                                            || Math.abs(wy - e.y) > .38f
                                                            || Math.abs(
                                                                            Math.abs(wx - e.x)
                                                                                    - Math.abs(
                                                                                            wy
                                                                                                    - e.y))
                                                                    < .08f)
                                                    ? 0x5a3a18
                                                    : CRATE[theme % CRATE.length];
                            case AGENT ->
                                    monochrome
                                            ? 0x30a0ff
                                            : inDisc(
                                                            wx,
                                                            wy,
                                                            e.x + (facingRight ? .18f : -.18f),
                                                            e.y + .2f,
                                                            .09f)
                                                    ? 0x000000
                                                    : AGENT[theme % AGENT.length];
                        };
                if (color >= 0) {
                    put(out, (py * size + px) * 3, color);
                }
            }
        }
    }

    private static boolean inDisc(float x, float y, float cx, float cy, float r) {
        float dx = x - cx;
        float dy = y - cy;
        return dx * dx + dy * dy <= r * r;
    }

    static void put(byte[] out, int i, int rgb) {
        out[i] = (byte) (rgb >>> 16);
        out[i + 1] = (byte) (rgb >>> 8);
        out[i + 2] = (byte) rgb;
    }

    static int lerp(int a, int b, float t) {
        int r = (int) (((a >>> 16) & 255) * (1 - t) + ((b >>> 16) & 255) * t);
        int g = (int) (((a >>> 8) & 255) * (1 - t) + ((b >>> 8) & 255) * t);
        int bl = (int) ((a & 255) * (1 - t) + (b & 255) * t);
        return r << 16 | g << 8 | bl;
    }

    static int hsv(float h, float s, float v) {
        int rgb = java.awt.Color.HSBtoRGB(h, s, v);
        return rgb & 0xffffff;
    }
}
