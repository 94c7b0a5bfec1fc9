package io.genie4j.protocol;

import io.genie4j.env.Tensor;
import io.genie4j.env.registry.Envs;
import io.genie4j.env.vector.VectorEnv;
import io.genie4j.env.vector.VectorReset;
import io.genie4j.env.vector.VectorStep;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Answers protocol requests (PROTOCOL.md §3–6), one at a time: on the server's socket thread, and
 * on each channel session's own thread (PROTOCOL.md §2.2), serialised by this object's lock. Every
 * failure becomes an error reply carrying the request's id; a failed request changes nothing.
 */
final class RequestHandler {
    /** Sessions with at least this many envs step them on every core. */
    private static final int VECTOR_THREADS_FROM = 8;

    private final ServerConfig config;
    private final Map<String, Session> sessions;
    private final Supplier<String> newId;
    private final WireOptions wireOptions;

    RequestHandler(ServerConfig config, Map<String, Session> sessions, Supplier<String> newId) {
        this.config = config;
        this.sessions = sessions;
        this.newId = newId;
        this.wireOptions = new WireOptions(config.allowedDirs());
    }

    /**
     * The reply to one request from {@code client} (its routing identity, hex) over the connection
     * at {@code peer} (null when unknown).
     */
    synchronized Map<String, Object> handle(String client, String peer, List<byte[]> body) {
        return handle(client, peer, null, body);
    }

    /**
     * As {@link #handle(String, String, List)}, from a client that CURVE authenticated as {@code
     * user} (its public key): the per-client session limit then counts its sessions over all its
     * connections.
     */
    synchronized Map<String, Object> handle(
            String client, String peer, String user, List<byte[]> body) {
        Object id = body.isEmpty() ? null : WireMessage.peekId(body.get(0));
        try {
            if (body.isEmpty() || body.get(0).length == 0) {
                throw invalid(
                        "empty header frame: a request begins with a frame holding a JSON object,"
                                + " such as {\"op\": \"ping\"}");
            }
            long size = 0;
            for (byte[] f : body) {
                size += f.length;
            }
            if (size > config.maxMessageBytes()) {
                throw new ProtocolException(
                        ErrorCode.RESOURCE_EXHAUSTED,
                        "message of "
                                + size
                                + " bytes exceeds the limit of "
                                + config.maxMessageBytes());
            }
            Map<String, Object> header = WireMessage.decode(body);
            Object rawId = header.get("id");
            if (rawId != null && !(rawId instanceof Integer || rawId instanceof Long)) {
                id = null;
                throw invalid("\"id\" must be an integer, got " + rawId);
            }
            if (!(header.get("op") instanceof String op)) {
                throw invalid("request needs a string \"op\"");
            }
            return dispatch(client, peer, user, op, header, id);
        } catch (ProtocolException e) {
            return error(id, e.code(), e.getMessage());
        } catch (IllegalArgumentException e) {
            return error(id, ErrorCode.INVALID_ARGUMENT, e.getMessage());
        } catch (IllegalStateException e) {
            return error(id, ErrorCode.FAILED_PRECONDITION, e.getMessage());
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            return error(id, ErrorCode.INTERNAL, "the environment failed: " + e);
        }
    }

    /**
     * The refusal of a request that was not executed because {@code waiting} replies to its client
     * are already waiting to be read (PROTOCOL.md §7).
     */
    synchronized Map<String, Object> busy(List<byte[]> body, int waiting) {
        Object id = body.isEmpty() ? null : WireMessage.peekId(body.get(0));
        return error(
                id,
                ErrorCode.UNAVAILABLE,
                "busy: "
                        + waiting
                        + " replies to this client are waiting to be read (max_pending_replies = "
                        + config.maxPendingReplies()
                        + "), so this request was not executed. Read replies before sending more,"
                        + " then send it again; or start the server with a higher"
                        + " --max-pending-replies");
    }

    private Map<String, Object> dispatch(
            String client, String peer, String user, String op, Map<String, Object> h, Object id) {
        return switch (op) {
            case "ping" -> ok(id);
            case "hello" -> hello(h, id);
            case "make" -> make(client, peer, user, h, id);
            case "reset" -> onSession(client, h, s -> reset(s, h, id));
            case "step" -> onSession(client, h, s -> step(s, h, id));
            case "render" ->
                    onSession(
                            client,
                            h,
                            s -> {
                                Map<String, Object> m = ok(id);
                                m.put("frames", Tensor.stack(s.env.render()));
                                return m;
                            });
            case "close" -> {
                Session s = session(client, h);
                end(s);
                yield ok(id);
            }
            default ->
                    throw new ProtocolException(
                            ErrorCode.UNIMPLEMENTED,
                            "unknown op '"
                                    + op
                                    + "'; expected one of hello, make, reset, step, render, close,"
                                    + " ping");
        };
    }

    private Map<String, Object> hello(Map<String, Object> h, Object id) {
        Object versions = h.getOrDefault("versions", List.of(1));
        String speaks =
                "this server speaks "
                        + EnvServer.VERSIONS
                        + " (protocol "
                        + EnvServer.PROTOCOL_VERSION
                        + "); send e.g. \"versions\": [1]";
        if (!(versions instanceof List<?> vs) || vs.isEmpty()) {
            throw invalid(
                    "\"versions\" must be a non-empty list of integers (the protocol major"
                            + " versions the client speaks), got "
                            + WireMessage.json(versions)
                            + "; "
                            + speaks);
        }
        int best = -1;
        for (int i = 0; i < vs.size(); i++) {
            Object v = vs.get(i);
            if (!(v instanceof Integer || v instanceof Long)) {
                throw invalid(
                        "\"versions\" must hold integers (major versions), but element "
                                + i
                                + " of "
                                + WireMessage.json(vs)
                                + " is "
                                + WireMessage.jsonType(v)
                                + " "
                                + WireMessage.json(v)
                                + "; "
                                + speaks);
            }
            long major = ((Number) v).longValue();
            if (EnvServer.VERSIONS.contains((int) major) && major == (int) major) {
                best = Math.max(best, (int) major);
            }
        }
        if (best < 0) {
            throw new ProtocolException(
                    ErrorCode.UNIMPLEMENTED,
                    "no common protocol version: the client offered "
                            + WireMessage.json(vs)
                            + ", "
                            + speaks);
        }
        Map<String, Object> m = ok(id);
        m.put("version", best);
        m.put("protocol_version", EnvServer.PROTOCOL_VERSION);
        String v = RequestHandler.class.getPackage().getImplementationVersion();
        m.put("server", "genie4j/" + (v == null ? "dev" : v));
        m.put("env_ids", Envs.ids());
        m.put("limits", EnvServer.limits(config));
        return m;
    }

    private Map<String, Object> make(
            String client, String peer, String user, Map<String, Object> h, Object id) {
        if (!(h.get("env_id") instanceof String envId)) {
            throw invalid("make needs a string \"env_id\"");
        }
        if (!Envs.ids().contains(envId)) {
            throw new ProtocolException(
                    ErrorCode.NOT_FOUND,
                    "unknown env id '"
                            + envId
                            + "'; registered ids: "
                            + String.join(", ", Envs.ids()));
        }
        Object n = h.getOrDefault("num_envs", 1);
        if (!(n instanceof Integer numEnvs) || numEnvs < 1) {
            throw invalid("\"num_envs\" must be a positive integer, got " + n);
        }
        if (numEnvs > config.maxEnvsPerSession()) {
            throw new ProtocolException(
                    ErrorCode.RESOURCE_EXHAUSTED,
                    "num_envs "
                            + numEnvs
                            + " exceeds the limit of "
                            + config.maxEnvsPerSession()
                            + " envs per session");
        }
        if (!(h.getOrDefault("options", Map.of()) instanceof Map<?, ?> rawOptions)) {
            throw invalid("\"options\" must be an object");
        }
        // A CURVE client is one client whatever its connections; others, one per connection.
        long mine =
                sessions.values().stream()
                        .filter(s -> user != null ? user.equals(s.user) : s.owner.equals(client))
                        .count();
        if (mine >= config.maxSessionsPerClient()) {
            throw new ProtocolException(
                    ErrorCode.RESOURCE_EXHAUSTED,
                    (user != null
                                    ? "this client (CURVE key " + user + ") already has "
                                    : "this connection already has ")
                            + mine
                            + " sessions, the limit per client (max_sessions_per_client = "
                            + config.maxSessionsPerClient()
                            + "); close some first, or start the server with a higher"
                            + " --max-sessions-per-client");
        }
        if (sessions.size() >= config.maxSessions()) {
            throw new ProtocolException(
                    ErrorCode.RESOURCE_EXHAUSTED,
                    "the server already has "
                            + sessions.size()
                            + " sessions, its limit (max_sessions = "
                            + config.maxSessions()
                            + "); close some first, or start the server with a higher"
                            + " --max-sessions");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> options = wireOptions.check(envId, (Map<String, Object>) rawOptions);
        int threads =
                numEnvs >= VECTOR_THREADS_FROM ? Runtime.getRuntime().availableProcessors() : 1;
        Object wantShm = h.getOrDefault("shared_memory", false);
        if (!(wantShm instanceof Boolean)) {
            throw invalid("\"shared_memory\" must be a boolean, got " + wantShm);
        }
        Object wantChannel = h.getOrDefault("channel", false);
        if (!(wantChannel instanceof Boolean)) {
            throw invalid("\"channel\" must be a boolean, got " + wantChannel);
        }
        Object infoForm = h.getOrDefault("infos", "list");
        if (!"list".equals(infoForm) && !ColumnarInfos.NAME.equals(infoForm)) {
            throw invalid("\"infos\" must be \"list\" or \"columnar\", got " + infoForm);
        }
        @SuppressWarnings("unchecked")
        VectorEnv<Object, Object> env =
                (VectorEnv<Object, Object>) Envs.makeVector(envId, numEnvs, options, threads);
        String sid = newId.get();
        SharedMemory shm = null;
        long shmBytes = Batches.sharedBytes(env.singleObservationSpace(), numEnvs);
        if ((Boolean) wantShm && config.sharedMemory() && shmBytes > 0) {
            try {
                shm = SharedMemory.create(sid, shmBytes);
            } catch (IOException e) {
                // Declined: the reply has no shared_memory field and observations use frames.
                System.err.println("session " + sid + " goes without shared memory: " + e);
            }
        }
        // A request channel only beside shared memory: both need the client on this machine.
        Channel channel = null;
        if (shm != null && (Boolean) wantChannel) {
            try {
                channel = Channel.create(sid, numEnvs);
            } catch (IOException e) {
                System.err.println("session " + sid + " goes without a channel: " + e);
            }
        }
        Session s =
                new Session(
                        sid,
                        client,
                        peer,
                        user,
                        env,
                        shm,
                        channel,
                        ColumnarInfos.NAME.equals(infoForm));
        sessions.put(s.id, s);
        if (channel != null) {
            Thread t = new Thread(() -> serveChannel(s), "genie4j-channel-" + sid);
            t.setDaemon(true);
            t.start();
        }
        Map<String, Object> m = ok(id);
        m.put("session", s.id);
        m.put("num_envs", numEnvs);
        if (shm != null) {
            m.put("shared_memory", Map.of("path", shm.path().toString(), "bytes", shm.capacity()));
        }
        if (channel != null) {
            m.put(
                    "channel",
                    Map.of("path", channel.path().toString(), "bytes", channel.capacity()));
        }
        m.put("infos", s.columnar ? ColumnarInfos.NAME : "list");
        m.put("observation_space", env.singleObservationSpace().toJson());
        m.put("action_space", env.singleActionSpace().toJson());
        m.put("spec", env.spec().toJson());
        m.put("metadata", env.metadata());
        return m;
    }

    private Map<String, Object> reset(Session s, Map<String, Object> h, Object id) {
        if (!(h.getOrDefault("options", Map.of()) instanceof Map<?, ?> raw)) {
            throw invalid("\"options\" must be an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> options = (Map<String, Object>) raw;
        VectorReset<Object> r;
        if (h.get("seeds") != null) {
            if (!(h.get("seeds") instanceof List<?> l) || l.size() != s.env.numEnvs()) {
                throw invalid("\"seeds\" must be a list of " + s.env.numEnvs() + " integers");
            }
            long[] seeds = new long[l.size()];
            for (int i = 0; i < seeds.length; i++) {
                if (!(l.get(i) instanceof Integer || l.get(i) instanceof Long)) {
                    throw invalid("seed " + i + " is not an integer: " + l.get(i));
                }
                seeds[i] = ((Number) l.get(i)).longValue();
            }
            r = s.env.reset(seeds, options);
        } else {
            Object seed = h.get("seed");
            if (seed != null && !(seed instanceof Integer || seed instanceof Long)) {
                throw invalid("\"seed\" must be an integer or null, got " + seed);
            }
            r = s.env.reset(seed == null ? null : ((Number) seed).longValue(), options);
        }
        Map<String, Object> m = ok(id);
        m.put("observations", observations(s, r.observations()));
        m.put("infos", infos(s, r.infos()));
        return m;
    }

    private Map<String, Object> step(Session s, Map<String, Object> h, Object id) {
        int n = s.env.numEnvs();
        List<Object> actions =
                Batches.unbatch(s.env.singleActionSpace(), h.get("actions"), n, "actions");
        VectorStep<Object> r = s.env.step(actions);
        Map<String, Object> m = ok(id);
        m.put("observations", observations(s, r.observations()));
        m.put("rewards", Tensor.float64(r.rewards(), n));
        m.put("terminated", Tensor.bool(r.terminated(), n));
        m.put("truncated", Tensor.bool(r.truncated(), n));
        m.put("infos", infos(s, r.infos()));
        return m;
    }

    /**
     * Answers the requests that come through a session's channel until it closes: each is handled
     * as if it came over the connection that made the session.
     */
    private void serveChannel(Session s) {
        List<byte[]> request;
        while ((request = s.channel.nextRequest()) != null) {
            Map<String, Object> reply;
            try {
                reply = handle(s.owner, s.peer, s.user, request);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                reply = error(null, ErrorCode.INTERNAL, "the server failed: " + e);
            }
            s.channel.reply(WireMessage.encode(reply));
        }
    }

    private static Object infos(Session s, List<Map<String, Object>> infos) {
        return s.columnar ? ColumnarInfos.encode(infos) : infos;
    }

    private static Object observations(Session s, List<Object> obs) {
        return s.shm == null
                ? Batches.batch(s.env.singleObservationSpace(), obs)
                : Batches.batchInto(s.env.singleObservationSpace(), obs, s.shm);
    }

    private Map<String, Object> onSession(
            String client, Map<String, Object> h, Function<Session, Map<String, Object>> op) {
        Session s = session(client, h);
        s.lastUsedNanos = System.nanoTime();
        return op.apply(s);
    }

    private Session session(String client, Map<String, Object> h) {
        if (!(h.get("session") instanceof String sid)) {
            throw invalid("request needs a string \"session\"");
        }
        Session s = sessions.get(sid);
        if (s == null || !s.owner.equals(client)) {
            throw new ProtocolException(
                    ErrorCode.NOT_FOUND, "no open session '" + sid + "' on this connection");
        }
        return s;
    }

    synchronized void reapIdle() {
        long cutoff = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(config.idleTimeoutMs());
        for (Session s : new ArrayList<>(sessions.values())) {
            if (s.lastUsedNanos < cutoff) {
                end(s);
            }
        }
    }

    /** Closes the sessions made over the connection at {@code peer}, which has closed. */
    synchronized void closeSessionsOf(String peer) {
        for (Session s : new ArrayList<>(sessions.values())) {
            if (peer.equals(s.peer)) {
                end(s);
            }
        }
    }

    /** Closes the sessions of {@code client}. */
    synchronized void closeSessionsOfClient(String client) {
        for (Session s : new ArrayList<>(sessions.values())) {
            if (client.equals(s.owner)) {
                end(s);
            }
        }
    }

    synchronized void closeAll() {
        for (Session s : new ArrayList<>(sessions.values())) {
            end(s);
        }
    }

    /**
     * Closes a session's env, channel and shared memory, then forgets it: once {@link
     * EnvServer#sessionCount} no longer counts a session, its resources are released (the count is
     * read without this handler's lock).
     */
    private void end(Session s) {
        try {
            s.env.close();
        } catch (RuntimeException e) {
            System.err.println("closing session " + s.id + " failed: " + e);
        } finally {
            try {
                if (s.channel != null) {
                    s.channel.close();
                }
                if (s.shm != null) {
                    s.shm.close();
                }
            } finally {
                sessions.remove(s.id);
            }
        }
    }

    static Map<String, Object> ok(Object id) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("ok", true);
        return m;
    }

    static Map<String, Object> error(Object id, ErrorCode code, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("ok", false);
        m.put(
                "error",
                Map.of("code", code.name(), "message", message == null ? code.name() : message));
        return m;
    }

    private static ProtocolException invalid(String message) {
        return new ProtocolException(ErrorCode.INVALID_ARGUMENT, message);
    }
}
