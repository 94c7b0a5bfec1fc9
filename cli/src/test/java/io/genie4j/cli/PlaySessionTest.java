package io.genie4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.coinrun.CoinRunEnv;
import io.genie4j.env.Env;
import io.genie4j.env.Json;
import io.genie4j.env.Tensor;
import io.genie4j.env.registry.Envs;
import io.genie4j.genie.play.ActionLegend;
import io.genie4j.genie.play.PlaySession;
import io.genie4j.genie.play.PlaySession.Out;
import io.genie4j.genie.play.PlaySessions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The play page's session logic, driven as the page drives it, on real CoinRun. */
class PlaySessionTest {

    @SuppressWarnings("unchecked")
    static Env<Tensor, Integer> coinrun() {
        return (Env<Tensor, Integer>) Envs.make(CoinRunEnv.ID, Map.of());
    }

    static PlaySession coinrunSession() {
        return new PlaySession(
                new PlaySession.Setup(
                        coinrun(),
                        null,
                        CoinRunEnv::action,
                        null,
                        null,
                        PlaySession.Limits.defaults()));
    }

    static Map<String, Object> state(List<Out> out) {
        Map<String, Object> m = Json.parseObject(out.get(0).text());
        assertEquals("state", m.get("type"), out.get(0).text());
        return m;
    }

    static byte[] frame(List<Out> out, int pane) {
        byte[] b = out.get(1 + pane).binary();
        assertEquals('F', b[0]);
        assertEquals(pane, b[1]);
        assertEquals(64, (b[2] & 0xFF) << 8 | (b[3] & 0xFF));
        assertEquals(64, (b[4] & 0xFF) << 8 | (b[5] & 0xFF));
        return b;
    }

    static String error(List<Out> out) {
        assertEquals(1, out.size());
        Map<String, Object> m = Json.parseObject(out.get(0).text());
        assertEquals("error", m.get("type"));
        return (String) m.get("message");
    }

    @Test
    void keysMapToProcgenActions() {
        assertEquals(4, CoinRunEnv.action(false, false, false, false)); // NOOP
        assertEquals(7, CoinRunEnv.action(false, true, false, false)); // RIGHT
        assertEquals(8, CoinRunEnv.action(false, true, true, false)); // RIGHT+UP
        assertEquals(2, CoinRunEnv.action(true, false, true, false)); // LEFT+UP
        assertEquals(0, CoinRunEnv.action(true, false, false, true)); // LEFT+DOWN
        assertEquals(5, CoinRunEnv.action(true, true, true, false)); // opposite keys cancel: UP
        for (int a = 0; a < 9; a++) {
            String name = CoinRunEnv.ACTION_NAMES.get(a);
            int want =
                    CoinRunEnv.action(
                            name.contains("LEFT"),
                            name.contains("RIGHT"),
                            name.contains("UP"),
                            name.contains("DOWN"));
            assertEquals(a, want, name);
        }
    }

    @Test
    void aKeyChangesTheFrameAsTheGameDoes() {
        try (PlaySession s = coinrunSession();
                Env<Tensor, Integer> ref = coinrun()) {
            List<Out> hello = s.start(5);
            assertEquals("hello", Json.parseObject(hello.get(0).text()).get("type"));
            byte[] first = frame(hello.subList(1, hello.size()), 0);
            byte[] moved = first;
            ref.reset(5L, Map.of());
            for (int i = 0; i < 3; i++) {
                List<Out> out = s.text("{\"op\":\"step\",\"keys\":[\"right\"]}");
                assertEquals(7, ((Number) state(out).get("action")).intValue());
                moved = frame(out, 0);
                byte[] want = ref.step(7).observation().toByteArray();
                byte[] got = java.util.Arrays.copyOfRange(moved, 6, moved.length);
                assertArrayEquals(want, got, "step " + i + " shows the game's frame");
            }
            assertFalse(java.util.Arrays.equals(first, moved), "running right moved the view");
            assertEquals(4L, ((Number) state(s.text("{\"op\":\"step\"}")).get("step")).longValue());
        }
    }

    @Test
    void resetWithASeedIsDeterministic() {
        try (PlaySession a = coinrunSession();
                PlaySession b = coinrunSession()) {
            a.start(0);
            b.start(99);
            byte[] fa = frame(a.text("{\"op\":\"reset\",\"seed\":1234}"), 0);
            a.text("{\"op\":\"step\",\"keys\":[\"right\",\"up\"]}");
            byte[] fa2 = frame(a.text("{\"op\":\"reset\",\"seed\":1234}"), 0);
            byte[] fb = frame(b.text("{\"op\":\"reset\",\"seed\":1234}"), 0);
            assertArrayEquals(fa, fa2);
            assertArrayEquals(fa, fb);
            byte[] other = frame(b.text("{\"op\":\"reset\",\"seed\":1235}"), 0);
            assertFalse(java.util.Arrays.equals(fa, other), "another seed, another level");
            Map<String, Object> st = state(b.text("{\"op\":\"reset\"}"));
            assertEquals(1236L, ((Number) st.get("seed")).longValue(), "no seed: the next one");
        }
    }

    @Test
    void badMessagesAreRefusedAndChangeNothing() {
        try (PlaySession s = coinrunSession()) {
            s.start(3);
            s.text("{\"op\":\"step\",\"keys\":[\"right\"]}");
            byte[] before = s.frames().get(0).toByteArray();
            String[] bad = {
                "not json",
                "[1,2]",
                "{}",
                "{\"op\":\"fly\"}",
                "{\"op\":\"step\",\"keys\":[\"jump\"]}",
                "{\"op\":\"step\",\"keys\":\"right\"}",
                "{\"op\":\"step\",\"code\":2}",
                "{\"op\":\"step\",\"keys\":[],\"extra\":1}",
                "{\"op\":\"reset\",\"seed\":-1}",
                "{\"op\":\"reset\",\"seed\":4294967296}",
                "{\"op\":\"reset\",\"seed\":1.5}",
                "{\"op\":\"reset\",\"seed\":\"../../etc/passwd\"}",
                "{\"op\":\"record\",\"on\":\"yes\"}",
                "{\"op\":\"gif\"}",
                "{\"op\":\"prompt\",\"source\":\"/etc/passwd\"}",
                "{\"op\":\"prompt\",\"source\":\"seed\"}",
            };
            for (String m : bad) {
                String why = error(s.text(m));
                assertFalse(why.isBlank(), m);
            }
            assertTrue(error(s.text("{\"op\":\"fly\"}")).contains("fly"));
            assertTrue(error(s.text("{\"op\":\"reset\",\"seed\":-1}")).contains("-1"));
            assertTrue(error(s.binary(new byte[] {1, 2, 3})).contains("generated world"));
            assertArrayEquals(before, s.frames().get(0).toByteArray(), "nothing changed");
            Map<String, Object> st = state(s.text("{\"op\":\"step\"}"));
            assertEquals(2L, ((Number) st.get("step")).longValue(), "the episode went on");
            assertEquals(3L, ((Number) st.get("seed")).longValue());
        }
    }

    @Test
    void recordsAGifOfWhatIsShown() {
        try (PlaySession s = coinrunSession()) {
            s.start(0);
            assertTrue((Boolean) state(s.text("{\"op\":\"record\",\"on\":true}")).get("recording"));
            for (int i = 0; i < 4; i++) {
                s.text("{\"op\":\"step\",\"keys\":[\"right\"]}");
            }
            Map<String, Object> st = state(s.text("{\"op\":\"record\",\"on\":false}"));
            assertEquals(
                    5, ((Number) st.get("recorded")).intValue(), "the first frame and 4 steps");
            List<Out> gif = s.text("{\"op\":\"gif\"}");
            byte[] g = gif.get(0).binary();
            assertEquals('G', g[0]);
            assertEquals("GIF89a", new String(g, 1, 6, java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals(5, s.recorded());
        }
    }

    @Test
    void anUnlabelledWorldLegendSaysSo() throws Exception {
        ActionLegend u = ActionLegend.unlabelled(8);
        assertFalse(u.labelled());
        assertEquals("unlabelled", u.label(3));
        assertEquals(-1, u.codeFor(7));
        ActionLegend shipped = ActionLegend.read(null, CoinRunEnv.ACTION_NAMES);
        assertTrue(shipped.labelled(), "the shipped model.json has a latent-by-real-action table");
        assertEquals(8, shipped.codes());
        for (int c = 0; c < 8; c++) {
            assertTrue(
                    shipped.label(c)
                            .matches("[A-Z+]+: \\d+% of its transitions \\(\\d+% overall\\)"),
                    shipped.label(c));
        }
        int code = shipped.codeFor(7);
        assertTrue(code >= 0 && code < 8);
    }

    @Test
    void idleSessionsAreClosedAndTheirEnvsFreed() {
        AtomicLong now = new AtomicLong();
        AtomicInteger closedEnvs = new AtomicInteger();
        List<String> idled = new ArrayList<>();
        PlaySessions hub =
                new PlaySessions(
                        () ->
                                new PlaySession(
                                        new PlaySession.Setup(
                                                new io.genie4j.env.wrappers.Wrapper<>(coinrun()) {
                                                    @Override
                                                    public void close() {
                                                        closedEnvs.incrementAndGet();
                                                        super.close();
                                                    }
                                                },
                                                null,
                                                CoinRunEnv::action,
                                                null,
                                                null,
                                                PlaySession.Limits.defaults())),
                        Duration.ofSeconds(10),
                        2,
                        now::get);
        assertNotNull(hub.open("a", 0, () -> idled.add("a")));
        hub.open("b", 0, () -> idled.add("b"));
        assertThrows(IllegalStateException.class, () -> hub.open("c", 0, () -> {}));
        now.set(Duration.ofSeconds(8).toNanos());
        hub.text("b", "{\"op\":\"step\"}");
        now.set(Duration.ofSeconds(12).toNanos());
        assertEquals(List.of("a"), hub.closeIdle());
        assertEquals(List.of("a"), idled);
        assertEquals(1, closedEnvs.get());
        assertEquals(1, hub.size());
        assertTrue(error(hub.text("a", "{\"op\":\"step\"}")).contains("no open session"));
        hub.close("b");
        assertEquals(2, closedEnvs.get());
        assertEquals(0, hub.size());
    }
}
