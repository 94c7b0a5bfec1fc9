package io.genie4j.coinrun;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * A CoinRun expert that plans on the game's own state (privileged information; it makes
 * demonstrations, it is not a learner). The game is deterministic, its generator included, so a
 * plan found on copies of the state plays out exactly: A* over macro-actions (one action held for a
 * few steps), the cost being steps taken and the heuristic the distance to the coin at top speed,
 * with states merged on a grid of position and velocity.
 */
public final class CoinRunExpert {
    /** Actions tried at each node: right, right+up, up, noop, left, left+up, down, right+down. */
    private static final int[] ACTIONS = {7, 8, 5, 4, 1, 2, 3, 6};

    private static final int MACRO = 3;

    private final int maxExpansions;

    /**
     * @param maxExpansions search nodes expanded before giving up on a level
     */
    public CoinRunExpert(int maxExpansions) {
        if (maxExpansions < 1) {
            throw new IllegalArgumentException("maxExpansions must be >= 1, got " + maxExpansions);
        }
        this.maxExpansions = maxExpansions;
    }

    private record Node(CoinRunGame game, Node parent, int action, int steps, float priority) {}

    /**
     * A list of actions that reaches the coin from {@code start}, or an empty list when none was
     * found within the budget. {@code start} is not changed.
     */
    public List<Integer> plan(CoinRunGame start) {
        float goalX = start.level.goalX() + .5f;
        PriorityQueue<Node> open =
                new PriorityQueue<>((a, b) -> Float.compare(a.priority, b.priority));
        Set<Long> seen = new HashSet<>();
        open.add(new Node(start.copy(), null, -1, 0, 0));
        int expansions = 0;
        while (!open.isEmpty() && expansions < maxExpansions) {
            Node node = open.poll();
            expansions++;
            for (int action : ACTIONS) {
                CoinRunGame g = node.game.copy();
                int steps = node.steps;
                boolean ended = false;
                for (int k = 0; k < MACRO && !ended; k++) {
                    CoinRunGame.Outcome o = g.step(action);
                    steps++;
                    ended = o.done();
                }
                if (g.levelComplete()) {
                    return actions(new Node(g, node, action, steps, 0), steps);
                }
                if (ended || g.time() >= CoinRunGame.TIMEOUT - MACRO) {
                    continue;
                }
                if (!seen.add(key(g))) {
                    continue;
                }
                CoinRunEntity p = g.agent;
                float h = Math.max(0, goalX - p.x) / 0.5f;
                open.add(new Node(g, node, action, steps, steps + 1.2f * h));
            }
        }
        return List.of();
    }

    private static long key(CoinRunGame g) {
        CoinRunEntity p = g.agent;
        long x = Math.round(p.x * 4);
        long y = Math.round(p.y * 4);
        long vx = Math.round(p.vx * 8);
        long vy = Math.round(p.vy * 8);
        return (((x * 512 + y) * 64 + (vx + 32)) * 64) + (vy + 32);
    }

    private static List<Integer> actions(Node last, int steps) {
        List<Integer> out = new ArrayList<>(steps);
        for (Node n = last; n.parent != null; n = n.parent) {
            for (int k = 0; k < MACRO; k++) {
                out.add(n.action);
            }
        }
        Collections.reverse(out);
        return out;
    }
}
