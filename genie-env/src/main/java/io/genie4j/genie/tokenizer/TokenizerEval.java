package io.genie4j.genie.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import io.genie4j.genie.data.Clip;
import io.genie4j.genie.data.VideoDataset;
import io.genie4j.genie.metrics.ImageMetrics;
import io.genie4j.genie.nn.Patches;
import io.genie4j.genie.train.Checkpoints;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reconstruction quality of a tokenizer on held-out episodes: mean per-frame PSNR and SSIM over
 * consecutive clips, plus how many codes the frames use and the code distribution's perplexity.
 */
public final class TokenizerEval {

    private TokenizerEval() {}

    /**
     * The figures.
     *
     * @param psnr mean per-frame PSNR in dB
     * @param ssim mean per-frame SSIM
     * @param codebookUsed distinct codes used
     * @param perplexity perplexity of the code distribution
     * @param frames frames evaluated
     */
    public record Result(
            double psnr, double ssim, int codebookUsed, double perplexity, long frames) {

        /** The JSON form printed by {@code genie4j eval tokenizer}. */
        public Map<String, Object> toJson() {
            return Map.of(
                    "psnr",
                    round(psnr),
                    "ssim",
                    Math.round(ssim * 10_000) / 10_000.0,
                    "codebook_used",
                    codebookUsed,
                    "perplexity",
                    round(perplexity),
                    "frames",
                    frames);
        }

        private static double round(double v) {
            return Math.round(v * 100) / 100.0;
        }
    }

    /**
     * Evaluates the tokenizer in {@code modelDir} (the shipped one if null) on the validation split
     * of {@code data}, split as the model's training run split it (by episode file name, with its
     * validation fraction), or on all of its episodes when {@code allEpisodes} (a dataset recorded
     * apart from training), on at most {@code maxFrames} frames.
     */
    public static Result evaluate(Path modelDir, Path data, boolean allEpisodes, long maxFrames)
            throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            VideoTokenizer tok;
            JsonNode trainConfig;
            if (modelDir == null) {
                tok = VideoTokenizer.loadDefault(m);
                try (InputStream in =
                        VideoTokenizer.class.getResourceAsStream(
                                VideoTokenizer.DEFAULT_RESOURCE + "model.json")) {
                    trainConfig = Checkpoints.JSON.readTree(in).path("train_config");
                }
            } else {
                tok = VideoTokenizer.load(modelDir, m);
                trainConfig =
                        Checkpoints.readModelJson(modelDir, VideoTokenizer.KIND)
                                .path("train_config");
            }
            double fraction = trainConfig.path("validationFraction").asDouble(0.05);
            int clip = Math.min(tok.config().maxFrames(), trainConfig.path("clipLength").asInt(8));
            int maxEpisodes = trainConfig.path("maxEpisodes").asInt(0);
            if (allEpisodes) {
                VideoDataset all = VideoDataset.load(data, tok.config().imageSize(), 0, 0);
                return evaluate(tok, all.train(), clip, 8, maxFrames);
            }
            VideoDataset ds =
                    VideoDataset.load(data, tok.config().imageSize(), fraction, maxEpisodes);
            return evaluate(tok, ds.validation(), clip, 8, maxFrames);
        }
    }

    /**
     * Reconstructs consecutive clips of {@code clipLength} frames from {@code split} (at most
     * {@code maxFrames} frames, all if ≤ 0), {@code batch} clips at a time.
     */
    public static Result evaluate(
            VideoTokenizer tok,
            List<Clip.Source> split,
            int clipLength,
            int batch,
            long maxFrames) {
        if (split.isEmpty()) {
            throw new IllegalArgumentException("no validation episodes to evaluate on");
        }
        int maxClips = maxFrames > 0 ? (int) Math.max(1, maxFrames / clipLength) : 0;
        List<Clip> clips = VideoDataset.clips(split, clipLength, maxClips);
        if (clips.isEmpty()) {
            throw new IllegalArgumentException(
                    "no validation episode has " + clipLength + " frames");
        }
        int s = tok.config().imageSize();
        int frameBytes = s * s * 3;
        long[] counts = new long[tok.config().codes()];
        double psnrSum = 0;
        double ssimSum = 0;
        long frames = 0;
        try (NDManager base = NDManager.newBaseManager()) {
            ParameterStore ps = new ParameterStore(base, false);
            for (int i = 0; i < clips.size(); i += batch) {
                int n = Math.min(batch, clips.size() - i);
                byte[] in = new byte[n * clipLength * frameBytes];
                for (int j = 0; j < n; j++) {
                    clips.get(i + j).copyTo(in, j * clipLength * frameBytes);
                }
                byte[] out;
                long[] codes;
                try (NDManager sm = base.newSubManager();
                        NDScope scope = new NDScope()) {
                    NDArray video = Patches.video(sm, in, n, clipLength, s, s, 3);
                    VideoTokenizer.Output o = tok.forward(ps, video, false);
                    out = VideoTokenizer.toUint8(o.frames()).toByteArray();
                    codes = o.codes().toLongArray();
                }
                for (long c : codes) {
                    counts[(int) c]++;
                }
                for (int f = 0; f < n * clipLength; f++) {
                    int off = f * frameBytes;
                    double p = ImageMetrics.psnr(in, off, out, off, frameBytes);
                    psnrSum += Math.min(p, 100);
                    ssimSum += ImageMetrics.ssim(in, off, out, off, s, s);
                    frames++;
                }
            }
        }
        return new Result(
                psnrSum / frames,
                ssimSum / frames,
                ImageMetrics.used(counts),
                ImageMetrics.perplexity(counts),
                frames);
    }
}
