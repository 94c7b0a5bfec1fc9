package io.genie4j.genie.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.genie4j.genie.nn.Patches;
import io.genie4j.genie.tokenizer.TokenizerConfig;
import io.genie4j.genie.tokenizer.VideoTokenizer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Training throughput of a model at its default size: frames per second, the model FLOPs those
 * frames cost (forward and backward, counted analytically), and that rate as a fraction of the fp32
 * matrix-multiply peak measured in the same process.
 */
public final class TrainBenchmark {

    private TrainBenchmark() {}

    /** Runs the benchmark for {@code model} ("tokenizer") over about {@code seconds} seconds. */
    public static Map<String, Object> run(String model, double seconds) {
        if (!"tokenizer".equals(model)) {
            throw new IllegalArgumentException("unknown model '" + model + "'; known: tokenizer");
        }
        double peak = matmulPeakGflops(Math.max(1, seconds / 3));
        TokenizerConfig mc = TokenizerConfig.defaults();
        TrainConfig tc = TrainConfig.tokenizerDefaults();
        int b = tc.batch();
        int t = tc.clipLength();
        int s = mc.imageSize();
        byte[] pixels = new byte[b * t * s * s * 3];
        new Random(1).nextBytes(pixels);
        Engine.getInstance().setRandomSeed(1);
        int steps = 0;
        double elapsed;
        try (NDManager base = NDManager.newBaseManager()) {
            VideoTokenizer tok = new VideoTokenizer(mc);
            tok.initialize(base);
            ParameterStore ps = new ParameterStore(base, false);
            try (AdamW opt = new AdamW(base, tok.getParameters())) {
                long start = 0;
                for (int i = 0; ; i++) {
                    if (i == 3) {
                        start = System.nanoTime(); // three warm-up steps
                    }
                    if (i > 3 && System.nanoTime() - start > seconds * 1e9) {
                        break;
                    }
                    try (NDManager sm = base.newSubManager();
                            NDScope scope = new NDScope()) {
                        NDArray video = Patches.video(sm, pixels, b, t, s, s, 3);
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            gc.backward(tok.forward(ps, video, true).loss());
                        }
                        opt.step(1e-4f, 0.05f, 1f);
                    }
                    if (i >= 3) {
                        steps++;
                    }
                }
                elapsed = (System.nanoTime() - start) / 1e9;
            }
        }
        double fps = steps * (double) b * t / elapsed;
        double flopsPerFrame = 3 * Flops.tokenizerForwardPerFrame(mc, t);
        double achieved = fps * flopsPerFrame / 1e9;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", model);
        out.put("batch_frames", b * t);
        out.put("steps", steps);
        out.put("seconds", round(elapsed));
        out.put("frames_per_s", round(fps));
        out.put("train_gflop_per_frame", round(flopsPerFrame / 1e9));
        out.put("achieved_gflops", round(achieved));
        out.put("matmul_peak_gflops", round(peak));
        out.put("fraction_of_peak", Math.round(achieved / peak * 1000) / 1000.0);
        out.put("threads", Runtime.getRuntime().availableProcessors());
        return out;
    }

    /** The best fp32 GFLOP/s of 2048×2048 matrix products over about {@code seconds}. */
    public static double matmulPeakGflops(double seconds) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.randomNormal(new Shape(2048, 2048));
            NDArray b = m.randomNormal(new Shape(2048, 2048));
            a.matMul(b).close();
            double best = 0;
            long end = System.nanoTime() + (long) (seconds * 1e9);
            do {
                long t0 = System.nanoTime();
                a.matMul(b).close();
                double s = (System.nanoTime() - t0) / 1e9;
                best = Math.max(best, 2.0 * 2048 * 2048 * 2048 / s / 1e9);
            } while (System.nanoTime() < end);
            return best;
        }
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
