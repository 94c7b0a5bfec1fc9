package io.genie4j.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.env.vector.VectorStep;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shared-memory request channel (PROTOCOL.md §2.2), alone and behind a remote env. */
class ChannelTest {

    /** A server side that answers each request with {@code answer(request)} until closed. */
    private static Thread serve(Channel server, java.util.function.UnaryOperator<List<byte[]>> f) {
        Thread t =
                new Thread(
                        () -> {
                            List<byte[]> req;
                            while ((req = server.nextRequest()) != null) {
                                server.reply(f.apply(req));
                            }
                        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void requestsAndRepliesLargerThanTheAreaArriveWhole() throws Exception {
        try (Channel server = Channel.create("test-" + System.nanoTime(), 1);
                Channel client = Channel.open(server.path().toString(), server.capacity())) {
            int area = server.capacity() - Channel.HEADER;
            // The reply to a request is the request's frames, each repeated three times.
            Thread t =
                    serve(
                            server,
                            req -> {
                                List<byte[]> out = new ArrayList<>();
                                for (byte[] f : req) {
                                    byte[] big = new byte[f.length * 3];
                                    for (int i = 0; i < 3; i++) {
                                        System.arraycopy(f, 0, big, i * f.length, f.length);
                                    }
                                    out.add(big);
                                }
                                return out;
                            });
            SplittableRandom rng = new SplittableRandom(1);
            for (int size : new int[] {0, 5, 1000, area / 2, area - 64}) {
                byte[] a = new byte[size];
                byte[] b = new byte[7];
                for (int i = 0; i < size; i++) {
                    a[i] = (byte) rng.nextInt();
                }
                List<byte[]> req = List.of(a, b);
                assertTrue(client.fits(req), "size " + size);
                client.send(req);
                List<byte[]> reply = client.receive(TimeUnit.SECONDS.toNanos(10));
                assertEquals(2, reply.size());
                assertEquals(size * 3, reply.get(0).length);
                for (int i = 0; i < 3; i++) {
                    assertArrayEquals(
                            a,
                            java.util.Arrays.copyOfRange(reply.get(0), i * size, (i + 1) * size));
                }
            }
            assertFalse(client.fits(List.of(new byte[area])));
            server.close();
            t.join(5000);
            assertFalse(t.isAlive(), "the server's thread ends when the channel closes");
            assertFalse(Files.exists(server.path()), "the file goes with the channel");
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> client.send(List.of()));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
    }

    @Test
    void aServerThatDoesNotAnswerMeansNoReplyInTime() throws Exception {
        try (Channel server = Channel.create("test-" + System.nanoTime(), 1);
                Channel client = Channel.open(server.path().toString(), server.capacity())) {
            client.send(List.of(new byte[] {1}));
            assertNull(client.receive(TimeUnit.MILLISECONDS.toNanos(50)));
        }
    }

    @Test
    void aRemoteEnvStepsThroughItsChannelAsThroughTheSocket() {
        try (EnvServer server = EnvServer.start(ServerConfig.defaults("tcp://127.0.0.1:*"));
                RemoteVectorEnv<Object, Object> viaChannel =
                        RemoteVectorEnv.make(server.endpoint(), "Corridor-v0", 3, Map.of());
                RemoteVectorEnv<Object, Object> viaSocket =
                        RemoteVectorEnv.make(
                                RemoteConnection.connect(server.endpoint()),
                                "Corridor-v0",
                                3,
                                Map.of(),
                                false)) {
            assertTrue(viaChannel.channel());
            assertFalse(viaSocket.channel());
            assertEquals(
                    viaSocket.reset(4L, Map.of()).observations(),
                    viaChannel.reset(4L, Map.of()).observations());
            SplittableRandom rng = new SplittableRandom(9);
            for (int i = 0; i < 40; i++) {
                List<Object> actions = new ArrayList<>();
                for (int e = 0; e < 3; e++) {
                    actions.add(rng.nextInt(2));
                }
                VectorStep<Object> a = viaSocket.step(actions);
                // Half the steps asynchronously: send, then collect.
                VectorStep<Object> b;
                if (i % 2 == 0) {
                    b = viaChannel.step(actions);
                } else {
                    viaChannel.stepAsync(actions);
                    b = viaChannel.stepWait();
                }
                assertEquals(a.observations(), b.observations());
                assertArrayEquals(a.rewards(), b.rewards());
                assertArrayEquals(a.terminated(), b.terminated());
                assertArrayEquals(a.truncated(), b.truncated());
                assertEquals(a.infos(), b.infos());
            }
            // Errors come back through the channel too, and the session goes on.
            IllegalArgumentException bad =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> viaChannel.reset(1L, Map.of("colour", 3)));
            assertTrue(bad.getMessage().contains("colour"), bad.getMessage());
            assertEquals(3, viaChannel.reset(1L, Map.of()).observations().size());
        }
    }

    @Test
    void garbageThroughAChannelGetsAnErrorReplyAndTheSessionGoesOn() throws Exception {
        try (EnvServer server = EnvServer.start(ServerConfig.defaults("tcp://127.0.0.1:*"));
                RawClient c = new RawClient(server.endpoint())) {
            c.sendJson(
                    "{\"op\":\"make\",\"id\":1,\"env_id\":\"Corridor-v0\","
                            + "\"shared_memory\":true,\"channel\":true}");
            Map<String, Object> made = c.reply();
            Map<?, ?> where = (Map<?, ?>) made.get("channel");
            String session = (String) made.get("session");
            try (Channel ch =
                    Channel.open(
                            (String) where.get("path"),
                            ((Number) where.get("bytes")).longValue())) {
                List<List<byte[]>> bad =
                        List.of(
                                List.of(),
                                List.of(new byte[0]),
                                List.of("not json".getBytes()),
                                List.of("{\"op\":\"step\",\"session\":\"nope\"}".getBytes()),
                                List.of(
                                        ("{\"op\":\"reset\",\"session\":\"" + session + "\"}")
                                                .getBytes(),
                                        new byte[5]));
                for (List<byte[]> frames : bad) {
                    ch.send(frames);
                    Map<String, Object> r =
                            WireMessage.decode(ch.receive(TimeUnit.SECONDS.toNanos(10)));
                    assertEquals(false, r.get("ok"), r.toString());
                }
                ch.send(WireMessage.encode(Map.of("op", "ping", "id", 7)));
                Map<String, Object> r =
                        WireMessage.decode(ch.receive(TimeUnit.SECONDS.toNanos(10)));
                assertEquals(true, r.get("ok"), r.toString());
                assertEquals(7, r.get("id"));
            }
            assertEquals(1, server.sessionCount());
        }
    }

    @Test
    void aClientThatJumpsItsCounterGetsOneAnswer() throws Exception {
        try (Channel server = Channel.create("test-" + System.nanoTime(), 1);
                Channel client = Channel.open(server.path().toString(), server.capacity())) {
            java.util.concurrent.atomic.AtomicInteger answered =
                    new java.util.concurrent.atomic.AtomicInteger();
            serve(
                    server,
                    req -> {
                        answered.incrementAndGet();
                        return req;
                    });
            // Write a request by hand with the client's counter a thousand ahead.
            java.nio.MappedByteBuffer raw;
            try (java.nio.channels.FileChannel fc =
                    java.nio.channels.FileChannel.open(
                            server.path(),
                            java.nio.file.StandardOpenOption.READ,
                            java.nio.file.StandardOpenOption.WRITE)) {
                raw = fc.map(java.nio.channels.FileChannel.MapMode.READ_WRITE, 0, 64 + 8);
            }
            raw.order(java.nio.ByteOrder.LITTLE_ENDIAN);
            raw.putInt(64, 0); // no frames
            raw.putInt(16, 4);
            raw.putLong(0, 1000);
            long deadline = System.currentTimeMillis() + 5000;
            while (raw.getLong(8) < 1000 && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(1000, raw.getLong(8), "the server answered up to the client's count");
            Thread.sleep(200);
            assertEquals(1, answered.get(), "once, not once per skipped count");
        }
    }

    @Test
    void aSessionTheServerClosesFailsItsNextRequestAtOnce() throws Exception {
        try (EnvServer server =
                        EnvServer.start(
                                ServerConfig.defaults("tcp://127.0.0.1:*").withIdleTimeoutMs(200));
                RemoteVectorEnv<Object, Object> env =
                        RemoteVectorEnv.make(server.endpoint(), "Corridor-v0", 2, Map.of())) {
            assertTrue(env.channel());
            env.reset(0L, Map.of());
            long deadline = System.currentTimeMillis() + 5000;
            while (server.sessionCount() > 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, server.sessionCount(), "the idle session was reaped");
            long start = System.nanoTime();
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> env.step(List.of(0, 1)));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2));
        }
    }
}
