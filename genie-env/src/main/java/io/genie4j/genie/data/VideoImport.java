package io.genie4j.genie.data;

import io.genie4j.env.Tensor;
import io.genie4j.env.episodes.EpisodeDataset;
import io.genie4j.env.episodes.EpisodeWriter;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jcodec.api.FrameGrab;
import org.jcodec.api.JCodecException;
import org.jcodec.common.io.FileChannelWrapper;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.model.Picture;
import org.jcodec.scale.AWTUtil;

/**
 * Turns a user's own gameplay video into training episodes: an MP4 file (H.264, decoded with
 * JCodec) or a folder of PNG/JPEG frames (in file-name order). Each frame is centre-cropped to a
 * square and area-averaged down to {@code size × size}; the video is cut into episodes of at most
 * {@code episodeFrames} frames. Video has no actions, so every recorded action is -1.
 */
public final class VideoImport {

    /** The env id written into imported episodes. */
    public static final String ENV_ID = "video";

    private VideoImport() {}

    /** What an import wrote. */
    public record Result(int episodes, long frames) {}

    /** Imports {@code in} (an MP4 file or a directory of images) into dataset {@code outDir}. */
    public static Result run(Path in, Path outDir, int size, int episodeFrames) throws IOException {
        if (size < 1) {
            throw new IllegalArgumentException("frame size must be >= 1, got " + size);
        }
        if (episodeFrames < 2) {
            throw new IllegalArgumentException(
                    "episodes must be at least 2 frames long, got " + episodeFrames);
        }
        String base = in.getFileName().toString().replaceAll("[^A-Za-z0-9_-]", "_");
        try (FrameSource src = open(in);
                EpisodeDataset ds =
                        EpisodeDataset.openOrCreate(
                                outDir, ENV_ID, Map.of("source", "import-video"))) {
            int episodes = 0;
            long frames = 0;
            EpisodeWriter w = null;
            while (src.hasNext()) {
                Tensor frame = toFrame(src.next(), size);
                if (w == null) {
                    String name = String.format(Locale.ROOT, "%s_%05d.npz", base, episodes);
                    w =
                            ds.newEpisode(
                                    name,
                                    episodes,
                                    Map.of("source", in.toAbsolutePath().toString()));
                    w.reset(frame);
                } else {
                    w.step(-1, frame, 0, false, false);
                }
                frames++;
                if (w.frameCount() == episodeFrames) {
                    w.finish();
                    w = null;
                    episodes++;
                }
            }
            if (w != null) {
                if (w.frameCount() >= 2) {
                    w.finish();
                    episodes++;
                } else {
                    w.close();
                    frames--;
                }
            }
            if (frames == 0) {
                throw new IllegalArgumentException("no frames found in " + in);
            }
            ds.flush();
            return new Result(episodes, frames);
        }
    }

    /** Centre-crops to a square and area-averages to {@code size × size} uint8 RGB. */
    public static Tensor toFrame(BufferedImage img, int size) {
        int w = img.getWidth();
        int h = img.getHeight();
        int side = Math.min(w, h);
        int x0 = (w - side) / 2;
        int y0 = (h - side) / 2;
        int[] rgb = img.getRGB(x0, y0, side, side, null, 0, side);
        byte[] out = new byte[size * size * 3];
        double scale = (double) side / size;
        for (int oy = 0; oy < size; oy++) {
            double sy0 = oy * scale;
            double sy1 = sy0 + scale;
            for (int ox = 0; ox < size; ox++) {
                double sx0 = ox * scale;
                double sx1 = sx0 + scale;
                double r = 0;
                double g = 0;
                double b = 0;
                double wsum = 0;
                for (int y = (int) sy0; y < Math.min(side, Math.ceil(sy1)); y++) {
                    double wy = Math.min(y + 1, sy1) - Math.max(y, sy0);
                    for (int x = (int) sx0; x < Math.min(side, Math.ceil(sx1)); x++) {
                        double wx = Math.min(x + 1, sx1) - Math.max(x, sx0);
                        double wgt = wx * wy;
                        int p = rgb[y * side + x];
                        r += wgt * ((p >> 16) & 0xff);
                        g += wgt * ((p >> 8) & 0xff);
                        b += wgt * (p & 0xff);
                        wsum += wgt;
                    }
                }
                int o = (oy * size + ox) * 3;
                out[o] = (byte) Math.round(r / wsum);
                out[o + 1] = (byte) Math.round(g / wsum);
                out[o + 2] = (byte) Math.round(b / wsum);
            }
        }
        return Tensor.uint8(out, size, size, 3);
    }

    private interface FrameSource extends Iterator<BufferedImage>, AutoCloseable {
        @Override
        void close() throws IOException;
    }

    private static FrameSource open(Path in) throws IOException {
        if (Files.isDirectory(in)) {
            List<Path> files;
            try (Stream<Path> s = Files.list(in)) {
                files =
                        new ArrayList<>(
                                s.filter(
                                                p -> {
                                                    String n =
                                                            p.getFileName()
                                                                    .toString()
                                                                    .toLowerCase(Locale.ROOT);
                                                    return n.endsWith(".png")
                                                            || n.endsWith(".jpg")
                                                            || n.endsWith(".jpeg");
                                                })
                                        .sorted()
                                        .toList());
            }
            Iterator<Path> it = files.iterator();
            return new FrameSource() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public BufferedImage next() {
                    Path p = it.next();
                    try {
                        BufferedImage img = ImageIO.read(p.toFile());
                        if (img == null) {
                            throw new IllegalArgumentException(p + " is not a readable image");
                        }
                        return img;
                    } catch (IOException e) {
                        throw new IllegalArgumentException(p + ": " + e.getMessage(), e);
                    }
                }

                @Override
                public void close() {}
            };
        }
        if (!Files.isRegularFile(in)) {
            throw new IllegalArgumentException(
                    in + " is neither a video file nor a folder of frames");
        }
        FileChannelWrapper ch = NIOUtils.readableChannel(in.toFile());
        FrameGrab grab;
        try {
            grab = FrameGrab.createFrameGrab(ch);
        } catch (JCodecException | RuntimeException e) {
            ch.close();
            throw new IllegalArgumentException(
                    in + " is not a video JCodec can decode (MP4 with H.264): " + e.getMessage(),
                    e);
        }
        return new FrameSource() {
            private Picture pending = read();

            private Picture read() {
                try {
                    return grab.getNativeFrame();
                } catch (IOException | RuntimeException e) {
                    throw new IllegalArgumentException(
                            in + ": cannot decode frame: " + e.getMessage(), e);
                }
            }

            @Override
            public boolean hasNext() {
                return pending != null;
            }

            @Override
            public BufferedImage next() {
                if (pending == null) {
                    throw new NoSuchElementException();
                }
                BufferedImage img = AWTUtil.toBufferedImage(pending);
                pending = read();
                return img;
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }
}
