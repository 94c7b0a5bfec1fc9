package io.genie4j.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.env.Tensor;
import io.genie4j.env.vector.VectorStep;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    /**
     * Every path and image case of a {@code make}, against a server that allows one directory: each
     * gets its error (the same one for existing and missing files outside), good ones work, the
     * server keeps serving and no session is left.
     */
    @Test
    void everyPathAndImageCaseGetsItsErrorAndTheServerKeepsServing(@TempDir Path tmp)
            throws Exception {
        Path allowed = Files.createDirectories(tmp.resolve("allowed"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createDirectories(allowed.resolve("sub"));
        byte[] png = png(5, 4);
        Files.write(allowed.resolve("ok.png"), png);
        Files.write(outside.resolve("secret.png"), png);
        Files.createSymbolicLink(allowed.resolve("out.png"), outside.resolve("secret.png"));
        Files.createSymbolicLink(allowed.resolve("linkdir"), outside);
        Files.createSymbolicLink(allowed.resolve("dangling.png"), outside.resolve("nope.png"));
        Files.write(allowed.resolve("huge.png"), pngHeader(16000, 16000));
        try (EnvServer server =
                        EnvServer.start(
                                ServerConfig.defaults("tcp://127.0.0.1:*")
                                        .withAllowedDirs(List.of(allowed)));
                RawClient c = new RawClient(server.endpoint())) {
            // --- Outside the allowed directory: one message, whether the file exists or not ---
            String[][] outsidePairs = {
                {outside.resolve("secret.png").toString(), outside.resolve("nope.png").toString()},
                {
                    allowed.resolve("../outside/secret.png").toString(),
                    allowed.resolve("../outside/nope.png").toString()
                },
                {
                    allowed.resolve("linkdir/secret.png").toString(),
                    allowed.resolve("linkdir/nope.png").toString()
                },
                {"../outside/secret.png", "../outside/nope.png"},
                {allowed.resolve("out.png").toString(), allowed.resolve("dangling.png").toString()},
                {
                    allowed.resolve("missing/../../outside/secret.png").toString(),
                    allowed.resolve("missing/../../outside/nope.png").toString()
                },
            };
            for (String[] pair : outsidePairs) {
                // A path through a missing directory of the allowed one is missing, whatever
                // follows: both answers are NOT_FOUND, which says nothing about files outside.
                String code = pair[0].contains("missing/") ? "NOT_FOUND" : "PERMISSION_DENIED";
                String existing = probeError(c, "image", pair[0], code);
                String missing = probeError(c, "image", pair[1], code);
                assertEquals(
                        existing.replace(pair[0], "PATH"),
                        missing.replace(pair[1], "PATH"),
                        "the answer reveals whether the file exists: "
                                + existing
                                + " / "
                                + missing);
                if (code.equals("PERMISSION_DENIED")) {
                    assertTrue(existing.contains("--allow-dir"), existing);
                }
            }
            probeError(c, "dir", outside.toString(), "PERMISSION_DENIED");
            probeError(c, "dir", "/", "PERMISSION_DENIED");
            // --- Inside: works, relative paths too; a missing file may be named missing ---
            Map<String, Object> made = probe(c, "image", allowed.resolve("ok.png").toString());
            assertEquals(true, made.get("ok"), made.toString());
            closeSession(c, made);
            made = probe(c, "image", "sub/../ok.png");
            assertEquals(true, made.get("ok"), made.toString());
            closeSession(c, made);
            made = probe(c, "dir", allowed.resolve("sub").toString());
            assertEquals(true, made.get("ok"), made.toString());
            closeSession(c, made);
            String missing =
                    probeError(c, "image", allowed.resolve("missing.png").toString(), "NOT_FOUND");
            assertTrue(missing.contains("no such file"), missing);
            String huge =
                    probeError(
                            c,
                            "image",
                            allowed.resolve("huge.png").toString(),
                            "RESOURCE_EXHAUSTED");
            assertTrue(huge.contains("16000×16000"), huge);
            // --- Image bytes: bounded by the header before decoding ---
            made = probe(c, "image", bytes(png));
            assertEquals(true, made.get("ok"), made.toString());
            closeSession(c, made);
            String claimed =
                    probeError(c, "image", bytes(pngHeader(16000, 16000)), "RESOURCE_EXHAUSTED");
            // The header has no pixel data: a decode would have failed with INVALID_ARGUMENT.
            assertTrue(claimed.contains("16000×16000") && claimed.contains("4096"), claimed);
            String text =
                    probeError(
                            c, "image", bytes("hello, world".getBytes(UTF_8)), "INVALID_ARGUMENT");
            assertTrue(text.contains("not a PNG, JPEG, GIF or BMP image"), text);
            probeError(c, "image", bytes(new byte[0]), "INVALID_ARGUMENT");
            String cut = probeError(c, "image", bytes(Arrays.copyOf(png, 45)), "INVALID_ARGUMENT");
            assertTrue(cut.contains("cannot be decoded"), cut);
            probeError(
                    c, "image", Tensor.uint8(new byte[5000 * 3], 5000, 1, 3), "RESOURCE_EXHAUSTED");
            probeError(c, "image", Tensor.float32(new float[12], 2, 2, 3), "INVALID_ARGUMENT");
            probeError(c, "dir", bytes(png), "INVALID_ARGUMENT");
            // --- The server keeps serving, and nothing is left behind ---
            c.sendJson("{\"op\":\"ping\",\"id\":99}");
            assertEquals(true, c.reply().get("ok"));
            assertEquals(0, server.sessionCount(), "sessions leaked");
        }
        // Without --allow-dir, no path is taken, existing or not; names that are not paths are.
        try (EnvServer server = EnvServer.start(ServerConfig.defaults("tcp://127.0.0.1:*"));
                RawClient c = new RawClient(server.endpoint())) {
            String existing =
                    probeError(
                            c, "image", allowed.resolve("ok.png").toString(), "PERMISSION_DENIED");
            String none =
                    probeError(
                            c,
                            "image",
                            allowed.resolve("nope.png").toString(),
                            "PERMISSION_DENIED");
            assertEquals(
                    existing.replace(allowed.resolve("ok.png").toString(), "PATH"),
                    none.replace(allowed.resolve("nope.png").toString(), "PATH"));
            assertTrue(existing.contains("--allow-dir"), existing);
            Map<String, Object> made = probe(c, "image", "none");
            assertEquals(true, made.get("ok"), made.toString());
            closeSession(c, made);
            assertEquals(0, server.sessionCount());
        }
    }

    /** The top-left pixels come through a PNG sent as bytes and as a file, decoded exactly. */
    @Test
    void anImageSentAsBytesReachesTheEnvAsItsPixels(@TempDir Path tmp) throws Exception {
        byte[] png = png(5, 4);
        Files.write(tmp.resolve("p.png"), png);
        try (EnvServer server =
                EnvServer.start(
                        ServerConfig.defaults("tcp://127.0.0.1:*").withAllowedDirs(List.of(tmp)))) {
            byte[] expected = new byte[12];
            for (int i = 0; i < 4; i++) {
                int rgb = pixel(i % 2, i / 2);
                expected[3 * i] = (byte) (rgb >> 16);
                expected[3 * i + 1] = (byte) (rgb >> 8);
                expected[3 * i + 2] = (byte) rgb;
            }
            for (Object image :
                    List.of(RemoteEnv.imageBytes(png), tmp.resolve("p.png").toString())) {
                try (RemoteEnv<Object, Object> env =
                        RemoteEnv.make(
                                server.endpoint(), PathProbeEnv.ID, Map.of("image", image))) {
                    Tensor obs = (Tensor) env.reset(0L, Map.of()).observation();
                    assertArrayEquals(expected, obs.toByteArray());
                }
            }
        }
    }

    @Test
    void imageBytesOverTheByteLimitAreRefusedUnread() {
        ProtocolException e =
                assertThrows(
                        ProtocolException.class,
                        () ->
                                WireOptions.decode(
                                        "prompt", new byte[WireOptions.MAX_IMAGE_BYTES + 1]));
        assertEquals(ErrorCode.RESOURCE_EXHAUSTED, e.code());
        assertTrue(e.getMessage().contains("exceeds the limit"), e.getMessage());
    }

    private static int pixel(int x, int y) {
        return (x * 50 + 10) << 16 | (y * 60 + 20) << 8 | (x * y * 7 + 30);
    }

    /** A PNG of {@code w × h} with distinct pixels. */
    private static byte[] png(int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, pixel(x, y));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    /** The signature and IHDR chunk of a PNG claiming {@code w × h}, with no pixel data at all. */
    static byte[] pngHeader(int w, int h) {
        ByteBuffer ihdr = ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes(UTF_8)).putInt(w).putInt(h);
        ihdr.put(new byte[] {8, 2, 0, 0, 0}); // 8-bit RGB, no interlace
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        ByteBuffer b = ByteBuffer.allocate(8 + 4 + 17 + 4);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        b.putInt(13).put(ihdr.array()).putInt((int) crc.getValue());
        return b.array();
    }

    private static Tensor bytes(byte[] b) {
        return RemoteEnv.imageBytes(b);
    }

    private static Map<String, Object> probe(RawClient c, String option, Object value) {
        Map<String, Object> options = new java.util.LinkedHashMap<>();
        options.put(option, value);
        c.send(
                WireMessage.encode(
                        Map.of(
                                "op",
                                "make",
                                "id",
                                5,
                                "env_id",
                                PathProbeEnv.ID,
                                "options",
                                options)));
        Map<String, Object> r = c.reply();
        assertNotNull(r, "no reply to make with " + option + " = " + value);
        return r;
    }

    /** The error message of a make with {@code option = value}, asserting its code. */
    private static String probeError(RawClient c, String option, Object value, String code) {
        Map<String, Object> r = probe(c, option, value);
        assertEquals(false, r.get("ok"), option + " = " + value + " was accepted: " + r);
        assertEquals(code, RawClient.code(r), r.toString());
        assertEquals(5, r.get("id"));
        return String.valueOf(((Map<?, ?>) r.get("error")).get("message"));
    }

    private static void closeSession(RawClient c, Map<String, Object> made) {
        c.sendJson("{\"op\":\"close\",\"id\":6,\"session\":\"" + made.get("session") + "\"}");
        assertEquals(true, c.reply().get("ok"));
    }

    /** One bad request of a random kind; requests that might succeed are closed again. */
    private static List<byte[]> malformed(SplittableRandom rng, String session, int id) {
        List<byte[]> frames = new ArrayList<>();
        String sid = "\"session\":\"" + session + "\"";
        String json =
                switch (rng.nextInt(14)) {
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
                    case 11 ->
                            "{\"op\":\"make\",\"id\":"
                                    + id
                                    + ",\"env_id\":\"PathProbe-v0\",\"options\":{\""
                                    + (rng.nextBoolean() ? "image" : "dir")
                                    + "\":\""
                                    + List.of(
                                                    "/etc/passwd",
                                                    "../../x",
                                                    "/",
                                                    "~",
                                                    "/tmp/" + randomWord(rng))
                                            .get(rng.nextInt(5))
                                    + "\"}}";
                    case 12 -> {
                        // Random bytes, or a PNG header claiming 16000×16000, as an image.
                        byte[] image = pngHeader(16000, 16000);
                        if (rng.nextBoolean()) {
                            image = new byte[8];
                            rng.nextBytes(image);
                        }
                        frames.add(image);
                        yield "{\"op\":\"make\",\"id\":"
                                + id
                                + ",\"env_id\":\"PathProbe-v0\",\"options\":{\"image\":"
                                + "{\"$tensor\":0,\"dtype\":\"uint8\",\"shape\":["
                                + image.length
                                + "]}}}";
                    }
                    default ->
                            "{\"op\":\"step\",\"id\":"
                                    + id
                                    + ","
                                    + sid
                                    + ",\"actions\":{\"$tensor\":0,\"dtype\":\"int64\",\"shape\":[2]}}";
                };
        frames.add(0, json.getBytes(StandardCharsets.UTF_8));
        if (frames.size() > 1) {
            return frames; // an image case: exactly its buffer
        }
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
