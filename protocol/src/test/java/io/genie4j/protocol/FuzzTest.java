package io.genie4j.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.env.VectorStep;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * 10,000 malformed or random requests while a well-behaved client keeps stepping: every bad request
 * gets an error reply, the good client never fails, and no session leaks.
 */
class FuzzTest {
    private static final int REQUESTS = 10_000;

    @Test
    void serverSurvivesTenThousandBadRequestsWhileServingAGoodClient() throws Exception {
        try (EnvServer server =
                EnvServer.start(
                        ServerConfig.defaults("tcp://127.0.0.1:*").withMaxMessageBytes(1 << 20))) {
            AtomicReference<Throwable> goodFailure = new AtomicReference<>();
            AtomicInteger goodSteps = new AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean stop =
                    new java.util.concurrent.atomic.AtomicBoolean();
            Thread good =
                    new Thread(
                            () -> {
                                try (RemoteVectorEnv<Object, Object> env =
                                        RemoteVectorEnv.make(
                                                server.endpoint(), "Corridor-v0", 3, Map.of())) {
                                    env.reset(1L, Map.of());
                                    SplittableRandom rng = new SplittableRandom(2);
                                    while (!stop.get()) {
                                        VectorStep<Object> s =
                                                env.step(
                                                        List.of(
                                                                rng.nextInt(3),
                                                                rng.nextInt(3),
                                                                rng.nextInt(3)));
                                        assertEquals(3, s.observations().size());
                                        goodSteps.incrementAndGet();
                                    }
                                } catch (Throwable t) {
                                    if (!(t.getCause() instanceof InterruptedException)) {
                                        goodFailure.set(t);
                                    }
                                }
                            });
            good.start();

            SplittableRandom rng = new SplittableRandom(42);
            int errors = 0;
            try (RawClient fuzz = new RawClient(server.endpoint())) {
                fuzz.sendJson(
                        "{\"op\":\"make\",\"id\":0,\"env_id\":\"Corridor-v0\",\"num_envs\":2}");
                String session = (String) fuzz.reply().get("session");
                for (int i = 1; i <= REQUESTS; i++) {
                    fuzz.send(malformed(rng, session, i));
                    Map<String, Object> r = fuzz.reply();
                    assertNotNull(r, "no reply to fuzz request " + i);
                    if (Boolean.FALSE.equals(r.get("ok"))) {
                        errors++;
                        assertTrue(r.get("error") instanceof Map, r.toString());
                    }
                }
                fuzz.sendJson("{\"op\":\"close\",\"id\":1,\"session\":\"" + session + "\"}");
                fuzz.reply();
            }
            stop.set(true);
            good.join(10_000);
            assertEquals(null, goodFailure.get(), "the good client failed");
            assertTrue(goodSteps.get() > 0);
            assertTrue(
                    errors > REQUESTS * 9 / 10,
                    "only " + errors + " of " + REQUESTS + " requests were rejected");
            // Only the fuzzer's own make requests could have created sessions; none may survive.
            long deadline = System.currentTimeMillis() + 5000;
            while (server.sessionCount() > 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertFalse(server.sessionCount() > 0, server.sessionCount() + " sessions leaked");
        }
    }

    /** One bad request of a random kind; requests that might succeed are closed again. */
    private static List<byte[]> malformed(SplittableRandom rng, String session, int id) {
        List<byte[]> frames = new ArrayList<>();
        String sid = "\"session\":\"" + session + "\"";
        String json =
                switch (rng.nextInt(12)) {
                    case 0 -> randomText(rng);
                    case 1 -> "{\"op\":\"" + randomWord(rng) + "\",\"id\":" + id + "}";
                    case 2 ->
                            "{\"op\":\"step\",\"id\":"
                                    + id
                                    + ","
                                    + sid
                                    + ",\"actions\":["
                                    + (3 + rng.nextInt(100))
                                    + ",0]}";
                    case 3 ->
                            "{\"op\":\"step\",\"id\":"
                                    + id
                                    + ","
                                    + sid
                                    + ",\"actions\":{\"$tensor\":"
                                    + rng.nextInt(3)
                                    + ",\"dtype\":\""
                                    + randomWord(rng)
                                    + "\",\"shape\":[2]}}";
                    case 4 ->
                            "{\"op\":\"step\",\"id\":"
                                    + id
                                    + ","
                                    + sid
                                    + ",\"actions\":{\"$tensor\":0,\"dtype\":\"int64\",\"shape\":["
                                    + rng.nextInt(-2, 5)
                                    + "]}}";
                    case 5 ->
                            "{\"op\":\"reset\",\"id\":"
                                    + id
                                    + ",\"session\":\""
                                    + randomWord(rng)
                                    + "\"}";
                    case 6 ->
                            "{\"op\":\"make\",\"id\":"
                                    + id
                                    + ",\"env_id\":\""
                                    + randomWord(rng)
                                    + "-v0\"}";
                    case 7 ->
                            "{\"op\":\"make\",\"id\":"
                                    + id
                                    + ",\"env_id\":\"Corridor-v0\",\"options\":{\"length\":"
                                    + (100 + rng.nextInt(1000))
                                    + "}}";
                    case 8 -> "{\"op\":\"reset\",\"id\":" + id + "," + sid + ",\"seeds\":[1]}";
                    case 9 ->
                            "{\"op\":\"hello\",\"id\":"
                                    + id
                                    + ",\"versions\":["
                                    + (2 + rng.nextInt(50))
                                    + "]}";
                    case 10 -> "{\"op\":\"step\",\"id\":" + id + "," + sid + ",\"actions\":null}";
                    default ->
                            "{\"op\":\"step\",\"id\":"
                                    + id
                                    + ","
                                    + sid
                                    + ",\"actions\":{\"$tensor\":0,\"dtype\":\"int64\",\"shape\":[2]}}";
                };
        frames.add(json.getBytes(StandardCharsets.UTF_8));
        int extra = rng.nextInt(3);
        for (int i = 0; i < extra; i++) {
            byte[] b = new byte[rng.nextInt(0, 40)];
            rng.nextBytes(b);
            frames.add(b);
        }
        return frames;
    }

    private static String randomWord(SplittableRandom rng) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + rng.nextInt(10);
        for (int i = 0; i < n; i++) {
            sb.append((char) ('a' + rng.nextInt(26)));
        }
        return sb.toString();
    }

    private static String randomText(SplittableRandom rng) {
        byte[] b = new byte[rng.nextInt(1, 60)];
        rng.nextBytes(b);
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
