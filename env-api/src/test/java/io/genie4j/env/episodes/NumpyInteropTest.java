package io.genie4j.env.episodes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Episode files open in numpy, and numpy's files open here. Skipped where no python3 has numpy. */
class NumpyInteropTest {
    @TempDir Path dir;

    /** The first of Debian's python3 and the one on PATH that imports numpy, or null. */
    private static String python() {
        for (String p : List.of("/usr/bin/python3", "python3")) {
            try {
                Process proc =
                        new ProcessBuilder(p, "-c", "import numpy")
                                .redirectErrorStream(true)
                                .start();
                if (proc.waitFor(60, TimeUnit.SECONDS) && proc.exitValue() == 0) {
                    return p;
                }
            } catch (IOException | InterruptedException e) {
                // try the next one
            }
        }
        return null;
    }

    private static String run(String python, String script) throws Exception {
        Process p = new ProcessBuilder(python, "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor(60, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void numpyLoadsOurEpisodes() throws Exception {
        String python = python();
        assumeTrue(python != null, "no python3 with numpy");
        Path f = dir.resolve("ep.npz");
        try (EpisodeWriter w =
                EpisodeWriter.create(f, "Corridor-v0", 7, Map.of("policy", "expert"))) {
            EpisodeFilesTest.writeEpisode(w, 3);
        }
        String out =
                run(
                        python,
                        String.join(
                                ";",
                                "import numpy, json",
                                "d = numpy.load(r'" + f + "')",
                                "print(d['frames'].shape, d['frames'].dtype,"
                                        + " int(d['frames'][2].max()))",
                                "print(d['actions'].dtype, d['actions'].tolist(),"
                                        + " d['rewards'].dtype, d['rewards'].tolist())",
                                "print(d['terminated'].tolist(), d['truncated'].dtype,"
                                        + " int(d['seed']), str(d['env_id']))",
                                "print(json.loads(str(d['metadata']))['policy'],"
                                        + " str(d['format']))"));
        assertEquals(
                String.join(
                        "\n",
                        "(4, 4, 5, 3) uint8 2",
                        "int64 [1, 2, 0] float32 [0.5, 1.0, 1.5]",
                        "[False, False, True] bool 7 Corridor-v0",
                        "expert genie4j-episode/1"),
                out);
    }

    @Test
    void weReadNumpysCompressedEpisodes() throws Exception {
        String python = python();
        assumeTrue(python != null, "no python3 with numpy");
        Path f = dir.resolve("np.npz");
        run(
                python,
                String.join(
                        ";",
                        "import numpy as np",
                        "f = np.arange(2 * 3 * 4 * 3, dtype=np.uint8).reshape(2, 3, 4, 3)",
                        "np.savez_compressed(r'"
                                + f
                                + "', frames=f, actions=np.array([4], dtype=np.int64),"
                                + " rewards=np.array([10.0], dtype=np.float32),"
                                + " terminated=np.array([True]), truncated=np.array([False]),"
                                + " seed=np.int64(99), env_id=np.array('CoinRun-v0'))"));
        Episode e = EpisodeReader.readEpisode(f);
        assertEquals("CoinRun-v0", e.envId());
        assertEquals(99, e.seed());
        assertArrayEquals(new int[] {2, 3, 4, 3}, e.frames().shape());
        assertEquals(71, e.frames().getLong(71));
        assertEquals(4, e.actions().getLong(0));
        assertArrayEquals(new float[] {10f}, e.rewards());
        assertArrayEquals(new boolean[] {true}, e.terminated());
    }
}
