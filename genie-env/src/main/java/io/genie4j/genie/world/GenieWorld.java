package io.genie4j.genie.world;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.genie4j.genie.nn.KvCache;
import io.genie4j.genie.nn.Patches;
import io.genie4j.genie.tokenizer.VideoTokenizer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A batch of playable generated worlds (Genie §2, inference). {@link #reset} prompts every world
 * with one or more frames; {@link #step} takes one latent action per world, samples the next
 * frame's tokens with a few MaskGIT iterations (Chang et al. 2022: each iteration samples every
 * masked token, keeps the most confident, with annealed random noise on the confidences, and
 * re-masks the rest on a cosine schedule) and decodes them to pixels. The dynamics sees a window of
 * at most {@code context} frames, the new one included; when the window is full it restarts from
 * its last half, so each window is computed from scratch, as the model saw clips in training, and a
 * restart costs one pass over half a window.
 *
 * <p>With the cache on (the default) each layer's temporal keys and values of past frames are kept
 * ({@link KvCache}), so a step computes only the new frame's tokens; with it off every iteration
 * recomputes the whole window, which gives the same frames and serves as the reference. The
 * tokenizer's decoder is stepped the same way: it decodes each frame after the frames since its
 * window last restarted (it restarts from the last half of its window when the window is full;
 * {@link Options#decoderContext()} can shorten the window, down to one frame decoded alone).
 *
 * <p>All randomness comes from one generator per world seeded at reset, so the same prompt, seeds
 * and actions give the same frames. Not thread-safe.
 */
public final class GenieWorld implements AutoCloseable {

    /**
     * How to sample.
     *
     * @param maskgitSteps MaskGIT iterations per frame
     * @param temperature sampling temperature (0: always the most likely token)
     * @param context frames the dynamics attends to, the new one included (0: the model's)
     * @param cache whether to cache past frames' keys and values
     * @param slide what happens when the dynamics' window of past frames is full: it slides by one
     *     frame at every step (true), keeping the cached keys and values of the frames still in it,
     *     which were computed when each was new and so saw frames since dropped: about a third
     *     fewer dynamics passes at one MaskGIT iteration; or (false) it restarts from its last
     *     half, recomputed, so the cache gives exactly the frames of naive recomputation
     * @param decoderContext frames the tokenizer's decoder attends to, the new one included (0: its
     *     training window); when its window is full it restarts from its last half, so 1 decodes
     *     every frame alone and never pays a restart
     * @param guidance classifier-free guidance on the action (Ho and Salimans 2022): each MaskGIT
     *     iteration's logits become u + w·(c − u), c with the frame's latent action and u with "no
     *     action", which pushes the sampled frame towards what the action changes; 1 turns it off
     *     (one dynamics pass per iteration), other values cost a second pass. Meant for models
     *     trained with action dropout ({@link io.genie4j.genie.train.TrainConfig#actionDropout()});
     *     a model that never saw "no action" after its first frame gives worse frames with it
     * @param softDecode what the tokenizer's decoder reads for a generated token: the code vector
     *     of the token sampled (false, Genie's way) or the mean of every code's vector under the
     *     distribution it was sampled from (true, the default), so that a position the model is
     *     unsure of is drawn as the average of its likely codes, not one of them (at temperature 0
     *     the distribution is the arg-max alone, so greedy frames are unchanged). The dynamics
     *     reads the sampled tokens either way, so what happens in the world is the same; only its
     *     pixels change
     */
    public record Options(
            int maskgitSteps,
            float temperature,
            int context,
            boolean cache,
            boolean slide,
            int decoderContext,
            float guidance,
            boolean softDecode) {

        /**
         * The default MaskGIT iterations per frame. On the shipped model 4 iterations give about
         * the quality of 8 (held-out rollout PSNR 24.98 against 25.18 dB, ΔtPSNR 1.85 against 1.72
         * dB) at nearly twice the frames/s.
         */
        public static final int DEFAULT_MASKGIT_STEPS = 4;

        /** The default sampling temperature. */
        public static final float DEFAULT_TEMPERATURE = 1.0f;

        /**
         * Whether generated tokens are decoded from their distributions' mean code vectors by
         * default. On every world measured it draws frames closer to the game's: world model v2 at
         * step 16,000 beat the still frame by 1.93 dB with it and 1.52 without, the 64 × 4 world
         * {@code runs/small} by 0.32 and −0.14 (docs/world-model.md).
         */
        public static final boolean DEFAULT_SOFT_DECODE = true;

        /** Checks the options. */
        public Options {
            if (maskgitSteps < 1) {
                throw new IllegalArgumentException(
                        "MaskGIT steps must be >= 1, got " + maskgitSteps);
            }
            if (!(temperature >= 0) || Float.isInfinite(temperature)) {
                throw new IllegalArgumentException(
                        "temperature must be finite and >= 0, got " + temperature);
            }
            if (context < 0) {
                throw new IllegalArgumentException(
                        "context must be >= 0 frames (0: the model's), got " + context);
            }
            if (decoderContext < 0) {
                throw new IllegalArgumentException(
                        "decoder context must be >= 0 frames (0: the tokenizer's), got "
                                + decoderContext);
            }
            if (!(guidance >= 0) || Float.isInfinite(guidance)) {
                throw new IllegalArgumentException(
                        "guidance must be finite and >= 0 (1: off), got " + guidance);
            }
        }

        /**
         * The default iterations, temperature and decoding, the model's context, cached, without
         * guidance.
         */
        public static Options defaults() {
            return new Options(
                    DEFAULT_MASKGIT_STEPS,
                    DEFAULT_TEMPERATURE,
                    0,
                    true,
                    false,
                    0,
                    1f,
                    DEFAULT_SOFT_DECODE);
        }

        /** A copy with the cache on or off. */
        public Options withCache(boolean on) {
            return new Options(
                    maskgitSteps,
                    temperature,
                    context,
                    on,
                    slide,
                    decoderContext,
                    guidance,
                    softDecode);
        }

        /** A copy with another temperature. */
        public Options withTemperature(float t) {
            return new Options(
                    maskgitSteps, t, context, cache, slide, decoderContext, guidance, softDecode);
        }

        /** A copy with another number of MaskGIT iterations. */
        public Options withMaskgitSteps(int k) {
            return new Options(
                    k, temperature, context, cache, slide, decoderContext, guidance, softDecode);
        }

        /** A copy whose full window slides (true) or restarts from its last half (false). */
        public Options withSlide(boolean on) {
            return new Options(
                    maskgitSteps,
                    temperature,
                    context,
                    cache,
                    on,
                    decoderContext,
                    guidance,
                    softDecode);
        }

        /** A copy with another guidance weight (1: off). */
        public Options withGuidance(float w) {
            return new Options(
                    maskgitSteps,
                    temperature,
                    context,
                    cache,
                    slide,
                    decoderContext,
                    w,
                    softDecode);
        }

        /** A copy whose decoder attends to {@code frames} frames (0: the tokenizer's window). */
        public Options withDecoderContext(int frames) {
            return new Options(
                    maskgitSteps, temperature, context, cache, slide, frames, guidance, softDecode);
        }

        /**
         * A copy whose decoder reads the mean code vector (true) or the sampled token's (false).
         */
        public Options withSoftDecode(boolean on) {
            return new Options(
                    maskgitSteps, temperature, context, cache, slide, decoderContext, guidance, on);
        }
    }

    private final WorldModel model;
    private final WorldConfig config;
    private final int batch;
    private final int maskgitSteps;
    private final float temperature;
    private final float guidance;
    private final int context;
    private final boolean cached;
    private final boolean slide;
    private final int window;
    private final int decoderFrames;
    private final NDManager manager;
    private final ParameterStore ps;
    private final KvCache dynamicsCache;
    private final KvCache decoderCache;
    private final Deque<long[]> tokens = new ArrayDeque<>();
    private final Deque<long[]> actionIds = new ArrayDeque<>();
    private final Deque<long[]> decoderWindow = new ArrayDeque<>();
    // With soft decoding: the decoder window's code vectors [B * N * dim] beside its tokens, and
    // every code's unit vector, as a Java array (for prompts) and in the engine (for the means).
    private final boolean soft;
    private final Deque<float[]> decoderVectors = new ArrayDeque<>();
    private final float[] unitCodes;
    private final NDArray codebook;
    private final int codeDim;
    private float[] sampledVectors;
    private final double[] uncertainty;
    private final EventHeads events;
    private double[][] eventProbabilities;
    private SplittableRandom[] rngs;
    private long steps;

    /** {@code batch} worlds of {@code model}, sampled as {@code options} say. */
    public GenieWorld(WorldModel model, int batch, Options options) {
        if (batch <= 0) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        this.model = model;
        this.config = model.config();
        this.batch = batch;
        this.maskgitSteps = options.maskgitSteps();
        this.temperature = options.temperature();
        this.guidance = options.guidance();
        int c = options.context() == 0 ? config.context() : options.context();
        if (c < 2 || c > config.context()) {
            throw new IllegalArgumentException(
                    "context must be between 2 and the model's " + config.context() + ", got " + c);
        }
        this.context = c;
        this.cached = options.cache();
        this.slide = options.slide();
        this.window = config.tokenizerWindow();
        int d = options.decoderContext() == 0 ? window : options.decoderContext();
        if (d > window) {
            throw new IllegalArgumentException(
                    "decoder context must be between 1 and the tokenizer's window of "
                            + window
                            + ", got "
                            + d);
        }
        this.decoderFrames = d;
        this.manager = model.manager().newSubManager();
        this.ps = new ParameterStore(manager, false);
        this.dynamicsCache = new KvCache(manager, model.dynamics().layers(), context - 1);
        this.decoderCache = new KvCache(manager, model.tokenizer().decoderLayers(), decoderFrames);
        this.uncertainty = new double[batch];
        this.events = model.eventHeads();
        this.soft = options.softDecode();
        this.codeDim = model.tokenizer().quantizer().dim();
        if (soft) {
            this.codebook = model.tokenizer().quantizer().vectors(manager);
            this.unitCodes = codebook.toFloatArray();
        } else {
            this.codebook = null;
            this.unitCodes = null;
        }
    }

    /** Worlds in the batch. */
    public int batch() {
        return batch;
    }

    /** The model. */
    public WorldModel model() {
        return model;
    }

    /** Frame side in pixels. */
    public int imageSize() {
        return config.imageSize();
    }

    /** Steps since the last reset. */
    public long steps() {
        return steps;
    }

    /**
     * Per world, the event heads' probabilities of a reward and of termination on the transition to
     * the last generated frame ({@code [B][2]}), or null when the model has no event heads or no
     * frame has been generated since the reset.
     */
    public double[][] eventProbabilities() {
        return eventProbabilities == null ? null : eventProbabilities.clone();
    }

    /**
     * Per world, the mean entropy (nats) of the distributions the last frame's tokens were drawn
     * from: high when the model is unsure what comes next.
     */
    public double[] uncertainty() {
        return uncertainty.clone();
    }

    /**
     * Starts every world from {@code promptFrames} frames, {@code frames} uint8 {@code [B, P, S, S,
     * 3]} row-major; world i draws its samples from a generator seeded with {@code seeds[i]}. The
     * latent actions between prompt frames are inferred by the LAM. Returns the last prompt frame
     * as the tokenizer reconstructs it, uint8 {@code [B, S, S, 3]}.
     */
    public byte[] reset(byte[] frames, int promptFrames, long[] seeds) {
        int s = config.imageSize();
        long frameBytes = (long) s * s * 3;
        if (promptFrames <= 0 || frames.length != batch * promptFrames * frameBytes) {
            throw new IllegalArgumentException(
                    "expected "
                            + batch
                            + " × "
                            + promptFrames
                            + " prompt frames of "
                            + s
                            + "×"
                            + s
                            + "×3 bytes, got "
                            + frames.length
                            + " bytes");
        }
        if (seeds.length != batch) {
            throw new IllegalArgumentException(seeds.length + " seeds for " + batch + " worlds");
        }
        rngs = new SplittableRandom[batch];
        for (int i = 0; i < batch; i++) {
            rngs[i] = new SplittableRandom(seeds[i]);
        }
        Arrays.fill(uncertainty, 0);
        eventProbabilities = null;
        steps = 0;
        tokens.clear();
        actionIds.clear();
        decoderWindow.clear();
        decoderVectors.clear();
        dynamicsCache.clear();
        decoderCache.clear();
        int n = config.tokensPerFrame();
        try (NDManager sm = manager.newSubManager()) {
            int p = Math.min(promptFrames, context - 1);
            NDArray video =
                    Patches.video(sm, frames, batch, promptFrames, s, s, 3)
                            .get(new NDIndex(":, {}:", promptFrames - p));
            NDArray codes = WorldModel.tokenize(model.tokenizer(), ps, video, window);
            long[] all = codes.toLongArray();
            long[] acts = new long[batch * p];
            if (p >= 2) {
                long[] inferred = model.actions().infer(ps, video, codes).toLongArray();
                for (int b = 0; b < batch; b++) {
                    for (int f = 1; f < p; f++) {
                        acts[b * p + f] = inferred[b * (p - 1) + f - 1] + 1;
                    }
                }
            }
            for (int f = 0; f < p; f++) {
                long[] frame = new long[batch * n];
                long[] act = new long[batch];
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(all, (b * p + f) * n, frame, b * n, n);
                    act[b] = acts[b * p + f];
                }
                tokens.add(frame);
                actionIds.add(act);
            }
            if (cached) {
                model.dynamics()
                        .fillCache(
                                ps,
                                sm.create(stack(tokens, n), new Shape(batch, p, n)),
                                sm.create(stack(actionIds, 1), new Shape(batch, p)),
                                dynamicsCache);
            }
            // The decoder starts from the last frames of the prompt (at most half its window).
            List<long[]> list = new ArrayList<>(tokens);
            for (long[] f : list.subList(Math.max(0, p - Math.max(1, decoderFrames / 2)), p)) {
                decoderWindow.add(f);
                if (soft) {
                    decoderVectors.add(codeVectors(f));
                }
            }
            NDArray pixels = decodeWindow(sm, true);
            return VideoTokenizer.toUint8(pixels).toByteArray();
        }
    }

    /**
     * Advances every world by one latent action ({@code actions[i]} in [0, actions)) and returns
     * the new frames, uint8 {@code [B, S, S, 3]}.
     */
    public byte[] step(int[] actions) {
        if (rngs == null) {
            throw new IllegalStateException("call reset before step");
        }
        if (actions.length != batch) {
            throw new IllegalArgumentException(
                    actions.length + " actions for " + batch + " worlds");
        }
        long[] act = new long[batch];
        for (int i = 0; i < batch; i++) {
            if (actions[i] < 0 || actions[i] >= config.actions()) {
                throw new IllegalArgumentException(
                        "latent action "
                                + actions[i]
                                + " is outside [0, "
                                + config.actions()
                                + ")");
            }
            act[i] = actions[i] + 1;
        }
        int n = config.tokensPerFrame();
        try (NDManager sm = manager.newSubManager()) {
            long[] ids = sampleFrame(sm, act);
            NDArray state = null;
            boolean full = tokens.size() + 1 > context - 1;
            if (events != null && (!cached || (full && !slide))) {
                state = features(sm, ids, sm.create(act));
            }
            tokens.add(ids);
            actionIds.add(act);
            if (full && slide) {
                // The window slides: the cache drops its oldest frame as the new one joins.
                tokens.removeFirst();
                actionIds.removeFirst();
            }
            if (full && !slide) {
                // The window is full: restart it from its last half, as the decoder's.
                while (tokens.size() > context / 2) {
                    tokens.removeFirst();
                    actionIds.removeFirst();
                }
                if (cached) {
                    int l = tokens.size();
                    model.dynamics()
                            .fillCache(
                                    ps,
                                    sm.create(stack(tokens, n), new Shape(batch, l, n)),
                                    sm.create(stack(actionIds, 1), new Shape(batch, l)),
                                    dynamicsCache);
                }
            } else if (cached) {
                NDArray committed =
                        model.dynamics()
                                .stepFeatures(
                                        ps,
                                        sm.create(ids, new Shape(batch, n)),
                                        sm.create(act),
                                        dynamicsCache,
                                        true);
                if (events != null) {
                    state = committed;
                }
            }
            if (state != null) {
                readEvents(state);
            }
            boolean restart = decoderWindow.size() >= decoderFrames;
            if (restart) {
                while (decoderWindow.size() > decoderFrames / 2) {
                    decoderWindow.removeFirst();
                    if (soft) {
                        decoderVectors.removeFirst();
                    }
                }
            }
            decoderWindow.add(ids);
            if (soft) {
                decoderVectors.add(sampledVectors);
            }
            NDArray pixels = decodeWindow(sm, restart);
            steps++;
            return VideoTokenizer.toUint8(pixels).toByteArray();
        }
    }

    /** The event heads' probabilities for the new frames' features {@code [B, N, D]}. */
    private void readEvents(NDArray features) {
        int n = config.tokensPerFrame();
        float[][] states =
                EventHeads.pool(
                        features.toFloatArray(), batch, n, (int) features.getShape().get(2));
        eventProbabilities = new double[batch][];
        for (int b = 0; b < batch; b++) {
            eventProbabilities[b] = events.probabilities(states[b]);
        }
    }

    /**
     * Starts worlds {@code which} again from one prompt frame each ({@code frames} uint8 {@code [k,
     * S, S, 3]}, world {@code which[j]} from the j-th, seeded with {@code seeds[j]}) while the
     * others go on. The worlds share one window of past frames, so a restarted world's past is its
     * prompt frame held still for the window's length, with no actions: it starts as from a frame
     * that has not moved. Returns the restarted worlds' frames as the tokenizer reconstructs them,
     * uint8 {@code [k, S, S, 3]}.
     */
    public byte[] restart(int[] which, byte[] frames, long[] seeds) {
        if (rngs == null) {
            throw new IllegalStateException("call reset before restart");
        }
        int s = config.imageSize();
        int fb = s * s * 3;
        int k = which.length;
        if (seeds.length != k || frames.length != (long) k * fb) {
            throw new IllegalArgumentException(
                    "restart needs one " + s + "×" + s + " RGB frame and one seed per world");
        }
        for (int w : which) {
            if (w < 0 || w >= batch) {
                throw new IllegalArgumentException("world " + w + " is outside 0.." + (batch - 1));
            }
        }
        int n = config.tokensPerFrame();
        try (NDManager sm = manager.newSubManager()) {
            NDArray video = Patches.video(sm, frames, k, 1, s, s, 3);
            long[] ids = WorldModel.tokenize(model.tokenizer(), ps, video, window).toLongArray();
            for (int j = 0; j < k; j++) {
                int w = which[j];
                for (long[] frame : tokens) {
                    System.arraycopy(ids, j * n, frame, w * n, n);
                }
                for (long[] act : actionIds) {
                    act[w] = 0;
                }
                for (long[] frame : decoderWindow) {
                    System.arraycopy(ids, j * n, frame, w * n, n);
                }
                if (soft) {
                    float[] v = codeVectors(Arrays.copyOfRange(ids, j * n, (j + 1) * n));
                    for (float[] frame : decoderVectors) {
                        System.arraycopy(v, 0, frame, w * n * codeDim, n * codeDim);
                    }
                }
                rngs[w] = new SplittableRandom(seeds[j]);
                uncertainty[w] = 0;
                if (eventProbabilities != null) {
                    eventProbabilities[w] = new double[] {0, 0};
                }
            }
            if (!cached) {
                byte[] all = VideoTokenizer.toUint8(decodeWindow(sm, true)).toByteArray();
                byte[] out = new byte[k * fb];
                for (int j = 0; j < k; j++) {
                    System.arraycopy(all, which[j] * fb, out, j * fb, fb);
                }
                return out;
            }
            return restartCached(sm, which, ids);
        }
    }

    /**
     * With the cache: the caches' rows of worlds {@code which} refilled from their new past (their
     * prompt tokens {@code ids [k * N]} at every frame, no actions), computed for those worlds
     * alone and copied in, so a restart costs what its worlds cost, not the whole batch's. Returns
     * their frames, uint8 {@code [k, S, S, 3]}.
     */
    private byte[] restartCached(NDManager sm, int[] which, long[] ids) {
        int n = config.tokensPerFrame();
        int g = config.grid();
        int k = which.length;
        int l = tokens.size();
        long[] past = held(ids, k, l, n);
        try (KvCache part = new KvCache(sm, model.dynamics().layers(), context - 1)) {
            // At the positions of the frames the others hold (a sliding window is past 0).
            model.dynamics()
                    .fillCache(
                            ps,
                            sm.create(past, new Shape(k, l, n)),
                            sm.zeros(new Shape(k, l), DataType.INT64),
                            part,
                            dynamicsCache.nextPosition() - l);
            for (int j = 0; j < k; j++) {
                dynamicsCache.copyRows(part, (long) j * n, (long) which[j] * n, n);
            }
        }
        int ld = decoderWindow.size();
        NDArray codes = sm.create(held(ids, k, ld, n), new Shape(k, ld, g, g));
        NDArray pixels;
        try (KvCache part = new KvCache(sm, model.tokenizer().decoderLayers(), decoderFrames)) {
            VideoTokenizer tok = model.tokenizer();
            if (ld > 1) {
                tok.decodeFill(ps, codes.get(new NDIndex(":, 0:{}", ld - 1)), part);
            }
            pixels = tok.decodeStep(ps, codes.get(new NDIndex(":, {}", ld - 1)), part);
            for (int j = 0; j < k; j++) {
                decoderCache.copyRows(part, (long) j * n, (long) which[j] * n, n);
            }
        }
        return VideoTokenizer.toUint8(pixels).toByteArray();
    }

    /**
     * Each of {@code k} worlds' frame (tokens {@code [k * n]}) held still for {@code frames}
     * frames: {@code [k, frames, n]}.
     */
    private static long[] held(long[] ids, int k, int frames, int n) {
        long[] out = new long[k * frames * n];
        for (int j = 0; j < k; j++) {
            for (int f = 0; f < frames; f++) {
                System.arraycopy(ids, j * n, out, (j * frames + f) * n, n);
            }
        }
        return out;
    }

    /** Frames the next frame's dynamics pass attends to (besides itself). */
    public int pastFrames() {
        return tokens.size();
    }

    /** The tokens {@code [B * h * w]} of the latest frame (prompt or generated). */
    public long[] lastTokens() {
        return tokens.getLast().clone();
    }

    /**
     * MaskGIT: the new frame's tokens {@code [B*N]}, all masked at first. Every world fixes the
     * same number of tokens per iteration, so each iteration the head and the sampler run on the
     * {@code open} still-masked tokens of every world ({@code [B, open]}), not on all N.
     */
    private long[] sampleFrame(NDManager sm, long[] act) {
        int n = config.tokensPerFrame();
        int codes = config.codes();
        long[] ids = new long[batch * n];
        Arrays.fill(ids, model.dynamics().maskId());
        boolean[] fixed = new boolean[batch * n];
        double[] entropySum = new double[batch];
        float[] vectors = soft ? new float[batch * n * codeDim] : null;
        NDArray actArray = sm.create(act);
        NDArray noAction = guidance != 1f ? sm.zeros(actArray.getShape(), DataType.INT64) : null;
        float[] conf = new float[n];
        Integer[] order = new Integer[n];
        int[] plan = MaskGit.schedule(n, maskgitSteps);
        int open = n;
        for (int k = 0; k < maskgitSteps; k++) {
            // Each world's random numbers, drawn in the order its open tokens come, so that a
            // world plays the same whatever else is in the batch.
            long[] rows = new long[batch * open];
            float[] uniforms = new float[batch * open];
            double[] noise = new double[batch * open];
            for (int b = 0; b < batch; b++) {
                int r = b * open;
                for (int j = 0; j < n; j++) {
                    int idx = b * n + j;
                    if (!fixed[idx]) {
                        rows[r] = idx;
                        uniforms[r] = temperature > 0 ? (float) rngs[b].nextDouble() : 0f;
                        noise[r] = MaskGit.gumbel(rngs[b]);
                        r++;
                    }
                }
            }
            long[] picks;
            float[] chosen;
            float[] entropy;
            float[] means = null;
            try (NDManager im = sm.newSubManager()) {
                NDArray h = features(im, ids, actArray);
                if (open < n) {
                    h = h.reshape(batch * n, -1).get(new NDIndex("{}", im.create(rows)));
                }
                NDArray logits = model.dynamics().head(ps, h).reshape(batch, open, codes);
                if (guidance != 1f) {
                    // Classifier-free guidance: the same frame reached by "no action" (id 0).
                    NDArray hu = features(im, ids, noAction);
                    if (open < n) {
                        hu = hu.reshape(batch * n, -1).get(new NDIndex("{}", im.create(rows)));
                    }
                    NDArray lu = model.dynamics().head(ps, hu).reshape(batch, open, codes);
                    logits = lu.add(logits.sub(lu).mul(guidance));
                }
                NDArray scaled =
                        temperature > 0 && temperature != 1 ? logits.div(temperature) : logits;
                NDArray logp = scaled.logSoftmax(-1);
                NDArray p = logp.exp();
                entropy = p.mul(logp).sum(new int[] {-1}).neg().toFloatArray();
                // Sampling stays in the engine: only the picks leave it, not the probabilities.
                // A pick is the first code whose cumulative probability passes the world's
                // uniform (inverse-CDF sampling), found as the arg-max of a byte mask (the first
                // maximum); if rounding leaves no code past it, the last code.
                NDArray drawn;
                if (temperature > 0) {
                    NDArray cdf = p.cumSum(-1);
                    NDArray target =
                            im.create(uniforms, new Shape(batch, open))
                                    .mul(cdf.get(new NDIndex(":, :, -1")))
                                    .expandDims(-1);
                    NDArray past = cdf.gt(target).toType(DataType.UINT8, false);
                    NDArray none =
                            past.get(new NDIndex(":, :, -1"))
                                    .eq(0)
                                    .toType(DataType.INT64, false)
                                    .mul(codes - 1);
                    drawn = past.argMax(-1).add(none);
                } else {
                    drawn = p.argMax(-1);
                }
                picks = drawn.toLongArray();
                chosen = p.gather(drawn.expandDims(-1), -1).toFloatArray();
                if (soft) {
                    // The mean code vector under each token's distribution [B, open, dim]; at
                    // temperature 0 that distribution is the arg-max alone, so the mean is the
                    // drawn code's own vector and greedy frames are the greedy tokens' frames.
                    NDArray mean =
                            temperature > 0
                                    ? p.matMul(codebook)
                                    : codebook.get(new NDIndex("{}", drawn.flatten()));
                    means = mean.toFloatArray();
                }
            }
            // MaskGIT ranks tokens by confidence plus annealed Gumbel noise; a floor on the noise
            // breaks the near-ties of saturated probabilities by the seed, not by float rounding.
            double jitter = MaskGit.confidenceNoise(temperature, k, maskgitSteps);
            int fix = Math.min(open, plan[k]);
            for (int b = 0; b < batch; b++) {
                int base = b * open;
                for (int r = 0; r < open; r++) {
                    conf[r] =
                            (float) (Math.log(chosen[base + r] + 1e-30) + jitter * noise[base + r]);
                    order[r] = r;
                }
                Arrays.sort(order, 0, open, (x, y) -> Float.compare(conf[y], conf[x]));
                for (int i = 0; i < fix; i++) {
                    int r = base + order[i];
                    int idx = (int) rows[r];
                    ids[idx] = picks[r];
                    fixed[idx] = true;
                    if (soft) {
                        System.arraycopy(means, r * codeDim, vectors, idx * codeDim, codeDim);
                    }
                    entropySum[b] += entropy[r];
                }
            }
            open -= fix;
        }
        for (int b = 0; b < batch; b++) {
            uncertainty[b] = entropySum[b] / n;
        }
        sampledVectors = vectors;
        return ids;
    }

    /**
     * The dynamics' output features {@code [B, N, D]} (before the head) for the new frame given its
     * current tokens.
     */
    private NDArray features(NDManager m, long[] ids, NDArray act) {
        int n = config.tokensPerFrame();
        NDArray frame = m.create(ids, new Shape(batch, n));
        if (cached) {
            return model.dynamics().stepFeatures(ps, frame, act, dynamicsCache, false);
        }
        int l = tokens.size();
        NDArray past = m.create(stack(tokens, n), new Shape(batch, l, n));
        NDArray pastActs = m.create(stack(actionIds, 1), new Shape(batch, l));
        NDArray all = NDArrays.concat(new NDList(past, frame.expandDims(1)), 1);
        NDArray allActs = NDArrays.concat(new NDList(pastActs, act.expandDims(1)), 1);
        return model.dynamics().features(ps, all, allActs, false).get(new NDIndex(":, -1"));
    }

    /**
     * Pixels {@code [B, S, S, 3]} (floats) of the decoder window's last frame: with the cache, a
     * restart refills it from the window and otherwise only the new frame is decoded.
     */
    private NDArray decodeWindow(NDManager m, boolean restart) {
        int s = config.imageSize();
        VideoTokenizer tok = model.tokenizer();
        if (cached && !restart) {
            return tok.decodeStepVectors(ps, windowVectors(m, true), decoderCache)
                    .reshape(batch, s, s, 3);
        }
        NDArray all = windowVectors(m, false);
        if (!cached) {
            return tok.decodeFromVectors(ps, all).get(new NDIndex(":, -1"));
        }
        int l = decoderWindow.size();
        if (l == 1) {
            decoderCache.clear();
        } else {
            tok.decodeFillVectors(ps, all.get(new NDIndex(":, 0:{}", l - 1)), decoderCache);
        }
        return tok.decodeStepVectors(ps, all.get(new NDIndex(":, {}:", l - 1)), decoderCache)
                .reshape(batch, s, s, 3);
    }

    /**
     * What the decoder reads for its window, {@code [B, frames, N, dim]}: the window's code vectors
     * (its last frame's alone if {@code lastOnly}), the sampled tokens' or, decoding softly, the
     * mean ones.
     */
    private NDArray windowVectors(NDManager m, boolean lastOnly) {
        int n = config.tokensPerFrame();
        int l = lastOnly ? 1 : decoderWindow.size();
        if (soft) {
            float[] v =
                    lastOnly ? decoderVectors.getLast() : stackVectors(decoderVectors, n * codeDim);
            return m.create(v, new Shape(batch, l, n, codeDim));
        }
        long[] ids = lastOnly ? decoderWindow.getLast() : stack(decoderWindow, n);
        return model.tokenizer()
                .quantizer()
                .lookup(ps, m.create(ids, new Shape(batch, l, n)), false);
    }

    /** The unit code vectors {@code [B * N * dim]} of tokens {@code [B * N]}. */
    private float[] codeVectors(long[] ids) {
        float[] out = new float[ids.length * codeDim];
        for (int i = 0; i < ids.length; i++) {
            System.arraycopy(unitCodes, (int) ids[i] * codeDim, out, i * codeDim, codeDim);
        }
        return out;
    }

    /** Frames {@code [B*width]} floats each, stacked to {@code [B, frames, width]}. */
    private float[] stackVectors(Deque<float[]> frames, int width) {
        int l = frames.size();
        float[] out = new float[batch * l * width];
        int f = 0;
        for (float[] fr : frames) {
            for (int b = 0; b < batch; b++) {
                System.arraycopy(fr, b * width, out, (b * l + f) * width, width);
            }
            f++;
        }
        return out;
    }

    /** Frames {@code [B*width]} each, stacked to {@code [B, frames, width]}. */
    private long[] stack(Iterable<long[]> frames, int width) {
        List<long[]> list = new ArrayList<>();
        frames.forEach(list::add);
        int l = list.size();
        long[] out = new long[batch * l * width];
        for (int f = 0; f < l; f++) {
            long[] fr = list.get(f);
            for (int b = 0; b < batch; b++) {
                System.arraycopy(fr, b * width, out, (b * l + f) * width, width);
            }
        }
        return out;
    }

    @Override
    public void close() {
        dynamicsCache.close();
        decoderCache.close();
        manager.close();
    }
}
