package io.genie4j.env.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.env.AutoresetMode;
import io.genie4j.env.CountdownEnv;
import io.genie4j.env.Step;
import io.genie4j.env.Tensor;
import io.genie4j.env.registry.Envs;
import io.genie4j.env.wrappers.Wrapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VectorEnvTest {

    private static List<CountdownEnv> countdowns(int... lengths) {
        List<CountdownEnv> envs = new ArrayList<>();
        for (int l : lengths) {
            envs.add(new CountdownEnv(l));
        }
        return envs;
    }

    @Test
    void nextStepAutoresetOrder() {
        List<CountdownEnv> envs = countdowns(2, 3);
        try (SyncVectorEnv<Tensor, Integer> v = new SyncVectorEnv<>(envs)) {
            v.reset(100L, Map.of());
            VectorStep<Tensor> s1 = v.step(List.of(1, 1));
            assertArrayEquals(new boolean[] {false, false}, s1.terminated());
            VectorStep<Tensor> s2 = v.step(List.of(2, 2));
            // env 0 ends here, with its last observation and reward
            assertArrayEquals(new boolean[] {true, false}, s2.terminated());
            assertEquals(2, s2.observations().get(0).getLong(1));
            assertArrayEquals(new double[] {2, 2}, s2.rewards());
            VectorStep<Tensor> s3 = v.step(List.of(3, 3));
            // env 0 is reset: action ignored, reward 0, flags false, reset observation and info
            assertEquals(Tensor.int64(new long[] {100, 0, -1}, 3), s3.observations().get(0));
            assertEquals(0.0, s3.rewards()[0]);
            assertFalse(s3.terminated()[0] || s3.truncated()[0]);
            assertEquals(2, s3.infos().get(0).get("resets"));
            assertEquals(0, s3.infos().get(0).get("t"));
            // env 1 ends on this same step
            assertTrue(s3.terminated()[1]);
            assertEquals(3.0, s3.rewards()[1]);
            VectorStep<Tensor> s4 = v.step(List.of(1, 1));
            assertEquals(1, s4.observations().get(0).getLong(1));
            assertEquals(Tensor.int64(new long[] {101, 0, -1}, 3), s4.observations().get(1));
            assertEquals(2, envs.get(0).resets);
            assertEquals(2, envs.get(1).resets);
        }
    }

    @Test
    void seedsAreSeedPlusIndex() {
        try (SyncVectorEnv<Tensor, Integer> v = new SyncVectorEnv<>(countdowns(5, 5, 5))) {
            VectorReset<Tensor> r = v.reset(40L, Map.of());
            for (int i = 0; i < 3; i++) {
                assertEquals(40 + i, r.observations().get(i).getLong(0));
            }
            r = v.reset(new long[] {7, 8, 9}, Map.of());
            assertEquals(9, r.observations().get(2).getLong(0));
            assertThrows(IllegalArgumentException.class, () -> v.reset(new long[] {1}, Map.of()));
            assertArrayEquals(new int[] {3, 3}, r.stackedObservations().shape());
        }
    }

    @Test
    void aBadActionStepsNoEnv() {
        List<CountdownEnv> envs = countdowns(5, 5);
        try (SyncVectorEnv<Tensor, Integer> v = new SyncVectorEnv<>(envs)) {
            v.reset(0L, Map.of());
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> v.step(List.of(1, 9)));
            assertEquals("action [1] 9 is outside Discrete(4)", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> v.step(List.of(1)));
            VectorStep<Tensor> s = v.step(List.of(1, 1));
            assertEquals(1, s.observations().get(0).getLong(1), "no env moved before");
        }
    }

    @Test
    void stepBeforeResetAndAfterCloseAreStateErrors() {
        List<CountdownEnv> envs = countdowns(5);
        SyncVectorEnv<Tensor, Integer> v = new SyncVectorEnv<>(envs);
        assertThrows(IllegalStateException.class, () -> v.step(List.of(0)));
        v.close();
        v.close();
        assertEquals(1, envs.get(0).closes);
        assertThrows(IllegalStateException.class, () -> v.reset(0L, Map.of()));
    }

    @Test
    void threadedEqualsSyncBitForBit() {
        try (VectorEnv<?, ?> a = Envs.makeVector("Corridor-v0", 7, Map.of("length", 5), 1);
                VectorEnv<?, ?> b = Envs.makeVector("Corridor-v0", 7, Map.of("length", 5), 3)) {
            assertTrue(b instanceof ThreadedVectorEnv);
            @SuppressWarnings("unchecked")
            VectorEnv<Tensor, Integer> x = (VectorEnv<Tensor, Integer>) a;
            @SuppressWarnings("unchecked")
            VectorEnv<Tensor, Integer> y = (VectorEnv<Tensor, Integer>) b;
            assertEquals(
                    x.reset(3L, Map.of()).observations(), y.reset(3L, Map.of()).observations());
            SplittableRandom rng = new SplittableRandom(9);
            for (int t = 0; t < 500; t++) {
                List<Integer> actions = new ArrayList<>();
                for (int i = 0; i < 7; i++) {
                    actions.add(rng.nextInt(3));
                }
                VectorStep<Tensor> p = x.step(actions);
                VectorStep<Tensor> q = y.step(actions);
                assertEquals(p.observations(), q.observations());
                assertArrayEquals(p.rewards(), q.rewards());
                assertArrayEquals(p.terminated(), q.terminated());
                assertArrayEquals(p.truncated(), q.truncated());
                assertEquals(p.infos(), q.infos());
            }
        }
    }

    /** A countdown that notes the thread that stepped it and can take its time. */
    private static final class Watched extends Wrapper<Tensor, Integer> {
        final java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        volatile long spinNanos;

        Watched(int length) {
            super(new CountdownEnv(length));
        }

        @Override
        public Step<Tensor> step(Integer action) {
            threads.add(Thread.currentThread().getName());
            long end = System.nanoTime() + spinNanos;
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            return env.step(action);
        }
    }

    @Test
    void threadedStepsCheapBatchesOnTheCallersThreadAndSlowOnesOnItsWorkers() {
        List<Watched> envs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            envs.add(new Watched(1000));
        }
        try (ThreadedVectorEnv<Tensor, Integer> v = new ThreadedVectorEnv<>(envs, 2)) {
            v.reset(0L, Map.of());
            List<Integer> actions = Collections.nCopies(8, 0);
            for (int t = 0; t < 20; t++) {
                v.step(actions);
            }
            for (Watched e : envs) {
                e.threads.clear(); // warm: the first steps run slowly before the JIT compiles them
            }
            for (int t = 0; t < 20; t++) {
                v.step(actions);
            }
            String me = Thread.currentThread().getName();
            for (Watched e : envs) {
                assertEquals(java.util.Set.of(me), e.threads, "cheap steps stay on the caller");
                e.threads.clear();
                e.spinNanos = 50_000; // 8 × 50 µs a batch: more than a hand-off costs
            }
            for (int t = 0; t < 8; t++) {
                v.step(actions); // the estimate is the least of the last 8 batches' times
            }
            for (Watched e : envs) {
                e.threads.clear();
            }
            for (int t = 0; t < 20; t++) {
                v.step(actions);
            }
            java.util.Set<String> all = new java.util.HashSet<>();
            envs.forEach(e -> all.addAll(e.threads));
            assertTrue(all.contains(me), "the caller takes envs too: " + all);
            assertEquals(2, all.size(), "and so does the worker: " + all);
        }
    }

    @Test
    void metadataNamesTheAutoresetMode() {
        try (VectorEnv<?, ?> v = Envs.makeVector("Noop-v0", 2, Map.of(), 1)) {
            assertEquals("NextStep", v.metadata().get("autoreset_mode"));
            assertEquals(AutoresetMode.NEXT_STEP, v.autoresetMode());
            assertEquals(2, v.render().size());
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> new SyncVectorEnv<Tensor, Integer>(Collections.emptyList()));
    }
}
