package io.genie4j.coinrun;

/**
 * A CoinRun entity other than the agent: a saw, a walking enemy or a crate, each half a cell in
 * radius. Mutable: the game moves it.
 */
public final class CoinRunEntity {
    /** What the entity is. */
    public enum Kind {
        /** A saw: touching it kills. */
        SAW,
        /** A walking enemy: touching it kills; it turns around at walls and barriers. */
        ENEMY,
        /** A crate: solid from above, passable from below and by pressing down. */
        CRATE,
        /** The player. */
        AGENT
    }

    final Kind kind;
    float x;
    float y;
    float vx;
    float vy;
    final float rx;
    final float ry;
    final int theme;

    CoinRunEntity(Kind kind, float x, float y, float vx, float vy, int theme) {
        this(kind, x, y, vx, vy, .5f, .5f, theme);
    }

    CoinRunEntity(Kind kind, float x, float y, float vx, float vy, float rx, float ry, int theme) {
        this.kind = kind;
        this.x = x;
        this.y = y;
        this.vx = vx;
        this.vy = vy;
        this.rx = rx;
        this.ry = ry;
        this.theme = theme;
    }

    CoinRunEntity copy() {
        return new CoinRunEntity(kind, x, y, vx, vy, rx, ry, theme);
    }

    /** The kind. */
    public Kind kind() {
        return kind;
    }

    /** Centre x, in cells. */
    public float x() {
        return x;
    }

    /** Centre y, in cells. */
    public float y() {
        return y;
    }

    /** Velocity x, cells per step. */
    public float vx() {
        return vx;
    }

    /** Velocity y, cells per step. */
    public float vy() {
        return vy;
    }

    /** The look: an enemy kind or crate variant (Procgen's asset theme). */
    public int theme() {
        return theme;
    }
}
