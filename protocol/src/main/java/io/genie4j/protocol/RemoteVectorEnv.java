package io.genie4j.protocol;

import io.genie4j.env.EnvSpec;
import io.genie4j.env.Tensor;
import io.genie4j.env.spaces.Space;
import io.genie4j.env.spaces.Spaces;
import io.genie4j.env.vector.VectorEnv;
import io.genie4j.env.vector.VectorReset;
import io.genie4j.env.vector.VectorStep;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link VectorEnv} whose envs live in an {@link EnvServer}: one session of {@code N} envs,
 * stepped in one round trip. Any code written against {@code VectorEnv} runs unchanged against it;
 * results equal those of the same envs in-process. Owns its connection.
 *
 * <p>When the server is on this machine (a loopback, IPC or in-process address), observations come
 * through shared memory instead of the socket (PROTOCOL.md §2.1), which for large batches of images
 * is up to about twice as fast; if the server declines or its file cannot be opened (a server in a
 * container, say), they come through the socket as usual.
 *
 * @param <O> the observation type of one env
 * @param <A> the action type of one env
 */
public final class RemoteVectorEnv<O, A> implements VectorEnv<O, A> {
    private final RemoteConnection connection;
    private final String session;
    private final int numEnvs;
    private final Space<O> observationSpace;
    private final Space<A> actionSpace;
    private final EnvSpec spec;
    private final SharedMemory shm;
    private final boolean columnar;

    /** The session's request channel (PROTOCOL.md §2.2), or null to use the socket only. */
    private Channel channel;

    private boolean inFlightOnChannel;
    private boolean closed;
    private Map<String, Object> inFlight;
    private long inFlightId;

    @SuppressWarnings("unchecked")
    private RemoteVectorEnv(
            RemoteConnection connection,
            Map<String, Object> made,
            SharedMemory shm,
            Channel channel) {
        this.connection = connection;
        this.shm = shm;
        this.channel = channel;
        this.session = (String) made.get("session");
        this.numEnvs = ((Number) made.get("num_envs")).intValue();
        this.observationSpace =
                (Space<O>) Spaces.fromJson((Map<String, ?>) made.get("observation_space"));
        this.actionSpace = (Space<A>) Spaces.fromJson((Map<String, ?>) made.get("action_space"));
        this.spec = EnvSpec.fromJson((Map<String, ?>) made.get("spec"));
        this.columnar = ColumnarInfos.NAME.equals(made.get("infos"));
    }

    /**
     * Makes {@code numEnvs} envs on the server at {@code address}.
     *
     * @throws ProtocolException if the server refuses (unknown id or option, limits)
     */
    public static RemoteVectorEnv<Object, Object> make(
            String address, String envId, int numEnvs, Map<String, ?> options) {
        return make(RemoteConnection.connect(address), envId, numEnvs, options);
    }

    /**
     * Makes envs over an existing connection, which the env then owns; with shared memory when the
     * connection's address is on this machine.
     */
    public static RemoteVectorEnv<Object, Object> make(
            RemoteConnection connection, String envId, int numEnvs, Map<String, ?> options) {
        return make(
                connection, envId, numEnvs, options, SharedMemory.isLocal(connection.address()));
    }

    /**
     * Makes envs over an existing connection, which the env then owns.
     *
     * @param sharedMemory ask for observations in shared memory (only for a server on this machine;
     *     if it declines or its file cannot be opened, they come through the socket)
     */
    public static RemoteVectorEnv<Object, Object> make(
            RemoteConnection connection,
            String envId,
            int numEnvs,
            Map<String, ?> options,
            boolean sharedMemory) {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("op", "make");
        req.put("env_id", envId);
        req.put("num_envs", numEnvs);
        req.put("options", options);
        req.put("infos", ColumnarInfos.NAME);
        if (sharedMemory) {
            req.put("shared_memory", true);
            req.put("channel", true);
        }
        try {
            Map<String, Object> made = connection.call(req);
            if (made.get("shared_memory") instanceof Map<?, ?> region) {
                try {
                    SharedMemory shm =
                            SharedMemory.open(
                                    String.valueOf(region.get("path")),
                                    ((Number) region.get("bytes")).longValue());
                    return new RemoteVectorEnv<>(connection, made, shm, openChannel(made));
                } catch (IOException | RuntimeException e) {
                    // Not the server's machine after all: start over without shared memory.
                    Map<String, Object> close = new LinkedHashMap<>();
                    close.put("op", "close");
                    close.put("session", made.get("session"));
                    connection.call(close);
                    req.remove("shared_memory");
                    req.remove("channel");
                    made = connection.call(req);
                }
            }
            return new RemoteVectorEnv<>(connection, made, null, null);
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** The channel the server offered, or null if it offered none or its file cannot be mapped. */
    private static Channel openChannel(Map<String, Object> made) {
        if (made.get("channel") instanceof Map<?, ?> c) {
            try {
                return Channel.open(
                        String.valueOf(c.get("path")), ((Number) c.get("bytes")).longValue());
            } catch (IOException | RuntimeException e) {
                // The socket carries the requests instead.
            }
        }
        return null;
    }

    /** Whether requests go through a channel in shared memory (PROTOCOL.md §2.2). */
    public boolean channel() {
        return channel != null;
    }

    /** Whether observations come through shared memory (PROTOCOL.md §2.1). */
    public boolean sharedMemory() {
        return shm != null;
    }

    /** The connection this env owns, e.g. to send {@code ping}s on it. */
    public RemoteConnection connection() {
        return connection;
    }

    /** The server's session id. */
    public String session() {
        return session;
    }

    @Override
    public int numEnvs() {
        return numEnvs;
    }

    @Override
    public Space<O> singleObservationSpace() {
        return observationSpace;
    }

    @Override
    public Space<A> singleActionSpace() {
        return actionSpace;
    }

    @Override
    public EnvSpec spec() {
        return spec;
    }

    private Map<String, Object> request(String op) {
        if (closed) {
            throw new IllegalStateException("the remote env is closed");
        }
        if (inFlight != null) {
            throw new IllegalStateException(
                    "a step is in flight: collect it with stepWait before '" + op + "'");
        }
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("op", op);
        req.put("session", session);
        return req;
    }

    @Override
    public VectorReset<O> reset(Long seed, Map<String, Object> options) {
        Map<String, Object> req = request("reset");
        req.put("seed", seed);
        req.put("options", options);
        return resetReply(call(req));
    }

    @Override
    public VectorReset<O> reset(long[] seeds, Map<String, Object> options) {
        if (seeds.length != numEnvs) {
            throw new IllegalArgumentException(
                    "reset got " + seeds.length + " seeds for " + numEnvs + " envs");
        }
        Map<String, Object> req = request("reset");
        req.put("seeds", Arrays.stream(seeds).boxed().toList());
        req.put("options", options);
        return resetReply(call(req));
    }

    @SuppressWarnings("unchecked")
    private VectorReset<O> resetReply(Map<String, Object> r) {
        List<O> obs =
                (List<O>)
                        Batches.unbatch(
                                observationSpace, r.get("observations"), numEnvs, "observations");
        return new VectorReset<>(obs, infos(r));
    }

    @Override
    public VectorStep<O> step(List<A> actions) {
        stepAsync(actions);
        return stepWait();
    }

    /**
     * Sends a step's actions and returns at once, so the caller's own work overlaps the server's
     * stepping (EnvPool's {@code send}, Gymnasium's {@code step_async}); {@link #stepWait} collects
     * the result. One step may be in flight: any other call before {@link #stepWait} is refused.
     *
     * @throws IllegalArgumentException if an action is outside the action space (nothing is sent)
     */
    public void stepAsync(List<A> actions) {
        if (actions.size() != numEnvs) {
            throw new IllegalArgumentException(
                    "step got " + actions.size() + " actions for " + numEnvs + " envs");
        }
        for (int i = 0; i < actions.size(); i++) {
            actionSpace.validate(actions.get(i), "action [" + i + "]");
        }
        Map<String, Object> req = request("step");
        req.put("actions", Batches.batch(actionSpace, actions));
        inFlightOnChannel = sendOnChannel(req);
        if (!inFlightOnChannel) {
            inFlightId = connection.send(req);
        }
        inFlight = req;
    }

    /** Sends a request through the channel if there is one and it fits; whether it did. */
    private boolean sendOnChannel(Map<String, Object> req) {
        if (channel == null) {
            return false;
        }
        List<byte[]> frames = WireMessage.encode(req);
        if (!channel.fits(frames)) {
            return false;
        }
        channel.send(frames);
        return true;
    }

    /** The reply to a request sent through the channel. */
    private Map<String, Object> receiveOnChannel(Map<String, Object> req) {
        List<byte[]> reply = channel.receive(connection.timeoutMs() * 1_000_000L);
        if (reply == null) {
            channel = null; // out of step with the server: the socket carries requests from now on
            throw new RemoteConnection.RemoteTimeoutException(
                    "no reply through the shared-memory channel within "
                            + connection.timeoutMs()
                            + " ms to '"
                            + req.get("op")
                            + "'; is the server running?");
        }
        return RemoteConnection.checked(WireMessage.decode(reply, shm));
    }

    /** Sends a request and waits for its reply, through the channel when it can. */
    private Map<String, Object> call(Map<String, Object> req) {
        return sendOnChannel(req) ? receiveOnChannel(req) : connection.call(req, shm);
    }

    /**
     * The result of the step {@link #stepAsync} sent.
     *
     * @throws IllegalStateException if no step is in flight
     */
    @SuppressWarnings("unchecked")
    public VectorStep<O> stepWait() {
        if (inFlight == null) {
            throw new IllegalStateException("no step in flight: call stepAsync first");
        }
        Map<String, Object> sent = inFlight;
        inFlight = null;
        Map<String, Object> r =
                inFlightOnChannel
                        ? receiveOnChannel(sent)
                        : connection.receive(inFlightId, sent, shm);
        List<O> obs =
                (List<O>)
                        Batches.unbatch(
                                observationSpace, r.get("observations"), numEnvs, "observations");
        return new VectorStep<>(
                obs,
                ((Tensor) r.get("rewards")).toDoubleArray(),
                ((Tensor) r.get("terminated")).toBooleanArray(),
                ((Tensor) r.get("truncated")).toBooleanArray(),
                infos(r));
    }

    @Override
    public List<Tensor> render() {
        Tensor frames = (Tensor) connection.call(request("render")).get("frames");
        List<Tensor> out = new ArrayList<>(numEnvs);
        for (int i = 0; i < numEnvs; i++) {
            out.add(frames.slice(i));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> infos(Map<String, Object> r) {
        Object infos = r.get("infos");
        if (columnar) {
            return ColumnarInfos.decode(infos, numEnvs);
        }
        if (infos instanceof List<?> l && l.size() == numEnvs) {
            return (List<Map<String, Object>>) l;
        }
        throw new ProtocolException(
                ErrorCode.INTERNAL, "reply has no list of " + numEnvs + " infos");
    }

    /** Closes the session and the connection. Idempotent; a server that is gone is not an error. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            connection.call(request("close"));
        } catch (RuntimeException e) {
            // The server may be gone or have reaped the session already; nothing is left to
            // release.
        } finally {
            closed = true;
            connection.close();
        }
    }
}
