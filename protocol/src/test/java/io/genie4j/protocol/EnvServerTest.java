package io.genie4j.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.env.EnvChecker;
import io.genie4j.env.registry.Envs;
import io.genie4j.env.vector.VectorEnv;
import io.genie4j.env.vector.VectorReset;
import io.genie4j.env.vector.VectorStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EnvServerTest {
    private EnvServer server;

    @BeforeEach
    void start() {
        server = EnvServer.start(ServerConfig.defaults("tcp://127.0.0.1:*"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void remoteVectorEnvEqualsInProcessForTheSameSeedsAndActions() {
        sameAsInProcess(true);
        sameAsInProcess(false);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void sameAsInProcess(boolean sharedMemory) {
        Map<String, Object> options = Map.of("length", 6);
        try (RemoteVectorEnv remote =
                        RemoteVectorEnv.make(
                                RemoteConnection.connect(server.endpoint()),
                                "Corridor-v0",
                                4,
                                options,
                                sharedMemory);
                VectorEnv local = Envs.makeVector("Corridor-v0", 4, options, 1)) {
            assertEquals(sharedMemory, remote.sharedMemory());
            // A local client's requests go through the session's channel (PROTOCOL.md §2.2).
            assertEquals(sharedMemory, remote.channel());
            VectorReset a = remote.reset(11L, Map.of());
            VectorReset b = local.reset(11L, Map.of());
            assertEquals(b.observations(), a.observations());
            assertEquals(b.infos(), normalise(a.infos()));
            SplittableRandom rng = new SplittableRandom(3);
            int episodesEnded = 0;
            for (int t = 0; t < 300; t++) {
                List<Object> actions = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    actions.add(rng.nextInt(3));
                }
                VectorStep x = remote.step(actions);
                VectorStep y = local.step(actions);
                assertEquals(y.observations(), x.observations(), "step " + t);
                assertArrayEquals(y.rewards(), x.rewards());
                assertArrayEquals(y.terminated(), x.terminated());
                assertArrayEquals(y.truncated(), x.truncated());
                assertEquals(y.infos(), normalise(x.infos()));
                for (boolean d : y.terminated()) {
                    episodesEnded += d ? 1 : 0;
                }
            }
            assertTrue(episodesEnded > 0, "the run should cover autoresets");
            assertEquals(local.render(), remote.render());
        }
    }

    /** JSON integers come back as Integer or Long; compare as longs. */
    private static List<Map<String, Object>> normalise(List<Map<String, Object>> infos) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> m : infos) {
            Map<String, Object> n = new java.util.LinkedHashMap<>();
            m.forEach(
                    (k, v) ->
                            n.put(
                                    k,
                                    v instanceof Long l && l == l.intValue()
                                            ? (Object) l.intValue()
                                            : v));
            out.add(n);
        }
        return out;
    }

    @Test
    void readmeExampleRunsAsWritten() {
        try (RemoteVectorEnv<Object, Object> envs =
                RemoteVectorEnv.make(server.endpoint(), "Corridor-v0", 16, Map.of())) {
            VectorReset<Object> first = envs.reset(0L, Map.of());
            VectorStep<Object> next = envs.step(java.util.Collections.nCopies(16, 2));
            assertEquals(16, first.observations().size());
            for (int i = 0; i < 16; i++) {
                long before = ((Number) first.infos().get(i).get("position")).longValue();
                long after = ((Number) next.infos().get(i).get("position")).longValue();
                assertEquals(before + 1, after, "env " + i + " moved right by one cell");
            }
        }
    }

    @Test
    void remoteEnvPassesTheEnvChecker() {
        EnvChecker.check(() -> RemoteEnv.make(server.endpoint(), "Corridor-v0", Map.of()));
    }

    @Test
    void unknownEnvIdIsNotFoundAndListsTheRegisteredIds() {
        ProtocolException e =
                assertThrows(
                        ProtocolException.class,
                        () -> RemoteEnv.make(server.endpoint(), "Nope-v0", Map.of()));
        assertEquals(ErrorCode.NOT_FOUND, e.code());
        assertTrue(e.getMessage().contains("Corridor-v0"), e.getMessage());
    }

    @Test
    void unknownOptionIsAnInvalidArgument() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                RemoteEnv.make(
                                        server.endpoint(), "Corridor-v0", Map.of("colour", "red")));
        assertTrue(e.getMessage().contains("unknown option 'colour'"), e.getMessage());
        assertEquals(0, server.sessionCount());
    }

    @Test
    void stepBeforeResetIsAFailedPrecondition() {
        try (RemoteEnv<Object, Object> env =
                RemoteEnv.make(server.endpoint(), "Corridor-v0", Map.of())) {
            assertThrows(IllegalStateException.class, () -> env.step(1));
        }
    }

    @Test
    void sharedMemoryIsTheLoopbackDefaultAndItsFileGoesWithTheSession() throws Exception {
        RemoteVectorEnv<Object, Object> env =
                RemoteVectorEnv.make(server.endpoint(), "Corridor-v0", 2, Map.of());
        assertTrue(env.sharedMemory());
        assertTrue(env.channel());
        try (var files = Files.list(SharedMemory.directory())) {
            // The observations' region and the request channel.
            assertEquals(2, files.filter(EnvServerTest::isSessionFile).count());
        }
        env.reset(0L, Map.of());
        env.close();
        try (var files = Files.list(SharedMemory.directory())) {
            assertEquals(0, files.filter(EnvServerTest::isSessionFile).count());
        }
    }

    @Test
    void aServerWithoutSharedMemoryServesThroughTheSocket() throws Exception {
        server.close();
        server =
                EnvServer.start(ServerConfig.defaults("tcp://127.0.0.1:*").withSharedMemory(false));
        try (RemoteVectorEnv<Object, Object> env =
                RemoteVectorEnv.make(server.endpoint(), "Corridor-v0", 2, Map.of())) {
            assertFalse(env.sharedMemory());
            assertEquals(2, env.reset(0L, Map.of()).observations().size());
        }
    }

    /** Whether {@code p} is a shared-memory file of one of this test's server's sessions. */
    private static boolean isSessionFile(Path p) {
        String name = p.getFileName().toString();
        return name.startsWith("genie4j-")
                && (name.endsWith(".obs") || name.endsWith(".chan"))
                && Files.isReadable(p)
                && SESSIONS_BEFORE.stream().noneMatch(name::equals);
    }

    /** Files other processes (e.g. a server another build runs) may have left there. */
    private static final List<String> SESSIONS_BEFORE = existingSessionFiles();

    private static List<String> existingSessionFiles() {
        try (var files = Files.list(SharedMemory.directory())) {
            return files.map(p -> p.getFileName().toString()).toList();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    @Test
    void sessionsClosedByTheClientAreGone() {
        RemoteEnv<Object, Object> env = RemoteEnv.make(server.endpoint(), "Corridor-v0", Map.of());
        assertEquals(1, server.sessionCount());
        env.close();
        assertEquals(0, server.sessionCount());
    }

    @Test
    void idleSessionsAreReaped() throws Exception {
        server.close();
        server = EnvServer.start(ServerConfig.defaults("tcp://127.0.0.1:*").withIdleTimeoutMs(200));
        try (RawClient c = new RawClient(server.endpoint())) {
            c.sendJson(
                    "{\"op\":\"make\",\"id\":1,\"env_id\":\"Corridor-v0\","
                            + "\"shared_memory\":true}");
            Map<String, Object> made = c.reply();
            String session = (String) made.get("session");
            assertTrue(
                    Files.exists(
                            Path.of((String) ((Map<?, ?>) made.get("shared_memory")).get("path"))));
            assertEquals(1, server.sessionCount());
            long deadline = System.currentTimeMillis() + 5000;
            while (server.sessionCount() > 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, server.sessionCount());
            assertFalse(
                    Files.exists(SharedMemory.directory().resolve("genie4j-" + session + ".obs")),
                    "a reaped session's shared memory is gone");
            c.sendJson("{\"op\":\"reset\",\"id\":2,\"session\":\"" + session + "\"}");
            Map<String, Object> r = c.reply();
            assertFalse((Boolean) r.get("ok"));
            assertEquals("NOT_FOUND", RawClient.code(r));
            assertEquals(2, r.get("id"));
        }
    }

    @Test
    void sessionsBelongToTheConnectionThatMadeThem() {
        try (RawClient a = new RawClient(server.endpoint());
                RawClient b = new RawClient(server.endpoint())) {
            a.sendJson("{\"op\":\"make\",\"id\":1,\"env_id\":\"Corridor-v0\"}");
            String session = (String) a.reply().get("session");
            b.sendJson("{\"op\":\"reset\",\"id\":5,\"session\":\"" + session + "\"}");
            assertEquals("NOT_FOUND", RawClient.code(b.reply()));
        }
    }

    @Test
    void sessionLimitsAreEnforced() {
        server.close();
        server =
                EnvServer.start(
                        ServerConfig.defaults("tcp://127.0.0.1:*").withSessionLimits(10, 2, 4));
        try (RawClient c = new RawClient(server.endpoint())) {
            c.sendJson("{\"op\":\"make\",\"id\":1,\"env_id\":\"Corridor-v0\",\"num_envs\":5}");
            Map<String, Object> tooMany = c.reply();
            assertEquals("RESOURCE_EXHAUSTED", RawClient.code(tooMany));
            for (int i = 0; i < 2; i++) {
                c.sendJson("{\"op\":\"make\",\"id\":2,\"env_id\":\"Corridor-v0\",\"num_envs\":4}");
                assertEquals(true, c.reply().get("ok"));
            }
            c.sendJson("{\"op\":\"make\",\"id\":3,\"env_id\":\"Corridor-v0\"}");
            assertEquals("RESOURCE_EXHAUSTED", RawClient.code(c.reply()));
            assertEquals(2, server.sessionCount());
        }
    }

    @Test
    void helloNegotiatesTheVersionAndListsEnvs() {
        try (RawClient c = new RawClient(server.endpoint())) {
            c.sendJson("{\"op\":\"hello\",\"id\":1,\"versions\":[1,7]}");
            Map<String, Object> r = c.reply();
            assertEquals(1, r.get("version"));
            assertTrue(((List<?>) r.get("env_ids")).contains("Corridor-v0"));
            c.sendJson("{\"op\":\"hello\",\"id\":2,\"versions\":[9]}");
            assertEquals("UNIMPLEMENTED", RawClient.code(c.reply()));
        }
    }

    @Test
    void reqSocketsWorkThroughTheEmptyDelimiter() {
        try (org.zeromq.ZContext ctx = new org.zeromq.ZContext(1)) {
            String reply = null;
            // A new connection's first message is occasionally lost: retry on a fresh socket.
            for (int attempt = 0; attempt < 10 && reply == null; attempt++) {
                org.zeromq.ZMQ.Socket req = ctx.createSocket(org.zeromq.SocketType.REQ);
                req.setReceiveTimeOut(1000);
                req.setLinger(0);
                req.connect(server.endpoint());
                req.send("{\"op\":\"ping\",\"id\":42}");
                reply = req.recvStr();
                req.close();
            }
            assertTrue(
                    reply != null && reply.contains("\"ok\":true") && reply.contains("42"), reply);
        }
    }

    @Test
    void serverIsGoneMeansATimeoutNotAHang() {
        String endpoint = server.endpoint();
        server.close();
        RemoteConnection.RemoteTimeoutException e =
                assertThrows(
                        RemoteConnection.RemoteTimeoutException.class,
                        () ->
                                RemoteConnection.connect(
                                        endpoint, java.time.Duration.ofMillis(300), null));
        assertTrue(e.getMessage().contains(endpoint));
        server = EnvServer.start(ServerConfig.defaults("tcp://127.0.0.1:*"));
    }

    @Test
    void bindingATakenPortFailsClearly() {
        IllegalStateException e =
                assertThrows(
                        IllegalStateException.class,
                        () -> EnvServer.start(ServerConfig.defaults(server.endpoint())));
        assertTrue(e.getMessage().contains("cannot bind"), e.getMessage());
        assertTrue(
                e.getMessage().endsWith(": the address is already in use"),
                "ZeroMQ's bare error number is put in words: " + e.getMessage());
        // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine.
        e =
                assertThrows(
                        IllegalStateException.class,
                        () -> EnvServer.start(ServerConfig.defaults("tcp://192.0.2.1:5555")));
        assertTrue(
                e.getMessage().endsWith(": the address is not one of this machine's"),
                e.getMessage());
    }
}
