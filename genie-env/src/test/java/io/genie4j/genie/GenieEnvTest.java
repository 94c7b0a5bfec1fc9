package io.genie4j.genie;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.env.Env;
import io.genie4j.env.EnvChecker;
import io.genie4j.env.Reset;
import io.genie4j.env.Step;
import io.genie4j.env.Tensor;
import io.genie4j.env.registry.Envs;
import io.genie4j.env.vector.VectorEnv;
import io.genie4j.env.vector.VectorReset;
import io.genie4j.env.vector.VectorStep;
import io.genie4j.genie.data.PromptVideo;
import io.genie4j.genie.world.ActionTable;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenieEnvTest {

    @TempDir static Path tmp;
    static Path run;
    static Path image;

    @BeforeAll
    static void setUp() throws Exception {
        run = TinyWorld.world(tmp, 3);
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        byte[] f = TinyVideo.frame(16, 2, 0);
        for (int i = 0; i < 256; i++) {
            img.setRGB(
                    i % 16,
                    i / 16,
                    (f[i * 3] & 0xFF) << 16 | (f[i * 3 + 1] & 0xFF) << 8 | (f[i * 3 + 2] & 0xFF));
        }
        image = tmp.resolve("prompt.png");
        ImageIO.write(img, "png", image.toFile());
    }

    @SuppressWarnings("unchecked")
    static Env<Tensor, Integer> make(Map<String, Object> extra) {
        Map<String, Object> o = new java.util.HashMap<>(extra);
        o.putIfAbsent("model", run.toString());
        o.putIfAbsent("prompt", image.toString());
        return (Env<Tensor, Integer>) Envs.make(GenieEnv.ID, o);
    }

    /** {@code n} worlds as a vector env, with {@link #make}'s defaults under {@code extra}. */
    @SuppressWarnings("unchecked")
    static VectorEnv<Tensor, Integer> makeVector(int n, Map<String, Object> extra) {
        Map<String, Object> o = new java.util.HashMap<>(extra);
        o.putIfAbsent("model", run.toString());
        o.putIfAbsent("prompt", image.toString());
        return (VectorEnv<Tensor, Integer>) Envs.makeVector(GenieEnv.ID, n, o, 1);
    }

    @Test
    void isRegisteredAndPassesTheEnvChecker() {
        assertTrue(Envs.ids().contains(GenieEnv.ID));
        EnvChecker.check(() -> make(Map.of("max_episode_steps", 20)));
    }

    @Test
    void coinRunActionsPlayAsTheLatentActionsOfTheModelsTable() throws Exception {
        IllegalArgumentException none =
                assertThrows(
                        IllegalArgumentException.class, () -> make(Map.of("actions", "coinrun")));
        assertTrue(none.getMessage().contains("genie4j train actions"), none.getMessage());
        // A copy of the model with a hand-made table: CoinRun's 15 actions over its 4 codes.
        Path withTable = tmp.resolve("world-with-table");
        copyTree(run, withTable);
        long[][] counts = new long[15][4];
        for (int a = 0; a < 15; a++) {
            counts[a][(a * 7) % 4] = 10 + a;
        }
        List<String> names = new java.util.ArrayList<>();
        for (int a = 0; a < 15; a++) {
            names.add("A" + a);
        }
        ActionTable table = ActionTable.fit("CoinRun-v0", names, counts);
        table.save(withTable);
        Map<String, Object> real = Map.of("model", withTable.toString(), "actions", "coinrun");
        EnvChecker.check(() -> make(merge(real, Map.of("max_episode_steps", 20))));
        try (Env<Tensor, Integer> r = make(real);
                Env<Tensor, Integer> l = make(Map.of("model", withTable.toString()))) {
            assertEquals(15, ((io.genie4j.env.spaces.Discrete) r.actionSpace()).n());
            assertArrayEquals(
                    r.reset(5L, Map.of()).observation().toByteArray(),
                    l.reset(5L, Map.of()).observation().toByteArray());
            for (int a : new int[] {14, 3, 7, 0}) {
                Step<Tensor> sr = r.step(a);
                Step<Tensor> sl = l.step(table.code(a));
                assertEquals(table.code(a), sr.info().get("latent_action"));
                assertArrayEquals(sl.observation().toByteArray(), sr.observation().toByteArray());
            }
        }
    }

    /** A copy of the tiny model with event heads that always (or never) fire, by bias alone. */
    private static Path withHeads(String name, double rewardBias, double terminationBias)
            throws Exception {
        Path dir = tmp.resolve(name);
        copyTree(run, dir);
        var json = io.genie4j.genie.train.Checkpoints.readModelJson(dir, "world");
        int width = 2 * json.path("config").path("dim").asInt();
        var root = io.genie4j.genie.train.Checkpoints.JSON.createObjectNode();
        root.put("kind", "genie4j-event-heads");
        root.put("reward_value", 10.0);
        var mean = root.putArray("mean");
        var scale = root.putArray("scale");
        var rw = root.putObject("reward");
        var tw = root.putObject("termination");
        rw.put("bias", rewardBias);
        tw.put("bias", terminationBias);
        var rws = rw.putArray("weights");
        var tws = tw.putArray("weights");
        for (int i = 0; i < width; i++) {
            mean.add(0.0);
            scale.add(1.0);
            rws.add(0.0);
            tws.add(0.0);
        }
        java.nio.file.Files.writeString(dir.resolve("event_heads.json"), root.toString());
        return dir;
    }

    @Test
    void eventHeadsPayRewardsAndEndEpisodesUnlessTurnedOff() throws Exception {
        // termination=false: the head is still read (its probability is in the info) but ends
        // nothing, in the single env and the vector env.
        Path paying = withHeads("world-paying", 20, -20);
        try (Env<Tensor, Integer> on = make(Map.of("model", paying.toString()));
                Env<Tensor, Integer> off =
                        make(Map.of("model", paying.toString(), "events", false))) {
            on.reset(1L, Map.of());
            off.reset(1L, Map.of());
            Step<Tensor> a = on.step(1);
            Step<Tensor> b = off.step(1);
            assertEquals(10.0, a.reward());
            assertFalse(a.terminated());
            assertTrue((Double) a.info().get("reward_probability") > 0.99);
            assertEquals(0.0, b.reward());
            assertFalse(b.info().containsKey("reward_probability"));
            assertArrayEquals(a.observation().toByteArray(), b.observation().toByteArray());
        }
        Path ending = withHeads("world-ending", -20, 20);
        EnvChecker.check(() -> make(Map.of("model", ending.toString(), "max_episode_steps", 20)));
        try (Env<Tensor, Integer> e = make(Map.of("model", ending.toString()));
                Env<Tensor, Integer> kept =
                        make(Map.of("model", ending.toString(), "termination", false))) {
            e.reset(2L, Map.of());
            kept.reset(2L, Map.of());
            Step<Tensor> s = e.step(0);
            assertTrue(s.terminated());
            assertEquals(0.0, s.reward());
            Step<Tensor> k = kept.step(0);
            assertFalse(k.terminated());
            assertTrue((Double) k.info().get("termination_probability") > 0.99);
        }
        try (VectorEnv<Tensor, Integer> v = makeVector(2, Map.of("model", ending.toString()))) {
            v.reset(3L, Map.of());
            VectorStep<Tensor> s = v.step(List.of(0, 1));
            assertTrue(s.terminated()[0] && s.terminated()[1]);
            assertFalse(s.truncated()[0] || s.truncated()[1]);
            VectorStep<Tensor> next = v.step(List.of(0, 1));
            assertEquals(0L, next.infos().get(0).get("step"), "the step after an end resets");
        }
        try (VectorEnv<Tensor, Integer> w =
                makeVector(2, Map.of("model", ending.toString(), "termination", false))) {
            w.reset(3L, Map.of());
            VectorStep<Tensor> s = w.step(List.of(0, 1));
            assertFalse(s.terminated()[0] || s.terminated()[1]);
        }
    }

    private static Map<String, Object> merge(Map<String, Object> a, Map<String, Object> b) {
        Map<String, Object> m = new java.util.HashMap<>(a);
        m.putAll(b);
        return m;
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        try (var files = java.nio.file.Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path t = to.resolve(from.relativize(f).toString());
                if (java.nio.file.Files.isDirectory(f)) {
                    java.nio.file.Files.createDirectories(t);
                } else {
                    java.nio.file.Files.copy(f, t);
                }
            }
        }
    }

    @Test
    void sameSeedAndActionsGiveSameFramesWithUncertaintyInTheInfo() {
        try (Env<Tensor, Integer> a = make(Map.of());
                Env<Tensor, Integer> b = make(Map.of())) {
            Reset<Tensor> ra = a.reset(9L, Map.of());
            Reset<Tensor> rb = b.reset(9L, Map.of());
            assertArrayEquals(ra.observation().toByteArray(), rb.observation().toByteArray());
            assertEquals(4, ((io.genie4j.env.spaces.Discrete) a.actionSpace()).n());
            for (int i = 0; i < 6; i++) {
                Step<Tensor> sa = a.step(i % 4);
                Step<Tensor> sb = b.step(i % 4);
                assertArrayEquals(sa.observation().toByteArray(), sb.observation().toByteArray());
                assertEquals(0.0, sa.reward());
                assertFalse(sa.terminated());
                assertEquals((long) i + 1, sa.info().get("step"));
                double u = (Double) sa.info().get("uncertainty");
                assertTrue(u >= 0 && u <= Math.log(32) + 1e-6, "uncertainty " + u);
            }
        }
    }

    @Test
    void promptFramesCanBeGivenAtReset() {
        try (Env<Tensor, Integer> env = make(Map.of())) {
            byte[] two = new byte[2 * 768];
            System.arraycopy(TinyVideo.frame(16, 1, 0), 0, two, 0, 768);
            System.arraycopy(TinyVideo.frame(16, 1, 1), 0, two, 768, 768);
            Reset<Tensor> r =
                    env.reset(1L, Map.of("prompt_frames", Tensor.uint8(two, 2, 16, 16, 3)));
            assertArrayEquals(new int[] {16, 16, 3}, r.observation().shape());
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    env.reset(
                                            1L,
                                            Map.of(
                                                    "prompt_frames",
                                                    Tensor.uint8(new byte[12], 2, 2, 3))));
            assertTrue(e.getMessage().contains("prompt_frames"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> env.step(4));
        }
    }

    @Test
    void promptVideoStartsEachEpisodeFromTheFrameItsSeedDraws() throws Exception {
        Path video = tmp.resolve("prompt-video");
        TinyVideo.write(video, 16, 3, 4);
        PromptVideo frames = PromptVideo.load(video, 16);
        try (Env<Tensor, Integer> fromVideo = make(Map.of("prompt_video", video.toString()));
                Env<Tensor, Integer> given = make(Map.of())) {
            for (long seed = 0; seed < 4; seed++) {
                long episodeSeed = new java.util.SplittableRandom(seed).nextLong();
                Tensor expected =
                        given.reset(seed, Map.of("prompt_frames", frames.frame(episodeSeed)))
                                .observation();
                assertArrayEquals(
                        expected.toByteArray(),
                        fromVideo.reset(seed, Map.of()).observation().toByteArray(),
                        "seed " + seed);
            }
        }
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> make(Map.of("prompt_video", image.toString())));
        assertTrue(e.getMessage().contains("prompt_video"), e.getMessage());
    }

    @Test
    void aPromptGivenAsPixelsPlaysAsTheSameImageFile() throws Exception {
        BufferedImage img = ImageIO.read(image.toFile());
        byte[] px = new byte[16 * 16 * 3];
        for (int i = 0; i < 256; i++) {
            int p = img.getRGB(i % 16, i / 16);
            px[3 * i] = (byte) (p >> 16);
            px[3 * i + 1] = (byte) (p >> 8);
            px[3 * i + 2] = (byte) p;
        }
        try (Env<Tensor, Integer> file = make(Map.of());
                Env<Tensor, Integer> pixels = make(Map.of("prompt", Tensor.uint8(px, 16, 16, 3)))) {
            assertArrayEquals(
                    file.reset(3L, Map.of()).observation().toByteArray(),
                    pixels.reset(3L, Map.of()).observation().toByteArray());
            assertArrayEquals(
                    file.step(1).observation().toByteArray(),
                    pixels.step(1).observation().toByteArray());
            assertEquals("pixels 16x16 (given as a tensor)", pixels.spec().options().get("prompt"));
        }
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> make(Map.of("prompt", Tensor.uint8(new byte[16], 16))));
        assertTrue(e.getMessage().contains("uint8 tensor [H, W, 3]"), e.getMessage());
    }

    @Test
    void aMissingPromptFileIsNamed() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> make(Map.of("prompt", tmp.resolve("nope.png").toString())));
        assertTrue(e.getMessage().contains("nope.png"), e.getMessage());
    }

    @Test
    void theVectorVersionStepsAllWorldsInOneBatchAndResetsThemTogether() {
        Map<String, Object> o = Map.of("max_episode_steps", 3);
        try (VectorEnv<Tensor, Integer> a = makeVector(3, o);
                VectorEnv<Tensor, Integer> b = makeVector(3, o)) {
            assertTrue(a instanceof GenieVectorEnv, a.getClass().getName());
            assertEquals(3, (int) a.spec().maxEpisodeSteps());
            VectorReset<Tensor> ra = a.reset(4L, Map.of());
            VectorReset<Tensor> rb = b.reset(4L, Map.of());
            assertEquals(3, ra.observations().size());
            List<Integer> acts = List.of(0, 1, 3);
            for (int t = 1; t <= 3; t++) {
                VectorStep<Tensor> sa = a.step(acts);
                VectorStep<Tensor> sb = b.step(acts);
                for (int i = 0; i < 3; i++) {
                    assertArrayEquals(
                            sa.observations().get(i).toByteArray(),
                            sb.observations().get(i).toByteArray());
                    assertEquals(t == 3, sa.truncated()[i], "step " + t);
                    assertFalse(sa.terminated()[i]);
                    assertEquals((long) t, sa.infos().get(i).get("step"));
                }
            }
            VectorStep<Tensor> again = a.step(acts);
            assertEquals(0L, again.infos().get(0).get("step"), "autoreset after truncation");
            assertFalse(again.truncated()[0]);
            assertThrows(IllegalArgumentException.class, () -> a.step(List.of(0, 1, 4)));
        }
    }
}
