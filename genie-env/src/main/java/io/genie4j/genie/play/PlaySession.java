package io.genie4j.genie.play;

import io.genie4j.env.Env;
import io.genie4j.env.Json;
import io.genie4j.env.Reset;
import io.genie4j.env.Step;
import io.genie4j.env.Tensor;
import io.genie4j.env.registry.PromptSource;
import io.genie4j.genie.data.PromptImage;
import io.genie4j.genie.data.VideoWriter;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one player's messages do: a real game, a generated world, or both side by side, fed the same
 * keys from the same start frame, with recording to a GIF. Transport-free: each message in gives
 * the messages to send back, so a web socket, a test or a script can drive it.
 *
 * <p>Messages in are JSON objects with an {@code op}:
 *
 * <ul>
 *   <li>{@code {"op":"reset","seed":7}}: start every pane again; the seed (0 to 2³¹−1) picks the
 *       CoinRun level and seeds the world's sampling; without one the next seed is used.
 *   <li>{@code {"op":"step","keys":["left","up"],"code":3}}: one step. The direction keys held
 *       ({@code left right up down}) make the game's action; the world plays latent action {@code
 *       code} if given, else the code its legend maps the game action to, else the last code it
 *       played. After an episode ends, a step starts the next level (seed + 1) instead.
 *   <li>{@code {"op":"prompt","source":"seed"}}: prompt the world from the seed's CoinRun level
 *       again after an uploaded image.
 *   <li>{@code {"op":"record","on":true}}, {@code {"op":"gif"}}: record what is shown; send it as a
 *       GIF.
 * </ul>
 *
 * <p>A binary message is an image (PNG, JPEG, GIF, BMP) to prompt a world played alone. Out go a
 * JSON {@code state} after every change, then each pane's frame as a binary message ({@code 'F'},
 * pane, height and width as two bytes each, then RGB bytes); a GIF is {@code 'G'} and its bytes. A
 * bad message is answered with {@code {"type":"error","message":...}} and changes nothing.
 *
 * <p>Not thread-safe by itself: {@link PlaySessions} serialises the calls of one session.
 */
public final class PlaySession implements AutoCloseable {

    /** A message to send: exactly one of text (JSON) and binary is non-null. */
    public record Out(String text, byte[] binary) {
        static Out json(Map<String, Object> m) {
            return new Out(Json.write(m), null);
        }

        /** An error message naming the problem. */
        public static Out error(String message) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "error");
            m.put("message", message);
            return json(m);
        }
    }

    /** The game action a player means by the direction keys held, such as CoinRun's. */
    @FunctionalInterface
    public interface Controls {
        /** The action for these keys. */
        int action(boolean left, boolean right, boolean up, boolean down);
    }

    /** Bounds on what one session may take in and keep. */
    public record Limits(int maxUploadBytes, int maxUploadSide, int maxRecordFrames, int gifScale) {
        /** 4 MB uploads of up to 4096×4096 pixels, 1800 recorded frames, GIFs at 2× size. */
        public static Limits defaults() {
            return new Limits(4 << 20, 4096, 1800, 2);
        }
    }

    /**
     * What a session plays.
     *
     * @param game the real game (stepped with {@link Controls}), or null
     * @param world the generated world (stepped with latent actions), or null; with a game, it is
     *     prompted with the game's frame after each reset (side by side)
     * @param controls maps direction keys to the game's actions (and, through the legend, to the
     *     world's codes); null if there are no direction keys
     * @param legend what the world's codes tend to do; null without a world
     * @param prompts where a world played alone takes its first frame for a seed; null to let the
     *     world's own reset choose
     * @param limits upload, recording and GIF bounds
     */
    public record Setup(
            Env<Tensor, Integer> game,
            Env<Tensor, Integer> world,
            Controls controls,
            ActionLegend legend,
            PromptSource prompts,
            Limits limits) {
        /** Checks that there is something to play. */
        public Setup {
            if (game == null && world == null) {
                throw new IllegalArgumentException("a play session needs a game, a world or both");
            }
            if (world != null && legend == null) {
                throw new IllegalArgumentException("a world needs its action legend");
            }
        }
    }

    private static final Set<String> KEYS = Set.of("left", "right", "up", "down");
    private static final int MAX_SEED = Integer.MAX_VALUE;

    private final Setup setup;
    private final List<Env<Tensor, Integer>> panes = new ArrayList<>();
    private final Tensor[] frames;
    private final double[] rewards;
    private final double[] returns;
    private final boolean[] dones;
    private final List<Map<String, Object>> infos = new ArrayList<>();
    // Each recorded step: every pane's RGB bytes (not images: 3 bytes a pixel, unscaled).
    private final List<byte[][]> recording = new ArrayList<>();
    private boolean recordingOn;
    private Tensor uploaded;
    private long seed;
    private long steps;
    private int lastCode;
    private int lastAction;
    private double stepMillis;

    /** A session over {@code setup}'s envs, which it owns and closes. */
    public PlaySession(Setup setup) {
        this.setup = setup;
        if (setup.game() != null) {
            panes.add(setup.game());
        }
        if (setup.world() != null) {
            panes.add(setup.world());
        }
        frames = new Tensor[panes.size()];
        rewards = new double[panes.size()];
        returns = new double[panes.size()];
        dones = new boolean[panes.size()];
        for (int i = 0; i < panes.size(); i++) {
            infos.add(Map.of());
        }
    }

    /**
     * The first messages: what is played ({@code hello}), then the first frames of {@code seed}.
     */
    public List<Out> start(long seed) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "hello");
        List<String> names = new ArrayList<>();
        for (Env<Tensor, Integer> e : panes) {
            names.add(e.spec().id());
        }
        m.put("panes", names);
        m.put("side_by_side", panes.size() == 2);
        m.put("keys", setup.controls() != null);
        m.put("legend", setup.legend() == null ? null : setup.legend().toJson());
        m.put("uploads", setup.game() == null && setup.world() != null);
        m.put("fps", panes.get(0).spec().renderFps());
        m.put("max_record_frames", setup.limits().maxRecordFrames());
        List<Out> out = new ArrayList<>();
        out.add(Out.json(m));
        resetAll(checkSeed(seed));
        out.addAll(state(null));
        return out;
    }

    /** Handles one JSON message. */
    public List<Out> text(String message) {
        Map<String, Object> m;
        try {
            m = Json.parseObject(message);
        } catch (IllegalArgumentException e) {
            return List.of(Out.error(e.getMessage()));
        }
        try {
            return handle(m);
        } catch (IllegalArgumentException e) {
            return List.of(Out.error(e.getMessage()));
        }
    }

    private List<Out> handle(Map<String, Object> m) {
        if (!(m.get("op") instanceof String op)) {
            throw new IllegalArgumentException("a message needs a string \"op\"");
        }
        switch (op) {
            case "reset" -> {
                only(m, "op", "seed");
                long s = m.containsKey("seed") ? checkSeed(integer(m, "seed")) : nextSeed();
                resetAll(s);
                return state(null);
            }
            case "step" -> {
                only(m, "op", "keys", "code");
                return step(keys(m.get("keys")), code(m));
            }
            case "prompt" -> {
                only(m, "op", "source");
                if (!"seed".equals(m.get("source"))) {
                    throw new IllegalArgumentException(
                            "prompt source must be \"seed\" (an image is sent as a binary"
                                    + " message), got "
                                    + Json.write(m.get("source")));
                }
                needUploads();
                uploaded = null;
                resetAll(seed);
                return state("prompted from CoinRun level seed " + seed);
            }
            case "record" -> {
                only(m, "op", "on");
                if (!(m.get("on") instanceof Boolean on)) {
                    throw new IllegalArgumentException("record needs a boolean \"on\"");
                }
                if (on && !recordingOn) {
                    recording.clear();
                    recordingOn = true;
                    addRecordedFrame();
                } else {
                    recordingOn = on;
                }
                return state(null);
            }
            case "gif" -> {
                only(m, "op");
                return List.of(gif());
            }
            default ->
                    throw new IllegalArgumentException(
                            "unknown op "
                                    + Json.write(op)
                                    + "; expected reset, step, prompt, record or gif");
        }
    }

    /** Handles one binary message: an image to prompt the world with. */
    public List<Out> binary(byte[] bytes) {
        try {
            needUploads();
            if (bytes.length > setup.limits().maxUploadBytes()) {
                throw new IllegalArgumentException(
                        "the uploaded image is "
                                + bytes.length
                                + " bytes; up to "
                                + setup.limits().maxUploadBytes()
                                + " are accepted");
            }
            int size = worldSize();
            PromptImage p = PromptImage.decode(bytes, size, setup.limits().maxUploadSide());
            Tensor before = uploaded;
            uploaded = p.frame();
            try {
                resetAll(seed);
            } catch (RuntimeException e) {
                uploaded = before;
                throw e;
            }
            return state(
                    p.adjustment() == null
                            ? "prompted from the uploaded image"
                            : p.adjustment()
                                    .replace("prompt image uploaded", "the uploaded image"));
        } catch (IllegalArgumentException e) {
            return List.of(Out.error(e.getMessage()));
        }
    }

    private void needUploads() {
        if (setup.world() == null) {
            throw new IllegalArgumentException(
                    "only a generated world takes a prompt image; this session plays "
                            + panes.get(0).spec().id()
                            + " alone");
        }
        if (setup.game() != null) {
            throw new IllegalArgumentException(
                    "side by side, both panes start from the game's frame; play Genie-v0 alone"
                            + " to prompt it with an image");
        }
    }

    private List<Out> step(boolean[] k, Integer code) {
        if (anyDone()) {
            resetAll(seed + 1 > MAX_SEED ? 0 : seed + 1);
            return state("episode over: next level");
        }
        long t0 = System.nanoTime();
        int action = setup.controls() == null ? 0 : setup.controls().action(k[0], k[1], k[2], k[3]);
        int c = lastCode;
        if (setup.world() != null) {
            if (code != null) {
                c = code;
            } else if (setup.controls() != null && setup.legend().codeFor(action) >= 0) {
                c = setup.legend().codeFor(action);
            }
        }
        for (int i = 0; i < panes.size(); i++) {
            Env<Tensor, Integer> e = panes.get(i);
            Step<Tensor> s = e.step(e == setup.world() ? c : action);
            frames[i] = s.observation();
            rewards[i] = s.reward();
            returns[i] += s.reward();
            dones[i] = s.done();
            infos.set(i, s.info());
        }
        lastAction = action;
        lastCode = c;
        steps++;
        stepMillis = (System.nanoTime() - t0) / 1e6;
        addRecordedFrame();
        return state(null);
    }

    private void resetAll(long newSeed) {
        long t0 = System.nanoTime();
        Tensor first = null;
        for (int i = 0; i < panes.size(); i++) {
            Env<Tensor, Integer> e = panes.get(i);
            Reset<Tensor> r;
            if (e == setup.world()) {
                Tensor prompt = first != null ? first : uploaded;
                if (prompt == null && setup.prompts() != null) {
                    prompt = setup.prompts().frame(newSeed, worldSize());
                }
                r =
                        prompt == null
                                ? e.reset(newSeed, Map.of())
                                : e.reset(newSeed, Map.of("prompt_frames", prompt));
            } else {
                r = e.reset(newSeed, Map.of());
                first = r.observation();
            }
            frames[i] = r.observation();
            rewards[i] = 0;
            returns[i] = 0;
            dones[i] = false;
            infos.set(i, r.info());
        }
        seed = newSeed;
        steps = 0;
        stepMillis = (System.nanoTime() - t0) / 1e6;
        addRecordedFrame();
    }

    private int worldSize() {
        if (!(setup.world().observationSpace() instanceof io.genie4j.env.spaces.Box b)) {
            throw new IllegalStateException("a world's observations must be images");
        }
        return b.shape()[0];
    }

    private boolean anyDone() {
        for (boolean d : dones) {
            if (d) {
                return true;
            }
        }
        return false;
    }

    private long nextSeed() {
        return seed >= MAX_SEED ? 0 : seed + 1;
    }

    private List<Out> state(String note) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "state");
        m.put("seed", seed);
        m.put("step", steps);
        List<Map<String, Object>> ps = new ArrayList<>();
        for (int i = 0; i < panes.size(); i++) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("env", panes.get(i).spec().id());
            p.put("reward", rewards[i]);
            p.put("return", returns[i]);
            p.put("done", dones[i]);
            p.put("info", infos.get(i));
            ps.add(p);
        }
        m.put("panes", ps);
        m.put("action", setup.game() != null ? lastAction : null);
        m.put("code", setup.world() != null ? lastCode : null);
        m.put("prompt", uploaded != null ? "uploaded image" : "seed");
        m.put("recording", recordingOn);
        m.put("recorded", recording.size());
        m.put("step_ms", Math.round(stepMillis * 100) / 100.0);
        m.put("note", note);
        List<Out> out = new ArrayList<>();
        out.add(Out.json(m));
        for (int i = 0; i < panes.size(); i++) {
            out.add(new Out(null, frameMessage(i, frames[i])));
        }
        return out;
    }

    static byte[] frameMessage(int pane, Tensor frame) {
        int h = frame.dim(0);
        int w = frame.dim(1);
        byte[] rgb = frame.toByteArray();
        byte[] b = new byte[6 + rgb.length];
        b[0] = 'F';
        b[1] = (byte) pane;
        b[2] = (byte) (h >> 8);
        b[3] = (byte) h;
        b[4] = (byte) (w >> 8);
        b[5] = (byte) w;
        System.arraycopy(rgb, 0, b, 6, rgb.length);
        return b;
    }

    private void addRecordedFrame() {
        if (!recordingOn) {
            return;
        }
        if (recording.size() >= setup.limits().maxRecordFrames()) {
            recordingOn = false; // full: the page shows that recording stopped
            return;
        }
        byte[][] set = new byte[frames.length][];
        for (int i = 0; i < frames.length; i++) {
            set[i] = frames[i].toByteArray();
        }
        recording.add(set);
    }

    /** One recorded step as an image: the panes side by side, scaled, with a gap between. */
    private BufferedImage composite(byte[][] set) {
        int scale = setup.limits().gifScale();
        int gap = 2 * scale;
        int h = frames[0].dim(0);
        int w = 0;
        for (Tensor f : frames) {
            w += f.dim(1) * scale;
        }
        w += gap * (frames.length - 1);
        BufferedImage img = new BufferedImage(w, h * scale, BufferedImage.TYPE_INT_RGB);
        int x = 0;
        for (int i = 0; i < frames.length; i++) {
            VideoWriter.paint(img, set[i], 0, frames[i].dim(0), scale, x, 0);
            x += frames[i].dim(1) * scale + gap;
        }
        return img;
    }

    private Out gif() {
        if (recording.isEmpty()) {
            throw new IllegalArgumentException("nothing recorded yet: record first");
        }
        try {
            List<BufferedImage> images = new ArrayList<>();
            for (byte[][] set : recording) {
                images.add(composite(set));
            }
            byte[] g = VideoWriter.gif(images, panes.get(0).spec().renderFps());
            byte[] b = new byte[g.length + 1];
            b[0] = 'G';
            System.arraycopy(g, 0, b, 1, g.length);
            return new Out(null, b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The frames shown now, one per pane (game first). */
    public List<Tensor> frames() {
        return List.of(frames);
    }

    /** The number of frames recorded. */
    public int recorded() {
        return recording.size();
    }

    // --- Message checks: each names the bad value and what was expected ---

    private static void only(Map<String, Object> m, String... allowed) {
        for (String k : m.keySet()) {
            if (!List.of(allowed).contains(k)) {
                throw new IllegalArgumentException(
                        "op " + m.get("op") + " takes " + List.of(allowed) + ", not " + k);
            }
        }
    }

    private static long integer(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Integer || v instanceof Long)) {
            throw new IllegalArgumentException(key + " must be an integer, got " + Json.write(v));
        }
        return ((Number) v).longValue();
    }

    private static long checkSeed(long s) {
        if (s < 0 || s > MAX_SEED) {
            throw new IllegalArgumentException("seed " + s + " is outside 0.." + MAX_SEED);
        }
        return s;
    }

    private static boolean[] keys(Object v) {
        boolean[] k = new boolean[4];
        if (v == null) {
            return k;
        }
        if (!(v instanceof List<?> list) || list.size() > 4) {
            throw new IllegalArgumentException(
                    "keys must be a list of up to 4 of " + KEYS + ", got " + Json.write(v));
        }
        for (Object o : list) {
            if (!(o instanceof String s) || !KEYS.contains(s)) {
                throw new IllegalArgumentException(
                        "key " + Json.write(o) + " is not one of left, right, up, down");
            }
            switch (s) {
                case "left" -> k[0] = true;
                case "right" -> k[1] = true;
                case "up" -> k[2] = true;
                default -> k[3] = true;
            }
        }
        return k;
    }

    private Integer code(Map<String, Object> m) {
        if (!m.containsKey("code") || m.get("code") == null) {
            return null;
        }
        if (setup.world() == null) {
            throw new IllegalArgumentException(
                    "code is a world model's latent action; this session plays "
                            + panes.get(0).spec().id()
                            + " alone");
        }
        long c = integer(m, "code");
        int n = setup.legend().codes();
        if (c < 0 || c >= n) {
            throw new IllegalArgumentException(
                    "code " + c + " is outside the world's latent actions 0.." + (n - 1));
        }
        return (int) c;
    }

    /** Closes the envs. Idempotent. */
    @Override
    public void close() {
        recording.clear();
        for (Env<Tensor, Integer> e : panes) {
            e.close();
        }
    }
}
