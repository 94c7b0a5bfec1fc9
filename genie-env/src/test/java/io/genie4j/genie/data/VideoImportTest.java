package io.genie4j.genie.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.env.Tensor;
import io.genie4j.env.episodes.Episode;
import io.genie4j.env.episodes.EpisodeReader;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.jcodec.api.awt.AWTSequenceEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoImportTest {

    @TempDir Path tmp;

    /** A 96×64 frame: the left half red, the right half blue, a white bar at x = 2t. */
    private static BufferedImage frame(int t) {
        BufferedImage img = new BufferedImage(96, 64, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(220, 30, 30));
        g.fillRect(0, 0, 48, 64);
        g.setColor(new Color(30, 30, 220));
        g.fillRect(48, 0, 48, 64);
        g.setColor(Color.WHITE);
        g.fillRect(16 + 2 * t, 0, 4, 64);
        g.dispose();
        return img;
    }

    private static int[] rgbAt(Tensor f, int y, int x) {
        byte[] b = f.toByteArray();
        int o = (y * f.dim(1) + x) * 3;
        return new int[] {b[o] & 0xff, b[o + 1] & 0xff, b[o + 2] & 0xff};
    }

    @Test
    void pngFolderBecomesEpisodesOfCroppedResizedFrames() throws Exception {
        Path frames = tmp.resolve("frames");
        Files.createDirectories(frames);
        for (int t = 0; t < 7; t++) {
            ImageIO.write(frame(t), "png", frames.resolve(String.format("f%03d.png", t)).toFile());
        }
        Files.writeString(frames.resolve("notes.txt"), "not a frame");
        Path out = tmp.resolve("out");
        VideoImport.Result r = VideoImport.run(frames, out, 16, 4);
        assertEquals(7, r.frames());
        assertEquals(2, r.episodes()); // 4 + 3 frames
        List<Path> files;
        try (var s = Files.list(out)) {
            files = s.filter(p -> p.toString().endsWith(".npz")).sorted().toList();
        }
        assertEquals(2, files.size());
        Episode e = EpisodeReader.readEpisode(files.get(0));
        assertEquals(4, e.frameCount());
        Tensor f0 = e.frame(0);
        assertEquals(List.of(16, 16, 3), List.of(f0.dim(0), f0.dim(1), f0.dim(2)));
        // The centre 64×64 crop spans x = 16..80: red on the left quarter... blue on the right.
        int[] left = rgbAt(f0, 8, 6);
        int[] right = rgbAt(f0, 8, 14);
        assertTrue(left[0] > 200 && left[2] < 50, java.util.Arrays.toString(left));
        assertTrue(right[2] > 200 && right[0] < 50, java.util.Arrays.toString(right));
        assertEquals(-1L, e.actions().getLong(0));
    }

    @Test
    void mp4IsDecodedWithJCodec() throws Exception {
        Path mp4 = tmp.resolve("clip.mp4");
        AWTSequenceEncoder enc = AWTSequenceEncoder.createSequenceEncoder(mp4.toFile(), 10);
        for (int t = 0; t < 12; t++) {
            enc.encodeImage(frame(t));
        }
        enc.finish();
        Path out = tmp.resolve("out");
        VideoImport.Result r = VideoImport.run(mp4, out, 16, 1000);
        assertEquals(12, r.frames());
        assertEquals(1, r.episodes());
        Path file;
        try (var s = Files.list(out)) {
            file = s.filter(p -> p.toString().endsWith(".npz")).findFirst().orElseThrow();
        }
        Tensor f0 = EpisodeReader.readEpisode(file).frame(0);
        int[] left = rgbAt(f0, 8, 6);
        int[] right = rgbAt(f0, 8, 14);
        // Lossy H.264: colours survive within a tolerance.
        assertTrue(left[0] > 170 && left[2] < 80, java.util.Arrays.toString(left));
        assertTrue(right[2] > 170 && right[0] < 80, java.util.Arrays.toString(right));
    }

    @Test
    void badInputsAreNamed() throws Exception {
        Path junk = tmp.resolve("junk.mp4");
        Files.writeString(junk, "this is not a video");
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> VideoImport.run(junk, tmp.resolve("o1"), 16, 100));
        assertTrue(e.getMessage().contains("junk.mp4"), e.getMessage());
        Path empty = tmp.resolve("empty");
        Files.createDirectories(empty);
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> VideoImport.run(empty, tmp.resolve("o2"), 16, 100));
        assertTrue(e.getMessage().contains("no frames"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> VideoImport.run(tmp.resolve("missing"), tmp.resolve("o3"), 16, 100));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }
}
