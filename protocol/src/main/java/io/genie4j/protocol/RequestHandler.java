package io.genie4j.protocol;

import io.genie4j.env.Envs;
import io.genie4j.env.Tensor;
import io.genie4j.env.VectorEnv;
import io.genie4j.env.VectorReset;
import io.genie4j.env.VectorStep;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Answers protocol requests (PROTOCOL.md §3–6). Called on the server's router thread; answers
 * {@code hello} and {@code ping} there and runs everything that touches an env on the pool, in
 * session order. Every failure becomes an error reply carrying the request's id.
 */
final class RequestHandler {
    private static final int VECTOR_THREADS_FROM = 8;
    private final ServerConfig config;
    private final Map<String, Session> sessions;
    private final Executor pool;
    private final Supplier<String> newId;
    private final Map<String, Integer> pendingByClient = new HashMap<>();
    private int pending;

    RequestHandler(
            ServerConfig config,
            Map<String, Session> sessions,
            Executor pool,
            Supplier<String> newId) {
        this.config = config;
        this.sessions = sessions;
        this.pool = pool;
        this.newId = newId;
    }

    void handle(String client, List<byte[]> body, Consumer<Map<String, Object>> reply) {
        Object id = null;
        try {
            long size = 0;
            for (byte[] f : body) {
                size += f.length;
            }
            if (size > config.maxMessageBytes()) {
                id = peekId(body);
                throw new ProtocolException(
                        ErrorCode.RESOURCE_EXHAUSTED,
                        "message of "
                                + size
                                + " bytes exceeds the limit of "
                                + config.maxMessageBytes());
            }
            Map<String, Object> header;
            try {
                header = WireMessage.decode(body);
            } catch (ProtocolException e) {
                id = peekId(body);
                throw e;
            }
            Object rawId = header.get("id");
            if (rawId != null && !(rawId instanceof Integer || rawId instanceof Long)) {
                throw invalid("\"id\" must be an integer, got " + rawId);
            }
            id = rawId;
            if (!(header.get("op") instanceof String op)) {
                throw invalid("request needs a string \"op\"");
            }
            dispatch(client, op, header, id, reply);
        } catch (ProtocolException e) {
            reply.accept(error(id, e.code(), e.getMessage()));
        }
    }

    private void dispatch(
            String client,
            String op,
            Map<String, Object> h,
            Object id,
            Consumer<Map<String, Object>> reply) {
        switch (op) {
            case "ping" -> reply.accept(ok(id));
            case "hello" -> reply.accept(hello(h, id));
            case "make" -> make(client, h, id, reply);
            case "reset" -> onSession(client, h, id, reply, s -> reset(s, h, id));
            case "step" -> onSession(client, h, id, reply, s -> step(s, h, id));
            case "render" ->
                    onSession(
                            client,
                            h,
                            id,
                            reply,
                            s -> {
                                Map<String, Object> m = ok(id);
                                m.put("frames", Tensor.stack(s.env.render()));
                                return m;
                            });
            case "close" -> {
                Session s = session(client, h);
                sessions.remove(s.id);
                closeQuietly(s);
                reply.accept(ok(id));
            }
            default ->
                    throw new ProtocolException(
                            ErrorCode.UNIMPLEMENTED,
                            "unknown op '"
                                    + op
                                    + "'; expected one of hello, make, reset, step, render, close,"
                                    + " ping");
        }
    }

    private Map<String, Object> hello(Map<String, Object> h, Object id) {
        Object versions = h.getOrDefault("versions", List.of(1));
        if (!(versions instanceof List<?> vs)) {
            throw invalid("\"versions\" must be a list of integers");
        }
        int best = -1;
        for (Object v : vs) {
            if (v instanceof Integer i && EnvServer.VERSIONS.contains(i)) {
                best = Math.max(best, i);
            }
        }
        if (best < 0) {
            throw new ProtocolException(
                    ErrorCode.UNIMPLEMENTED,
                    "no common protocol version: client speaks "
                            + vs
                            + ", server "
                            + EnvServer.VERSIONS);
        }
        Map<String, Object> m = ok(id);
        m.put("version", best);
        m.put("server", "genie4j/" + version());
        m.put("env_ids", Envs.ids());
        m.put("limits", EnvServer.limits(config));
        return m;
    }

    private static String version() {
        String v = RequestHandler.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private void make(
            String client, Map<String, Object> h, Object id, Consumer<Map<String, Object>> reply) {
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
        Object o = h.getOrDefault("options", Map.of());
        if (!(o instanceof Map<?, ?> rawOptions)) {
            throw invalid("\"options\" must be an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> options = (Map<String, Object>) rawOptions;
        reserve(client);
        pool.execute(
                () -> {
                    Map<String, Object> r =
                            run(
                                    id,
                                    () -> {
                                        int threads =
                                                numEnvs >= VECTOR_THREADS_FROM
                                                        ? Runtime.getRuntime().availableProcessors()
                                                        : 1;
                                        @SuppressWarnings("unchecked")
                                        VectorEnv<Object, Object> env =
                                                (VectorEnv<Object, Object>)
                                                        Envs.makeVector(
                                                                envId, numEnvs, options, threads);
                                        Session s = new Session(newId.get(), client, env);
                                        sessions.put(s.id, s);
                                        Map<String, Object> m = ok(id);
                                        m.put("session", s.id);
                                        m.put("num_envs", numEnvs);
                                        m.put(
                                                "observation_space",
                                                env.singleObservationSpace().toJson());
                                        m.put("action_space", env.singleActionSpace().toJson());
                                        m.put("spec", env.spec().toJson());
                                        m.put("metadata", env.metadata());
                                        return m;
                                    });
                    release(client);
                    reply.accept(r);
                });
    }

    private synchronized void reserve(String client) {
        int mine = pendingByClient.getOrDefault(client, 0);
        for (Session s : sessions.values()) {
            mine += s.owner.equals(client) ? 1 : 0;
        }
        if (sessions.size() + pending >= config.maxSessions()) {
            throw new ProtocolException(
                    ErrorCode.RESOURCE_EXHAUSTED,
                    "the server already has its limit of " + config.maxSessions() + " sessions");
        }
        if (mine >= config.maxSessionsPerClient()) {
            throw new ProtocolException(
                    ErrorCode.RESOURCE_EXHAUSTED,
                    "this connection already has its limit of "
                            + config.maxSessionsPerClient()
                            + " sessions; close some first");
        }
        pending++;
        pendingByClient.merge(client, 1, Integer::sum);
    }

    private synchronized void release(String client) {
        pending--;
        pendingByClient.computeIfPresent(client, (k, v) -> v > 1 ? v - 1 : null);
    }

    private Map<String, Object> reset(Session s, Map<String, Object> h, Object id) {
        Object o = h.getOrDefault("options", Map.of());
        if (!(o instanceof Map<?, ?> raw)) {
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
        m.put("observations", Batches.batch(s.env.singleObservationSpace(), r.observations()));
        m.put("infos", r.infos());
        return m;
    }

    private Map<String, Object> step(Session s, Map<String, Object> h, Object id) {
        List<Object> actions =
                Batches.unbatch(
                        s.env.singleActionSpace(), h.get("actions"), s.env.numEnvs(), "actions");
        VectorStep<Object> r = s.env.step(actions);
        int n = s.env.numEnvs();
        Map<String, Object> m = ok(id);
        m.put("observations", Batches.batch(s.env.singleObservationSpace(), r.observations()));
        m.put("rewards", Tensor.float64(r.rewards(), n));
        m.put("terminated", Tensor.bool(r.terminated(), n));
        m.put("truncated", Tensor.bool(r.truncated(), n));
        m.put("infos", r.infos());
        return m;
    }

    private interface SessionOp {
        Map<String, Object> apply(Session s);
    }

    private void onSession(
            String client,
            Map<String, Object> h,
            Object id,
            Consumer<Map<String, Object>> reply,
            SessionOp op) {
        Session s = session(client, h);
        s.lastUsedNanos = System.nanoTime();
        reply.accept(run(id, () -> op.apply(s)));
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

    /** Runs env work, turning every failure into an error reply. */
    private static Map<String, Object> run(Object id, Supplier<Map<String, Object>> work) {
        try {
            return work.get();
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

    void reapIdle() {
        long cutoff = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(config.idleTimeoutMs());
        for (Session s : new ArrayList<>(sessions.values())) {
            if (s.lastUsedNanos < cutoff) {
                sessions.remove(s.id);
                closeQuietly(s);
            }
        }
    }

    void closeAll() {
        for (Session s : new ArrayList<>(sessions.values())) {
            sessions.remove(s.id);
            closeQuietly(s);
        }
    }

    private static void closeQuietly(Session s) {
        try {
            s.env.close();
        } catch (RuntimeException e) {
            System.err.println("closing session " + s.id + " failed: " + e);
        }
    }

    private static Object peekId(List<byte[]> body) {
        return body.isEmpty() ? null : WireMessage.peekId(body.get(0));
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
