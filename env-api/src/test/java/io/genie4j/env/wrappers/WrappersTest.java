package io.genie4j.env.wrappers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.env.CountdownEnv;
import io.genie4j.env.DType;
import io.genie4j.env.Env;
import io.genie4j.env.Step;
import io.genie4j.env.Tensor;
import io.genie4j.env.spaces.Box;
import io.genie4j.env.spaces.Space;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WrappersTest {

    @Test
    void timeLimitTruncatesExactlyAtTheLimit() {
        TimeLimit<Tensor, Integer> env = new TimeLimit<>(new CountdownEnv(100), 3);
        env.reset(0L, Map.of());
        assertFalse(env.step(0).truncated());
        assertFalse(env.step(0).truncated());
        Step<Tensor> third = env.step(0);
        assertTrue(third.truncated());
        assertFalse(third.terminated());
        env.reset(0L, Map.of());
        assertEquals(0, env.elapsedSteps());
        assertEquals(3, env.spec().maxEpisodeSteps());
    }

    @Test
    void timeLimitPassesTerminationThrough() {
        TimeLimit<Tensor, Integer> env = new TimeLimit<>(new CountdownEnv(2), 2);
        env.reset(0L, Map.of());
        env.step(0);
        Step<Tensor> s = env.step(0);
        assertTrue(s.terminated() && s.truncated());
    }

    @Test
    void frameStackKeepsTheLastKOldestFirst() {
        FrameStack<Integer> env = new FrameStack<>(new CountdownEnv(100), 3);
        assertArrayEquals(new int[] {3, 3}, ((Box) env.observationSpace()).shape());
        Tensor r = env.reset(5L, Map.of()).observation();
        for (int i = 0; i < 3; i++) {
            assertEquals(0, r.slice(i).getLong(1), "padded with the reset observation");
        }
        env.step(1);
        Tensor s = env.step(2).observation();
        assertEquals(0, s.slice(0).getLong(1));
        assertEquals(1, s.slice(1).getLong(1));
        assertEquals(2, s.slice(2).getLong(1));
        assertTrue(env.observationSpace().contains(s));
    }

    @Test
    void frameStackZeroPadding() {
        FrameStack<Integer> env =
                new FrameStack<>(new CountdownEnv(100), 2, FrameStack.Padding.ZERO);
        Tensor r = env.reset(5L, Map.of()).observation();
        assertEquals(Tensor.int64(new long[] {0, 0, 0}, 3), r.slice(0));
        assertEquals(5, r.slice(1).getLong(0));
    }

    @Test
    void frameStackRepeatsBoundsPerFrame() {
        Box inner = Box.of(new double[] {0, 1}, new double[] {2, 3}, DType.FLOAT32, 2);
        Box stacked =
                Box.of(new double[] {0, 1, 0, 1}, new double[] {2, 3, 2, 3}, DType.FLOAT32, 2, 2);
        Env<Tensor, Integer> base =
                new Wrapper<>(new CountdownEnv(1)) {
                    @Override
                    public Space<Tensor> observationSpace() {
                        return inner;
                    }
                };
        assertEquals(stacked, new FrameStack<>(base, 2).observationSpace());
    }
}
