package io.genie4j.protocol;

import io.genie4j.env.EnvSpec;
import io.genie4j.env.Tensor;
import io.genie4j.env.spaces.Space;
import io.genie4j.env.vector.VectorEnv;
import io.genie4j.env.vector.VectorReset;
import io.genie4j.env.vector.VectorStep;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One vector env spread over several servers (a fleet): env {@code i} of the whole lives in the
 * part that holds index {@code i}, parts in the order given, so results come back ordered as one
 * batch. A step sends every part its actions before waiting for any ({@link
 * RemoteVectorEnv#stepAsync}), so the servers step at the same time. An error names the server it
 * came from. Each part has its own connection, so each server may have its own CURVE identity.
 */
public final class FleetVectorEnv<O, A> implements VectorEnv<O, A> {
    private final List<RemoteVectorEnv<O, A>> parts;
    private final int[] offsets;
    private final int numEnvs;

    /**
     * A fleet of sessions already made (closed with the fleet).
     *
     * @throws IllegalArgumentException if there are none or their spaces differ
     */
    public FleetVectorEnv(List<RemoteVectorEnv<O, A>> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a fleet needs at least one server");
        }
        this.parts = List.copyOf(parts);
        this.offsets = new int[parts.size() + 1];
        RemoteVectorEnv<O, A> first = parts.get(0);
        for (int j = 0; j < parts.size(); j++) {
            RemoteVectorEnv<O, A> p = parts.get(j);
            if (!p.singleObservationSpace().equals(first.singleObservationSpace())
                    || !p.singleActionSpace().equals(first.singleActionSpace())) {
                throw new IllegalArgumentException(
                        "the fleet's servers serve different envs: "
                                + where(p)
                                + " has "
                                + p.singleObservationSpace()
                                + " and "
                                + p.singleActionSpace()
                                + ", "
                                + where(first)
                                + " "
                                + first.singleObservationSpace()
                                + " and "
                                + first.singleActionSpace());
            }
            offsets[j + 1] = offsets[j] + p.numEnvs();
        }
        this.numEnvs = offsets[parts.size()];
    }

    /**
     * Makes {@code numEnvs} copies of {@code envId} over the servers at {@code addresses}, as even
     * a share on each as can be (the first servers take one more when it does not divide).
     *
     * @throws IllegalArgumentException if there are more servers than envs; a server's refusal,
     *     naming it (sessions already made on the others are closed)
     */
    public static FleetVectorEnv<Object, Object> make(
            List<String> addresses, String envId, int numEnvs, Map<String, ?> options) {
        return make(
                addresses.stream()
                        .map(
                                a ->
                                        (Function<Integer, RemoteVectorEnv<Object, Object>>)
                                                n -> RemoteVectorEnv.make(a, envId, n, options))
                        .toList(),
                addresses,
                numEnvs);
    }

    /** As above over connections already open (e.g. each with its own CURVE keys). */
    public static FleetVectorEnv<Object, Object> make(
            List<RemoteConnection> connections,
            String envId,
            int numEnvs,
            Map<String, ?> options,
            boolean sharedMemory) {
        return make(
                connections.stream()
                        .map(
                                c ->
                                        (Function<Integer, RemoteVectorEnv<Object, Object>>)
                                                n ->
                                                        RemoteVectorEnv.make(
                                                                c, envId, n, options, sharedMemory))
                        .toList(),
                connections.stream().map(RemoteConnection::address).toList(),
                numEnvs);
    }

    private static FleetVectorEnv<Object, Object> make(
            List<Function<Integer, RemoteVectorEnv<Object, Object>>> makers,
            List<String> addresses,
            int numEnvs) {
        int k = makers.size();
        if (k == 0 || numEnvs < k) {
            throw new IllegalArgumentException(
                    "a fleet of " + k + " servers needs at least one env on each, got " + numEnvs);
        }
        List<RemoteVectorEnv<Object, Object>> parts = new ArrayList<>();
        try {
            for (int j = 0; j < k; j++) {
                int n = numEnvs / k + (j < numEnvs % k ? 1 : 0);
                try {
                    parts.add(makers.get(j).apply(n));
                } catch (RuntimeException e) {
                    throw named(addresses.get(j), e);
                }
            }
            return new FleetVectorEnv<>(parts);
        } catch (RuntimeException e) {
            parts.forEach(RemoteVectorEnv::close);
            throw e;
        }
    }

    /** The parts, in env order. */
    public List<RemoteVectorEnv<O, A>> parts() {
        return parts;
    }

    @Override
    public int numEnvs() {
        return numEnvs;
    }

    @Override
    public Space<O> singleObservationSpace() {
        return parts.get(0).singleObservationSpace();
    }

    @Override
    public Space<A> singleActionSpace() {
        return parts.get(0).singleActionSpace();
    }

    @Override
    public EnvSpec spec() {
        return parts.get(0).spec();
    }

    @Override
    public VectorReset<O> reset(Long seed, Map<String, Object> options) {
        return resetEach((j, p) -> p.reset(seed == null ? null : seed + offsets[j], options));
    }

    @Override
    public VectorReset<O> reset(long[] seeds, Map<String, Object> options) {
        if (seeds.length != numEnvs) {
            throw new IllegalArgumentException(
                    "reset got " + seeds.length + " seeds for " + numEnvs + " envs");
        }
        return resetEach(
                (j, p) -> p.reset(Arrays.copyOfRange(seeds, offsets[j], offsets[j + 1]), options));
    }

    /** Resets part j as {@code reset} says, for every part in turn, and joins the results. */
    private VectorReset<O> resetEach(
            java.util.function.BiFunction<Integer, RemoteVectorEnv<O, A>, VectorReset<O>> reset) {
        List<O> obs = new ArrayList<>(numEnvs);
        List<Map<String, Object>> infos = new ArrayList<>(numEnvs);
        for (int j = 0; j < parts.size(); j++) {
            int part = j;
            RemoteVectorEnv<O, A> p = parts.get(j);
            VectorReset<O> r = onPart(p, () -> reset.apply(part, p));
            obs.addAll(r.observations());
            infos.addAll(r.infos());
        }
        return new VectorReset<>(obs, infos);
    }

    @Override
    public VectorStep<O> step(List<A> actions) {
        if (actions.size() != numEnvs) {
            throw new IllegalArgumentException(
                    "step got " + actions.size() + " actions for " + numEnvs + " envs");
        }
        for (int i = 0; i < numEnvs; i++) {
            singleActionSpace().validate(actions.get(i), "action [" + i + "]");
        }
        for (int j = 0; j < parts.size(); j++) {
            RemoteVectorEnv<O, A> p = parts.get(j);
            List<A> mine = actions.subList(offsets[j], offsets[j + 1]);
            onPart(
                    p,
                    () -> {
                        p.stepAsync(mine);
                        return null;
                    });
        }
        List<O> obs = new ArrayList<>(numEnvs);
        double[] rewards = new double[numEnvs];
        boolean[] terminated = new boolean[numEnvs];
        boolean[] truncated = new boolean[numEnvs];
        List<Map<String, Object>> infos = new ArrayList<>(numEnvs);
        RuntimeException failure = null;
        for (int j = 0; j < parts.size(); j++) {
            RemoteVectorEnv<O, A> p = parts.get(j);
            try {
                VectorStep<O> r = onPart(p, p::stepWait);
                obs.addAll(r.observations());
                System.arraycopy(r.rewards(), 0, rewards, offsets[j], p.numEnvs());
                System.arraycopy(r.terminated(), 0, terminated, offsets[j], p.numEnvs());
                System.arraycopy(r.truncated(), 0, truncated, offsets[j], p.numEnvs());
                infos.addAll(r.infos());
            } catch (RuntimeException e) {
                // Collect every part's reply before reporting, so no step is left in flight.
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
        return new VectorStep<>(obs, rewards, terminated, truncated, infos);
    }

    @Override
    public List<Tensor> render() {
        List<Tensor> out = new ArrayList<>(numEnvs);
        for (RemoteVectorEnv<O, A> p : parts) {
            out.addAll(onPart(p, p::render));
        }
        return out;
    }

    @Override
    public void close() {
        parts.forEach(RemoteVectorEnv::close);
    }

    private static <T> T onPart(RemoteVectorEnv<?, ?> p, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw named(p.connection().address(), e);
        }
    }

    private static String where(RemoteVectorEnv<?, ?> p) {
        return "the server at " + p.connection().address();
    }

    /** {@code e} with the server's address in front of its message, of the same kind. */
    private static RuntimeException named(String address, RuntimeException e) {
        String m = "server " + address + ": " + e.getMessage();
        if (e instanceof ProtocolException p) {
            return new ProtocolException(p.code(), m);
        }
        if (e instanceof IllegalArgumentException) {
            return new IllegalArgumentException(m, e);
        }
        if (e instanceof IllegalStateException) {
            return new IllegalStateException(m, e);
        }
        if (e instanceof RemoteConnection.RemoteTimeoutException) {
            return new RemoteConnection.RemoteTimeoutException(m);
        }
        return new RuntimeException(m, e);
    }

    /** The settings, for logs: the servers and their shares. */
    @Override
    public String toString() {
        Map<String, Integer> m = new LinkedHashMap<>();
        parts.forEach(p -> m.put(p.connection().address(), p.numEnvs()));
        return "FleetVectorEnv" + m;
    }
}
