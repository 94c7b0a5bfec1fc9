package io.genie4j.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CURVE: a client whose key is on the allow-list is served; any other is refused at the handshake.
 */
class CurveTest {

    @Test
    void knownKeyIsServedUnknownKeyIsRefused(@TempDir Path dir) throws Exception {
        CurveKeys serverKeys = CurveKeys.generate();
        CurveKeys known = CurveKeys.generate();
        CurveKeys stranger = CurveKeys.generate();
        serverKeys.write(dir, "server");
        known.write(dir, "alice");
        Files.writeString(dir.resolve("allowed.txt"), "# clients\n" + known.publicKey() + "\n");
        CurveKeys readBack = CurveKeys.readSecret(dir.resolve("server.secret"));
        assertEquals(serverKeys, readBack);
        Set<String> allowed = CurveKeys.readPublicKeys(dir.resolve("allowed.txt"));
        assertEquals(Set.of(known.publicKey()), allowed);

        ServerConfig config =
                ServerConfig.defaults("tcp://127.0.0.1:*")
                        .withCurve(
                                new ServerConfig.Curve(
                                        serverKeys.publicKey(), serverKeys.secretKey(), allowed));
        try (EnvServer server = EnvServer.start(config)) {
            RemoteConnection.Curve good =
                    new RemoteConnection.Curve(
                            serverKeys.publicKey(), known.publicKey(), known.secretKey());
            // A generous timeout: the allowed client must be served even on a loaded machine.
            try (RemoteConnection c =
                    RemoteConnection.connect(server.endpoint(), Duration.ofSeconds(30), good)) {
                try (RemoteEnv<Object, Object> env = RemoteEnv.make(c, "Corridor-v0", Map.of())) {
                    Map<String, Object> info = normalise(env.reset(3L, Map.of()).info());
                    int start = (Integer) info.get("position");
                    assertEquals(start + 1, normalise(env.step(2).info()).get("position"));
                }
            }
            RemoteConnection.Curve bad =
                    new RemoteConnection.Curve(
                            serverKeys.publicKey(), stranger.publicKey(), stranger.secretKey());
            assertThrows(
                    RemoteConnection.RemoteTimeoutException.class,
                    () ->
                            RemoteConnection.connect(
                                    server.endpoint(), Duration.ofMillis(1500), bad));
            assertThrows(
                    RemoteConnection.RemoteTimeoutException.class,
                    () ->
                            RemoteConnection.connect(
                                    server.endpoint(), Duration.ofMillis(1500), null));
            assertEquals(0, server.sessionCount());
        }
    }

    @Test
    void aCurveClientsSessionLimitCountsAllItsConnections() throws Exception {
        CurveKeys serverKeys = CurveKeys.generate();
        CurveKeys alice = CurveKeys.generate();
        CurveKeys bob = CurveKeys.generate();
        ServerConfig config =
                ServerConfig.defaults("tcp://127.0.0.1:*")
                        .withSessionLimits(10, 2, 4)
                        .withCurve(
                                new ServerConfig.Curve(
                                        serverKeys.publicKey(),
                                        serverKeys.secretKey(),
                                        Set.of(alice.publicKey(), bob.publicKey())));
        try (EnvServer server = EnvServer.start(config)) {
            RemoteConnection.Curve a =
                    new RemoteConnection.Curve(
                            serverKeys.publicKey(), alice.publicKey(), alice.secretKey());
            RemoteConnection.Curve b =
                    new RemoteConnection.Curve(
                            serverKeys.publicKey(), bob.publicKey(), bob.secretKey());
            java.util.List<RemoteEnv<Object, Object>> open = new java.util.ArrayList<>();
            try {
                // Alice's two sessions on two connections take her whole allowance...
                for (int i = 0; i < 2; i++) {
                    open.add(
                            RemoteEnv.make(
                                    RemoteConnection.connect(
                                            server.endpoint(), Duration.ofSeconds(30), a),
                                    "Corridor-v0",
                                    Map.of()));
                }
                ProtocolException e =
                        assertThrows(
                                ProtocolException.class,
                                () ->
                                        RemoteEnv.make(
                                                RemoteConnection.connect(
                                                        server.endpoint(),
                                                        Duration.ofSeconds(30),
                                                        a),
                                                "Corridor-v0",
                                                Map.of()));
                assertEquals(ErrorCode.RESOURCE_EXHAUSTED, e.code());
                assertTrue(e.getMessage().contains(alice.publicKey()), e.getMessage());
                // ... and not Bob's.
                open.add(
                        RemoteEnv.make(
                                RemoteConnection.connect(
                                        server.endpoint(), Duration.ofSeconds(30), b),
                                "Corridor-v0",
                                Map.of()));
                assertEquals(3, server.sessionCount());
            } finally {
                open.forEach(RemoteEnv::close);
            }
        }
    }

    private static Map<String, Object> normalise(Map<String, Object> info) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        info.forEach((k, v) -> m.put(k, v instanceof Number n ? n.intValue() : v));
        return m;
    }

    @Test
    void allowListsKeepKeysThatContainHashAndSkipComments(@TempDir Path dir) throws Exception {
        String hashKey = "#".repeat(3) + "a".repeat(37);
        String plain = "b".repeat(40);
        Path list = dir.resolve("allow.txt");
        Files.writeString(list, "# clients of the lab\n\n" + hashKey + "\n" + plain + "   # bob\n");
        assertEquals(Set.of(hashKey, plain), CurveKeys.readPublicKeys(list));
    }

    @Test
    void malformedKeyFilesAreRejectedWithTheirName(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("bad.secret");
        Files.writeString(secret, "public=abc\n");
        java.io.IOException e =
                assertThrows(java.io.IOException.class, () -> CurveKeys.readSecret(secret));
        assertEquals(true, e.getMessage().contains("bad.secret"));
        Path list = dir.resolve("allow.txt");
        Files.writeString(list, "tooshort\n");
        e = assertThrows(java.io.IOException.class, () -> CurveKeys.readPublicKeys(list));
        assertEquals(true, e.getMessage().contains("allow.txt:1"));
    }
}
