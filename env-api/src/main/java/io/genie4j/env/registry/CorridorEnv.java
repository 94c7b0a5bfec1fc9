package io.genie4j.env.registry;

import io.genie4j.env.AutoresetMode;
import io.genie4j.env.Env;
import io.genie4j.env.EnvSpec;
import io.genie4j.env.Reset;
import io.genie4j.env.Step;
import io.genie4j.env.Tensor;
import io.genie4j.env.spaces.Box;
import io.genie4j.env.spaces.Discrete;
import io.genie4j.env.spaces.Space;
import io.genie4j.env.wrappers.TimeLimit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code Corridor-v0}: the smallest complete environment in Genie4j, for examples, tests of code
 * that drives envs, and protocol benchmarks. An agent stands in a corridor of {@code length} cells
 * and must reach the goal at the right end.
 *
 * <ul>
 *   <li>Actions: {@code Discrete(3)}: 0 left, 1 stay, 2 right (walls stop the agent).
 *   <li>Observations: 64×64 RGB; the corridor as a row of cells, the agent green, the goal yellow.
 *   <li>Reward 1 and {@code terminated} on reaching the goal; otherwise 0. The reset seed decides
 *       the start cell (never the goal). Truncated after 100 steps by the registry's {@link
 *       TimeLimit}.
 *   <li>Info: {@code position}, the agent's cell.
 * </ul>
 */
public final class CorridorEnv implements Env<Tensor, Integer> {
    static final String ID = "Corridor-v0";
    private static final int SIZE = 64;
    private static final byte[] FLOOR = {(byte) 40, (byte) 44, (byte) 52};
    private static final byte[] AGENT = {(byte) 60, (byte) 200, (byte) 90};
    private static final byte[] GOAL = {(byte) 240, (byte) 200, (byte) 40};

    private final EnvSpec spec;
    private final int length;
    private final Box observationSpace = Box.image(SIZE, SIZE);
    private final Discrete actionSpace = new Discrete(3);
    private SplittableRandom rng = new SplittableRandom();
    private int position = -1;

    /** Makes the env from registry options ({@code length}). */
    public CorridorEnv(EnvOptions options) {
        this.spec = options.spec();
        this.length = options.getInt("length");
        if (length < 2 || length > SIZE) {
            throw new IllegalArgumentException(
                    "option length = " + length + " is invalid: expected 2..64");
        }
    }

    static EnvRegistration registration() {
        EnvSpec spec = new EnvSpec(ID, 100, 15, 1.0, AutoresetMode.NEXT_STEP, Map.of());
        return new EnvRegistration(
                ID,
                "Reach the goal at the right end of a corridor (reference env for tests and"
                        + " examples)",
                spec,
                java.util.List.of(EnvOption.ofInt("length", 8, "number of cells, 2 to 64")),
                CorridorEnv::new);
    }

    @Override
    public Space<Tensor> observationSpace() {
        return observationSpace;
    }

    @Override
    public Space<Integer> actionSpace() {
        return actionSpace;
    }

    @Override
    public EnvSpec spec() {
        return spec;
    }

    @Override
    public Reset<Tensor> reset(Long seed, Map<String, Object> options) {
        if (!options.isEmpty()) {
            throw new IllegalArgumentException(
                    ID + " takes no reset options, got " + options.keySet());
        }
        if (seed != null) {
            rng = new SplittableRandom(seed);
        }
        position = rng.nextInt(length - 1);
        return new Reset<>(render(), info());
    }

    @Override
    public Step<Tensor> step(Integer action) {
        int a = actionSpace.validate(action, "action");
        if (position < 0) {
            throw new IllegalStateException("step() called before reset()");
        }
        position = Math.max(0, Math.min(length - 1, position + a - 1));
        boolean reached = position == length - 1;
        return new Step<>(render(), reached ? 1.0 : 0.0, reached, false, info());
    }

    private Map<String, Object> info() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("position", position);
        return m;
    }

    @Override
    public Tensor render() {
        if (position < 0) {
            throw new IllegalStateException("render() called before reset()");
        }
        byte[] px = new byte[SIZE * SIZE * 3];
        int cell = SIZE / length;
        int top = SIZE / 2 - cell / 2;
        for (int c = 0; c < length; c++) {
            byte[] color = c == position ? AGENT : c == length - 1 ? GOAL : FLOOR;
            for (int y = top + 1; y < top + cell - 1; y++) {
                for (int x = c * cell + 1; x < (c + 1) * cell - 1; x++) {
                    System.arraycopy(color, 0, px, (y * SIZE + x) * 3, 3);
                }
            }
        }
        return Tensor.uint8(px, SIZE, SIZE, 3);
    }

    @Override
    public void close() {
        position = -1;
    }

    @Override
    public String toString() {
        return ID + Arrays.toString(new int[] {length});
    }
}
