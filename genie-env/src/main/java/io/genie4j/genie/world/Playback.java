package io.genie4j.genie.world;

import io.genie4j.genie.data.VideoWriter;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Plays a world model from a prompt and writes what it generates as a GIF or MP4. */
public final class Playback {

    private Playback() {}

    /**
     * The demo: one world per latent action, all prompted with {@code prompt} (one uint8 frame) and
     * stepped together, world a playing action a {@code steps} times; writes a grid of the worlds
     * (prompt first) to {@code out} and prints one line per step to {@code log}.
     */
    public static Map<String, Object> demo(
            WorldModel model,
            byte[] prompt,
            int steps,
            long seed,
            GenieWorld.Options options,
            Path out,
            PrintStream log)
            throws IOException {
        return demo(model, prompt, steps, seed, options, null, out, log);
    }

    /** As above, with each world's pane captioned by {@code captions} (one per action) if given. */
    public static Map<String, Object> demo(
            WorldModel model,
            byte[] prompt,
            int steps,
            long seed,
            GenieWorld.Options options,
            List<String> captions,
            Path out,
            PrintStream log)
            throws IOException {
        int n = model.config().actions();
        if (captions != null && captions.size() != n) {
            throw new IllegalArgumentException(
                    captions.size() + " captions for " + n + " latent actions");
        }
        int s = model.config().imageSize();
        int fb = s * s * 3;
        int cols = Math.min(4, n);
        int rows = (n + cols - 1) / cols;
        int scale = 2;
        List<BufferedImage> video = new ArrayList<>();
        double seconds;
        try (GenieWorld w = new GenieWorld(model, n, options)) {
            byte[] prompts = new byte[n * fb];
            long[] seeds = new long[n];
            int[] actions = new int[n];
            for (int a = 0; a < n; a++) {
                System.arraycopy(prompt, 0, prompts, a * fb, fb);
                seeds[a] = seed + a;
                actions[a] = a;
            }
            byte[] frames = w.reset(prompts, 1, seeds);
            video.add(grid(frames, n, s, cols, rows, scale, captions));
            long t0 = System.nanoTime();
            for (int k = 1; k <= steps; k++) {
                long ts = System.nanoTime();
                frames = w.step(actions);
                double dt = (System.nanoTime() - ts) / 1e9;
                video.add(grid(frames, n, s, cols, rows, scale, captions));
                StringBuilder u = new StringBuilder();
                for (double x : w.uncertainty()) {
                    u.append(String.format(Locale.ROOT, " %.2f", x));
                }
                log.printf(
                        Locale.ROOT,
                        "step %3d  %d worlds  %.1f frames/s  uncertainty (nats) per action:%s%n",
                        k,
                        n,
                        n / dt,
                        u);
            }
            seconds = (System.nanoTime() - t0) / 1e9;
        }
        VideoWriter.write(out, video, 8);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("out", out.toAbsolutePath().toString());
        json.put("worlds", n);
        json.put("steps", steps);
        json.put("frames_per_s", Math.round(n * steps / seconds * 10) / 10.0);
        return json;
    }

    /**
     * Plays {@code actions} from {@code prompt} (one uint8 frame) in one world and writes the
     * prompt and every generated frame to {@code out}.
     */
    public static Map<String, Object> rollout(
            WorldModel model,
            byte[] prompt,
            int[] actions,
            long seed,
            GenieWorld.Options options,
            Path out)
            throws IOException {
        int s = model.config().imageSize();
        List<BufferedImage> video = new ArrayList<>();
        double uncertainty = 0;
        long t0 = System.nanoTime();
        try (GenieWorld w = new GenieWorld(model, 1, options)) {
            video.add(VideoWriter.image(w.reset(prompt, 1, new long[] {seed}), 0, s, 4));
            for (int a : actions) {
                video.add(VideoWriter.image(w.step(new int[] {a}), 0, s, 4));
                uncertainty += w.uncertainty()[0];
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        VideoWriter.write(out, video, 8);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("out", out.toAbsolutePath().toString());
        json.put("frames", actions.length + 1);
        json.put("mean_uncertainty", Math.round(uncertainty / actions.length * 1000) / 1000.0);
        json.put("frames_per_s", Math.round(actions.length / seconds * 10) / 10.0);
        return json;
    }

    private static BufferedImage grid(
            byte[] frames, int n, int s, int cols, int rows, int scale, List<String> captions) {
        int gap = 2;
        int caption = captions == null ? 0 : 14;
        int cellW = s * scale + gap;
        int cellH = s * scale + caption + gap;
        BufferedImage img =
                new BufferedImage(
                        cols * cellW - gap, rows * cellH - gap, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = img.createGraphics();
        g.setRenderingHint(
                java.awt.RenderingHints.KEY_TEXT_ANTIALIASING,
                java.awt.RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 10));
        g.setColor(java.awt.Color.WHITE);
        for (int i = 0; i < n; i++) {
            int x = (i % cols) * cellW;
            int y = (i / cols) * cellH;
            VideoWriter.paint(img, frames, i * s * s * 3, s, scale, x, y + caption);
            if (captions != null) {
                g.drawString(captions.get(i), x + 2, y + caption - 3);
            }
        }
        g.dispose();
        return img;
    }
}
