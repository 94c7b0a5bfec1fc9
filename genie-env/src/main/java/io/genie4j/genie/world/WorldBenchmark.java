package io.genie4j.genie.world;

import io.genie4j.env.Tensor;
import io.genie4j.env.registry.Envs;
import io.genie4j.env.spaces.Discrete;
import io.genie4j.env.vector.VectorEnv;
import io.genie4j.env.vector.VectorStep;
import io.genie4j.genie.train.Flops;
import io.genie4j.genie.train.TrainBenchmark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Measures how fast a world model plays: frames per second at several batch sizes with the
 * key-value cache and with naive recomputation of the whole window at every MaskGIT iteration, the
 * achieved GFLOP/s of cached stepping against a matmul peak measured in the same run, the time to
 * restart one world of the batch, and the resident memory before and after a long cached run.
 */
public final class WorldBenchmark {

    private WorldBenchmark() {}

    /**
     * Runs the benchmark on {@code model}, prompting with {@code prompt} (one uint8 frame), about
     * {@code seconds} per measurement, then {@code memoryFrames} frames at the largest batch.
     */
    public static Map<String, Object> run(
            WorldModel model,
            byte[] prompt,
            int[] batches,
            double seconds,
            long memoryFrames,
            GenieWorld.Options options) {
        Map<String, Object> out = new LinkedHashMap<>();
        WorldConfig c = model.config();
        out.put("context_frames", c.context());
        out.put("maskgit_steps", options.maskgitSteps());
        out.put("slide", options.slide());
        out.put("decoder_context", options.decoderContext());
        out.put("guidance", options.guidance());
        out.put("soft_decode", options.softDecode());
        out.put("threads", Runtime.getRuntime().availableProcessors());
        double peak = TrainBenchmark.matmulPeakGflops(Math.max(1, seconds / 3));
        Map<String, Object> cached = new LinkedHashMap<>();
        Map<String, Object> naive = new LinkedHashMap<>();
        Map<String, Object> speedup = new LinkedHashMap<>();
        Map<String, Object> restart = new LinkedHashMap<>();
        double bestGflops = 0;
        for (int b : batches) {
            double[] fc = framesPerSecond(model, prompt, b, seconds, options.withCache(true));
            double[] fn = framesPerSecond(model, prompt, b, seconds, options.withCache(false));
            cached.put("batch_" + b, round(fc[0], 1));
            naive.put("batch_" + b, round(fn[0], 1));
            speedup.put("batch_" + b, round(fc[0] / fn[0], 2));
            restart.put("batch_" + b, round(fc[2], 1));
            bestGflops = Math.max(bestGflops, fc[0] * fc[1] / 1e9);
        }
        out.put("frames_per_s_cached", cached);
        out.put("frames_per_s_naive", naive);
        out.put("cache_speedup", speedup);
        out.put("restart_one_world_ms", restart);
        out.put("achieved_gflops", round(bestGflops, 1));
        out.put("matmul_peak_gflops", round(peak, 1));
        out.put("fraction_of_peak", round(bestGflops / peak, 3));
        if (memoryFrames > 0) {
            int b = batches[batches.length - 1];
            long before = rssBytes();
            long steps = (memoryFrames + b - 1) / b;
            long mid = 0;
            try (GenieWorld w = new GenieWorld(model, b, options.withCache(true))) {
                w.reset(repeat(prompt, b), 1, seeds(b));
                int[] acts = new int[b];
                for (long i = 0; i < steps; i++) {
                    for (int j = 0; j < b; j++) {
                        acts[j] = (int) ((i + j) % c.actions());
                    }
                    w.step(acts);
                    if (i == steps / 10) {
                        mid = rssBytes();
                    }
                }
            }
            out.put("memory_frames", steps * b);
            out.put("rss_mb_before", before >> 20);
            out.put("rss_mb_after_10_percent", mid >> 20);
            out.put("rss_mb_after", rssBytes() >> 20);
        }
        return out;
    }

    /**
     * Steps/s of the {@code Genie-v0} vector env of {@code batch} worlds of the model in {@code
     * dir} (null: the shipped one), every world prompted with {@code prompt} (one uint8 frame),
     * played with uniformly random actions for about {@code seconds} as an agent trains in it:
     * CoinRun's actions through the model's real-action table and its reward and termination heads
     * when it has them, so the restarts of worlds whose episodes end are paid as in training.
     */
    public static Map<String, Object> env(
            Path dir,
            WorldModel model,
            byte[] prompt,
            int batch,
            double seconds,
            GenieWorld.Options o) {
        int size = model.config().imageSize();
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("model", dir == null ? "" : dir.toString());
        options.put("prompt", Tensor.uint8(prompt, size, size, 3));
        options.put("maskgit_steps", o.maskgitSteps());
        options.put("temperature", (double) o.temperature());
        options.put("slide", o.slide());
        options.put("decoder_context", o.decoderContext());
        options.put("guidance", (double) o.guidance());
        options.put("soft_decode", o.softDecode());
        boolean realActions = model.actionTable() != null;
        if (realActions) {
            options.put("actions", "coinrun");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("env", "Genie-v0");
        out.put("num_envs", batch);
        out.put("actions", realActions ? "coinrun" : "latent");
        out.put("events", model.eventHeads() != null);
        try (VectorEnv<?, ?> env = Envs.makeVector("Genie-v0", batch, options, 1)) {
            @SuppressWarnings("unchecked")
            VectorEnv<Tensor, Integer> e = (VectorEnv<Tensor, Integer>) env;
            SplittableRandom rng = new SplittableRandom(0);
            int n = ((Discrete) e.singleActionSpace()).n();
            e.reset(0L, Map.of());
            List<Integer> acts = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                acts.add(0);
            }
            e.step(acts);
            long steps = 0;
            long ended = 0;
            long t0 = System.nanoTime();
            long deadline = t0 + (long) (seconds * 1e9);
            // At least one full cycle of the context, so window restarts are counted.
            for (int k = 0; System.nanoTime() < deadline || k < model.config().context(); k++) {
                for (int i = 0; i < batch; i++) {
                    acts.set(i, rng.nextInt(n));
                }
                VectorStep<Tensor> r = e.step(acts);
                for (int i = 0; i < batch; i++) {
                    ended += r.terminated()[i] || r.truncated()[i] ? 1 : 0;
                }
                steps += batch;
            }
            double s = (System.nanoTime() - t0) / 1e9;
            out.put("steps", steps);
            out.put("episodes_ended", ended);
            out.put("steps_per_s", round(steps / s, 1));
        }
        return out;
    }

    /** Frames/s and useful FLOPs per frame of stepping {@code batch} worlds for about seconds. */
    private static double[] framesPerSecond(
            WorldModel model, byte[] prompt, int batch, double seconds, GenieWorld.Options o) {
        WorldConfig c = model.config();
        try (GenieWorld w = new GenieWorld(model, batch, o)) {
            w.reset(repeat(prompt, batch), 1, seeds(batch));
            int[] acts = new int[batch];
            w.step(acts);
            long t0 = System.nanoTime();
            long deadline = t0 + (long) (seconds * 1e9);
            int steps = 0;
            double flops = 0;
            // At least one full cycle of the window, so restarts are counted.
            while (System.nanoTime() < deadline || steps < c.context()) {
                for (int j = 0; j < batch; j++) {
                    acts[j] = (steps + j) % c.actions();
                }
                int past = w.pastFrames();
                w.step(acts);
                flops +=
                        (o.maskgitSteps() + 1) * Flops.dynamicsPassPerFrame(c, past)
                                + Flops.tokenizerDecodeStepPerFrame(
                                        model.tokenizer().config(), c.tokenizerWindow() / 2);
                steps++;
            }
            double s = (System.nanoTime() - t0) / 1e9;
            // A world whose episode ends starts again while the others go on: the median of 3.
            double[] restarts = new double[3];
            for (int r = 0; r < restarts.length; r++) {
                long r0 = System.nanoTime();
                w.restart(new int[] {0}, prompt, new long[] {r});
                restarts[r] = (System.nanoTime() - r0) / 1e6;
                w.step(acts);
            }
            java.util.Arrays.sort(restarts);
            return new double[] {(double) steps * batch / s, flops / steps, restarts[1]};
        }
    }

    private static byte[] repeat(byte[] frame, int n) {
        byte[] out = new byte[frame.length * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(frame, 0, out, i * frame.length, frame.length);
        }
        return out;
    }

    private static long[] seeds(int n) {
        long[] s = new long[n];
        for (int i = 0; i < n; i++) {
            s[i] = i;
        }
        return s;
    }

    /** This process's resident set size in bytes (Linux), or -1. */
    public static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static double round(double x, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(x * f) / f;
    }
}
