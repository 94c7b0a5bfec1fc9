package io.genie4j.protocol;

import io.genie4j.env.Env;
import io.genie4j.env.registry.Envs;
import io.genie4j.env.vector.VectorEnv;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures what the wire costs: env steps per second in-process against the same envs over a
 * loopback {@link EnvServer}, with observations in buffer frames (the socket alone, as for a remote
 * client) and in shared memory (the default for a client on the server's machine), for several
 * batch sizes, and the round-trip latency of single-env steps and of pings. Used by {@code genie4j
 * bench protocol}; prints nothing itself.
 */
public final class ProtocolBenchmark {
    private ProtocolBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param envIds the envs to measure
     * @param batchSizes envs per session
     * @param seconds measuring time per configuration (after a warm-up of a third of it)
     * @return JSON-ready results
     */
    public static Map<String, Object> run(List<String> envIds, int[] batchSizes, double seconds) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("benchmark", "protocol");
        out.put("cores", Runtime.getRuntime().availableProcessors());
        out.put("seconds_per_measurement", seconds);
        List<Object> throughput = new ArrayList<>();
        try (EnvServer server = EnvServer.start(ServerConfig.defaults("tcp://127.0.0.1:*"))) {
            out.put("endpoint", server.endpoint());
            // Warm the JIT on both paths before anything is timed; the first timed figure was
            // otherwise a fraction of the later ones.
            try (VectorEnv<?, ?> env =
                    RemoteVectorEnv.make(server.endpoint(), envIds.get(0), 1, Map.of())) {
                stepsPerSecond(env, seconds);
            }
            try (VectorEnv<?, ?> env = Envs.makeVector(envIds.get(0), 1, Map.of(), 1)) {
                stepsPerSecond(env, seconds);
            }
            for (String id : envIds) {
                for (int n : batchSizes) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("env", id);
                    row.put("num_envs", n);
                    double local;
                    try (VectorEnv<?, ?> env =
                            Envs.makeVector(
                                    id,
                                    n,
                                    Map.of(),
                                    n >= 8 ? Runtime.getRuntime().availableProcessors() : 1)) {
                        local = stepsPerSecond(env, seconds);
                    }
                    double socket = remote(server, id, n, false, seconds);
                    double shared = remote(server, id, n, true, seconds);
                    row.put("in_process_steps_per_s", Math.round(local));
                    row.put("loopback_steps_per_s", Math.round(socket));
                    row.put("loopback_fraction", Math.round(socket / local * 1000) / 1000.0);
                    row.put("shared_memory_steps_per_s", Math.round(shared));
                    row.put("shared_memory_fraction", Math.round(shared / local * 1000) / 1000.0);
                    throughput.add(row);
                }
            }
            out.put("throughput", throughput);
            Map<String, Object> latency = new LinkedHashMap<>();
            String id = envIds.get(0);
            try (RemoteVectorEnv<Object, Object> env =
                    RemoteVectorEnv.make(
                            RemoteConnection.connect(server.endpoint()), id, 1, Map.of(), false)) {
                latency.put("step_" + id, percentiles(env, seconds, false));
                latency.put("ping", percentiles(env, seconds, true));
            }
            try (RemoteVectorEnv<Object, Object> env =
                    RemoteVectorEnv.make(
                            RemoteConnection.connect(server.endpoint()), id, 1, Map.of(), true)) {
                latency.put("step_" + id + "_shared_memory", percentiles(env, seconds, false));
            }
            out.put("round_trip_us", latency);
        }
        int largest = Arrays.stream(batchSizes).max().orElse(1);
        long bytes;
        try (Env<?, ?> env = Envs.make(envIds.get(0))) {
            bytes = Batches.sharedBytes(env.observationSpace(), largest);
        }
        if (bytes > 0 && bytes <= Integer.MAX_VALUE) {
            out.put("cross_core_copy", crossCoreCopy((int) bytes, Math.min(seconds, 2.0)));
        }
        return out;
    }

    /**
     * What moving one batch's observations between two threads costs on this machine, with no
     * protocol at all: one thread writes {@code bytes} into a mapped shared-memory file, the
     * calling thread copies them out into a new array, turn about, as the server and a local client
     * do every step; and the same write and read on one thread. The two-thread figures bound the
     * shared-memory throughput: where the cores share a cache they are close to the one-thread
     * ones, but in a virtual machine whose cores sit on different caches of the host every write
     * must first take the lines back from the other core, and the figures can be several times
     * larger (on the same machine from one hour to the next, most likely as the host places its
     * cores).
     *
     * @return p50 microseconds: {@code write_us} and {@code read_us} across threads, {@code
     *     one_thread_write_us} and {@code one_thread_read_us} on one
     */
    static Map<String, Object> crossCoreCopy(int bytes, double seconds) {
        Path file =
                SharedMemory.directory()
                        .resolve("genie4j-bench-" + ProcessHandle.current().pid() + ".tmp");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bytes", bytes);
        int rounds = (int) Math.max(16, Math.min(1 << 16, seconds * 2_000));
        m.put("rounds", rounds);
        try {
            // A file left by an earlier run of a process with this pid that did not finish.
            Files.deleteIfExists(file);
            MappedByteBuffer map = SharedMemory.createFile(file, bytes);
            byte[] src = new byte[bytes];
            new SplittableRandom(0).nextBytes(src);
            long[] writes = new long[rounds];
            long[] reads = new long[rounds];
            for (int i = 0; i < rounds; i++) {
                long t0 = System.nanoTime();
                map.put(0, src, 0, bytes);
                long t1 = System.nanoTime();
                byte[] out = new byte[bytes];
                map.get(0, out, 0, bytes);
                writes[i] = t1 - t0;
                reads[i] = System.nanoTime() - t1;
            }
            m.put("one_thread_write_us", median(writes));
            m.put("one_thread_read_us", median(reads));
            if (Runtime.getRuntime().availableProcessors() < 2) {
                // Two spinning threads on one core would take turns by time slices.
                m.put("note", "one core: no second thread to copy across");
                return m;
            }
            AtomicLong turn = new AtomicLong();
            long[] crossWrites = new long[rounds];
            Thread writer =
                    new Thread(
                            () -> {
                                for (int i = 0; i < rounds; i++) {
                                    while (turn.get() != 2L * i) {
                                        Thread.onSpinWait();
                                    }
                                    long t0 = System.nanoTime();
                                    map.put(0, src, 0, bytes);
                                    crossWrites[i] = System.nanoTime() - t0;
                                    turn.set(2L * i + 1);
                                }
                            },
                            "bench-copy-writer");
            writer.setDaemon(true);
            writer.start();
            for (int i = 0; i < rounds; i++) {
                while (turn.get() != 2L * i + 1) {
                    Thread.onSpinWait();
                }
                long t0 = System.nanoTime();
                byte[] out = new byte[bytes];
                map.get(0, out, 0, bytes);
                reads[i] = System.nanoTime() - t0;
                turn.set(2L * i + 2);
            }
            writer.join();
            m.put("write_us", median(crossWrites));
            m.put("read_us", median(reads));
        } catch (IOException e) {
            m.put("error", "could not map " + file + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            m.put("error", "interrupted");
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                System.err.println("could not delete " + file + ": " + e);
            }
        }
        return m;
    }

    /** The median of {@code nanos}, in microseconds to 0.1. */
    private static double median(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return micros(s[s.length / 2]);
    }

    /** Nanoseconds in microseconds, to 0.1. */
    private static double micros(long nanos) {
        return Math.round(nanos / 100.0) / 10.0;
    }

    private static double remote(
            EnvServer server, String id, int n, boolean sharedMemory, double seconds) {
        try (RemoteVectorEnv<Object, Object> env =
                RemoteVectorEnv.make(
                        RemoteConnection.connect(server.endpoint()),
                        id,
                        n,
                        Map.of(),
                        sharedMemory)) {
            if (env.sharedMemory() != sharedMemory) {
                throw new IllegalStateException(
                        "the server did not "
                                + (sharedMemory ? "grant" : "skip")
                                + " shared memory");
            }
            if (sharedMemory && !env.channel()) {
                throw new IllegalStateException("the server did not grant a request channel");
            }
            return stepsPerSecond(env, seconds);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static double stepsPerSecond(VectorEnv env, double seconds) {
        SplittableRandom rng = new SplittableRandom(0);
        env.reset(0L, Map.of());
        List actions = new ArrayList();
        for (int i = 0; i < env.numEnvs(); i++) {
            actions.add(env.singleActionSpace().sample(rng));
        }
        long warm = System.nanoTime() + (long) (seconds / 3 * 1e9);
        while (System.nanoTime() < warm) {
            env.step(actions);
        }
        long steps = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long now;
        do {
            for (int i = 0; i < env.numEnvs(); i++) {
                actions.set(i, env.singleActionSpace().sample(rng));
            }
            env.step(actions);
            steps += env.numEnvs();
            now = System.nanoTime();
        } while (now < end);
        return steps / ((now - start) / 1e9);
    }

    private static Map<String, Object> percentiles(
            RemoteVectorEnv<Object, Object> env, double seconds, boolean ping) {
        RemoteConnection c = env.connection();
        env.reset(0L, Map.of());
        List<Object> action = List.of(env.singleActionSpace().sample(new SplittableRandom(1)));
        long[] samples = new long[1 << 20];
        int n = 0;
        Map<String, Object> pingRequest = Map.of("op", "ping");
        long warm = System.nanoTime() + (long) (seconds / 2 * 1e9); // let the JIT settle first
        while (System.nanoTime() < warm) {
            if (ping) {
                c.call(pingRequest);
            } else {
                env.step(action);
            }
        }
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end && n < samples.length) {
            long t0 = System.nanoTime();
            if (ping) {
                c.call(pingRequest);
            } else {
                env.step(action);
            }
            samples[n++] = System.nanoTime() - t0;
        }
        long[] s = Arrays.copyOf(samples, n);
        Arrays.sort(s);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("samples", n);
        m.put("p50", micros(s[n / 2]));
        m.put("p99", micros(s[Math.min(n - 1, (int) (n * 0.99))]));
        return m;
    }
}
