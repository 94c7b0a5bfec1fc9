package io.genie4j.coinrun;

import java.util.ArrayList;
import java.util.List;

/**
 * The state and rules of one CoinRun episode, as OpenAI Procgen 0.10 plays it ({@code coinrun.cpp}
 * and {@code basic-abstract-game.cpp}, MIT licence): float arithmetic where Procgen uses float,
 * sub-stepped movement in Procgen's x/y order with its per-step tie-break draw, one-way crates,
 * walking enemies that turn at walls and barriers, death by lava, saw, enemy or leaving the world.
 * {@link #copy()} clones the whole state, generator included, for planners.
 *
 * <p>Known uncertainty: the sub-step count uses a float square root; if Procgen's build resolved
 * {@code sqrt} to the double version, counts can differ when {@code 4·|v|} lies within float
 * rounding of an integer.
 */
public final class CoinRunGame {
    /** Steps after which an episode is cut off. */
    public static final int TIMEOUT = 1000;

    /** Reward for reaching the coin. */
    public static final float GOAL_REWARD = 10.0f;

    private static final float POS_EPS = -0.001f;
    private static final float MARGIN = 0.98f;
    private static final float MIXRATE = 0.2f;
    // Procgen's entity type ids: the base game compares grid cells against some of them.
    private static final int WALL_OBJ = 51;

    final CoinRunLevel level;
    private ProcgenRandom rng;
    final CoinRunEntity agent;

    /** The agent first, then the level's entities in creation order, as Procgen's entity list. */
    private final List<CoinRunEntity> all;

    int curTime;
    private int stepRandInt;
    private float actionVx;
    private float actionVy;
    private boolean hasSupport;
    private boolean isOnCrate;
    boolean facingRight = true;
    private float lastAgentY;
    private boolean done;
    private boolean levelComplete;
    private String death;

    /** Starts an episode on {@code level}. */
    public CoinRunGame(CoinRunLevel level) {
        this.level = level;
        this.rng = level.generatorAfterGeneration();
        this.agent =
                new CoinRunEntity(
                        CoinRunEntity.Kind.AGENT,
                        level.agentX,
                        level.agentY,
                        0,
                        0,
                        level.agentRx,
                        level.agentRy,
                        level.agentTheme);
        this.all = new ArrayList<>(level.entities.size() + 1);
        all.add(agent);
        for (CoinRunEntity e : level.entities) {
            all.add(e.copy());
        }
        this.lastAgentY = agent.y;
    }

    private CoinRunGame(CoinRunGame o) {
        level = o.level;
        rng = o.rng.copy();
        all = new ArrayList<>(o.all.size());
        for (CoinRunEntity e : o.all) {
            all.add(e.copy());
        }
        agent = all.get(0);
        curTime = o.curTime;
        stepRandInt = o.stepRandInt;
        actionVx = o.actionVx;
        actionVy = o.actionVy;
        hasSupport = o.hasSupport;
        isOnCrate = o.isOnCrate;
        facingRight = o.facingRight;
        lastAgentY = o.lastAgentY;
        done = o.done;
        levelComplete = o.levelComplete;
        death = o.death;
    }

    /** An independent copy of the whole state. */
    public CoinRunGame copy() {
        return new CoinRunGame(this);
    }

    /** The outcome of one step. */
    public record Outcome(float reward, boolean done, boolean levelComplete, String death) {}

    /**
     * Plays one action: 0–8 are the 3×3 moves (x = action / 3 − 1, y = action % 3 − 1, so 0 is
     * LEFT+DOWN, 4 NOOP, 8 RIGHT+UP); 9–14 behave as NOOP.
     *
     * @throws IllegalStateException if the episode has ended
     */
    public Outcome step(int action) {
        if (done) {
            throw new IllegalStateException("the episode has ended; start a new game");
        }
        curTime++;
        // --- BasicAbstractGame::game_step ---
        stepRandInt = rng.randint(0, 1000000);
        int move = action >= 9 ? 4 : action % 9;
        setActionXy(move);
        updateAgentVelocity();
        float reward = 0;
        for (int i = all.size() - 1; i >= 0; i--) {
            CoinRunEntity e = all.get(i);
            if (e.kind == CoinRunEntity.Kind.AGENT || e.kind == CoinRunEntity.Kind.ENEMY) {
                stepObject(e); // Procgen's smart_step entities; the others do not move
            }
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            CoinRunEntity e = all.get(i);
            if (e != agent && collides(e, agent, 0)) {
                if (e.kind == CoinRunEntity.Kind.ENEMY || e.kind == CoinRunEntity.Kind.SAW) {
                    die(e.kind == CoinRunEntity.Kind.ENEMY ? "enemy" : "saw");
                }
            }
            if (e == agent) {
                reward += agentGridCollisions();
            }
        }
        if (outOfBounds(agent)) {
            die("fell");
        }
        // --- CoinRun::game_step ---
        lastAgentY = agent.y;
        return new Outcome(reward, done, levelComplete, death);
    }

    private void die(String cause) {
        if (!done) {
            death = cause;
        }
        done = true;
    }

    private void setActionXy(int move) {
        actionVx = move / 3 - 1;
        actionVy = move % 3 - 1;
        if (actionVx > 0) {
            facingRight = true;
        } else if (actionVx < 0) {
            facingRight = false;
        }
        // The probes are double expressions in Procgen, rounded to float when passed on.
        byte below1 =
                cellAt((float) (agent.x - (agent.rx - .01)), (float) (agent.y - (agent.ry + .01)));
        byte below2 =
                cellAt((float) (agent.x + (agent.rx - .01)), (float) (agent.y - (agent.ry + .01)));
        hasSupport = (isOnCrate || isWall(below1) || isWall(below2)) && agent.vy == 0;
        isOnCrate = false;
        if (actionVy == 1 && !hasSupport) {
            actionVy = 0;
        }
    }

    private void updateAgentVelocity() {
        float mix = hasSupport ? MIXRATE : MIXRATE * CoinRunLevel.AIR_CONTROL;
        agent.vx = (1 - mix) * agent.vx + mix * CoinRunLevel.MAX_SPEED * actionVx;
        if (Math.abs(agent.vx) < mix * CoinRunLevel.MAX_SPEED) {
            agent.vx = 0;
        }
        if (actionVy > 0) {
            agent.vy = CoinRunLevel.MAX_JUMP;
        } else if (hasSupport) {
            agent.vy += .2 * actionVy;
        }
        if (!(hasSupport && actionVy > 0)) {
            agent.vy -= CoinRunLevel.GRAVITY;
            agent.vy = Math.max(-CoinRunLevel.MAX_JUMP, Math.min(CoinRunLevel.MAX_JUMP, agent.vy));
        }
    }

    /** Procgen's {@code basic_step_object}: the step split into sub-steps, x and y in turn. */
    private void stepObject(CoinRunEntity obj) {
        int n = (int) (4 * (float) Math.sqrt(obj.vx * obj.vx + obj.vy * obj.vy));
        if (n < 4) {
            n = 4;
        }
        float pct = (float) (1.0 / n);
        float cmp = Math.abs(obj.vx) - Math.abs(obj.vy);
        boolean xFirst = cmp == 0 ? stepRandInt % 2 == 0 : cmp > 0;
        if (obj == agent) {
            if (actionVx != 0) {
                xFirst = true;
            }
            if (actionVy != 0) {
                xFirst = false;
            }
        }
        float vxPct = 0;
        float vyPct = 0;
        for (int s = 0; s < n; s++) {
            boolean blockX;
            boolean blockY;
            if (xFirst) {
                blockX = subStep(obj, obj.vx * pct, 0, 0);
                blockY = subStep(obj, 0, obj.vy * pct, 0);
            } else {
                blockY = subStep(obj, 0, obj.vy * pct, 0);
                blockX = subStep(obj, obj.vx * pct, 0, 0);
            }
            vxPct += blockX ? 0 : 1;
            vyPct += blockY ? 0 : 1;
            if (blockX && blockY) {
                break;
            }
        }
        obj.vx *= vxPct / n;
        obj.vy *= vyPct / n;
    }

    /**
     * Procgen's {@code sub_step}: moves by (dx, dy), reflecting or stopping at what is in the way.
     */
    private boolean subStep(CoinRunEntity obj, float dx, float dy, int depth) {
        float ny = obj.y + dy;
        float nx = obj.x + dx;
        boolean horizontal = dx != 0;
        boolean block = false;
        boolean reflect = false;
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                byte type =
                        cellAt(
                                nx + obj.rx * MARGIN * (2 * i - 1),
                                ny + obj.ry * MARGIN * (2 * j - 1));
                block = block || isBlocked(obj, type);
                reflect = reflect || willReflect(obj, type);
            }
        }
        if (reflect) {
            if (horizontal) {
                float delta =
                        dx < 0
                                ? (float) Math.ceil(nx - obj.rx) - (nx - obj.rx)
                                : (float) Math.floor(nx + obj.rx) - (nx + obj.rx);
                obj.vx = -1 * obj.vx;
                nx = nx + 2 * delta;
            } else {
                float delta =
                        dy < 0
                                ? (float) Math.ceil(ny - obj.ry) - (ny - obj.ry)
                                : (float) Math.floor(ny + obj.ry) - (ny + obj.ry);
                obj.vy = -1 * obj.vy;
                ny = ny + 2 * delta;
            }
        } else if (block) {
            if (horizontal) {
                nx =
                        dx > 0
                                ? (float) Math.floor(nx + obj.rx) - obj.rx
                                : (float) Math.ceil(nx - obj.rx) + obj.rx;
            } else {
                ny =
                        dy > 0
                                ? (float) Math.floor(ny + obj.ry) - obj.ry
                                : (float) Math.ceil(ny - obj.ry) + obj.ry;
            }
        }
        obj.x = nx;
        obj.y = ny;
        boolean block2 = false;
        for (int i = all.size() - 1; i >= 0; i--) {
            CoinRunEntity m = all.get(i);
            if (m == obj || !collides(obj, m, POS_EPS)) {
                continue;
            }
            // Entities never reflect one another in CoinRun; only a crate can block, from above.
            boolean currBlock = crateBlocks(m, horizontal);
            if (currBlock) {
                push(m, obj, horizontal, depth);
            }
            block2 = block2 || currBlock;
        }
        return block || block2;
    }

    /**
     * CoinRun's {@code is_blocked_ents}: a crate blocks a vertical move when the agent is falling
     * onto it from above and not pressing down. Procgen tests the agent here whatever entity is
     * moving.
     */
    private boolean crateBlocks(CoinRunEntity target, boolean horizontal) {
        if (target.kind != CoinRunEntity.Kind.CRATE || horizontal) {
            return false;
        }
        if (agent.vy >= 0 || actionVy < 0 || lastAgentY < target.y + target.ry + agent.ry) {
            return false;
        }
        isOnCrate = true;
        return true;
    }

    /** Procgen's {@code push_obj}: moves {@code target} out of {@code src} along one axis. */
    private void push(CoinRunEntity src, CoinRunEntity target, boolean horizontal, int depth) {
        float rsum = horizontal ? src.rx + target.rx : src.ry + target.ry;
        float tvx = 0;
        float tvy = 0;
        if (horizontal) {
            tvx = (float) (src.x + sign(target.x - src.x) * rsum - target.x);
        } else {
            tvy = (float) (src.y + sign(target.y - src.y) * rsum - target.y);
        }
        if (depth < 5) {
            subStep(target, tvx, tvy, depth + 1);
        }
        if (horizontal) {
            target.vx = 0;
        } else {
            target.vy = 0;
        }
    }

    private static double sign(float x) {
        return x > 0 ? 1 : x == 0 ? 0 : -1;
    }

    private boolean isBlocked(CoinRunEntity obj, byte type) {
        // The base game blocks on WALL_OBJ and on the out-of-bounds object, which CoinRun sets to
        // WALL_MID; CoinRun adds every wall for the agent.
        return type == WALL_OBJ || type == CoinRunLevel.WALL_MID || (obj == agent && isWall(type));
    }

    private static boolean willReflect(CoinRunEntity obj, byte type) {
        return obj.kind == CoinRunEntity.Kind.ENEMY
                && (isWall(type) || type == CoinRunLevel.ENEMY_BARRIER);
    }

    private static boolean isWall(byte type) {
        return type == CoinRunLevel.WALL_MID || type == CoinRunLevel.WALL_TOP;
    }

    private static boolean isLava(byte type) {
        return type == CoinRunLevel.LAVA_MID || type == CoinRunLevel.LAVA_TOP;
    }

    /** Procgen's {@code get_obj_from_floats}: negative coordinates are out of bounds. */
    private byte cellAt(float x, float y) {
        if (x < 0 || y < 0) {
            return CoinRunLevel.WALL_MID;
        }
        return level.cell((int) Math.floor(x), (int) Math.floor(y));
    }

    private static boolean collides(CoinRunEntity a, CoinRunEntity b, float margin) {
        float tx = (a.rx + b.rx) + margin;
        float ty = (a.ry + b.ry) + margin;
        return Math.abs(a.x - b.x) < tx && Math.abs(a.y - b.y) < ty;
    }

    /** Procgen's {@code check_grid_collisions} for the agent: the coin and lava. */
    private float agentGridCollisions() {
        int minX = (int) (agent.x - (agent.rx + POS_EPS));
        int maxX = (int) (agent.x + (agent.rx + POS_EPS));
        int minY = (int) (agent.y - (agent.ry + POS_EPS));
        int maxY = (int) (agent.y + (agent.ry + POS_EPS));
        float reward = 0;
        for (int x = minX; x <= maxX; x++) {
            for (int y = minY; y <= maxY; y++) {
                byte type = cellAt(x, y);
                if (type == CoinRunLevel.GOAL) {
                    reward += GOAL_REWARD;
                    done = true;
                    levelComplete = true;
                } else if (isLava(type)) {
                    die("lava");
                }
            }
        }
        return reward;
    }

    private static boolean outOfBounds(CoinRunEntity e) {
        return e.x + e.rx < 0
                || e.y + e.ry < 0
                || e.x - e.rx > CoinRunLevel.SIZE
                || e.y - e.ry > CoinRunLevel.SIZE;
    }

    /** Whether the episode has ended (coin, death); the time limit is the caller's. */
    public boolean done() {
        return done;
    }

    /** Whether the coin was reached. */
    public boolean levelComplete() {
        return levelComplete;
    }

    /** What killed the agent ({@code lava}, {@code saw}, {@code enemy}, {@code fell}), or null. */
    public String death() {
        return death;
    }

    /**
     * Procgen's {@code has_support} as the last step computed it: the agent stood on ground or a
     * crate. For drawing only (the v2 art picks the agent's pose from it).
     */
    boolean hasSupport() {
        return hasSupport;
    }

    /** Procgen's {@code action_vx} of the last step: -1, 0 or 1. For drawing only. */
    float actionVx() {
        return actionVx;
    }

    /** Steps taken. */
    public int time() {
        return curTime;
    }

    /** The agent (position, velocity, radii). */
    public CoinRunEntity agent() {
        return agent;
    }

    /** Every entity but the agent, as they are now. */
    public List<CoinRunEntity> entities() {
        return java.util.Collections.unmodifiableList(all.subList(1, all.size()));
    }

    /** The level being played. */
    public CoinRunLevel level() {
        return level;
    }
}
